import { type ContestSettingsInput, type SectionInput } from "~/lib/contest-settings";
import { hoursToHundredths } from "~/lib/hours";
import { AppError } from "~/lib/app-error";
import { audit } from "../audit";
import { requireDrawable } from "../builder/banks";
import { type BuilderRows, auditChange, builderFor, nextPosition, ofUnits } from "../builder/builder";
import { prisma } from "../db";
import { creditSetterPatch } from "../hours/self-credit";

// The contest builder: settings, paper sections (questions drawn per participant from a bank), audiences,
// publishing. A contest belongs to a unit; the caller checks "contests:manage" over it. Once anybody has an
// entry the paper (sections) is frozen, as in the quiz builder (decision 012): every participant's paper
// must be worth the same for the ranking to mean anything. Settings such as the closing time stay editable.
// Audiences, freezing and publishing are the quiz builder's too (../builder/builder.ts).

const CONTEST_ROWS: BuilderRows = {
  kind: "contest",
  started: (contestId) => prisma.contestEntry.count({ where: { contestId } }),
  audiences: {
    exists: async (contestId, unitId, politicalStatus) =>
      (await prisma.contestAudience.findFirst({ where: { contestId, unitId, politicalStatus }, select: { id: true } })) !== null,
    create: (contestId, unitId, politicalStatus) => prisma.contestAudience.create({ data: { contestId, unitId, politicalStatus } }),
    remove: (contestId, id) => prisma.contestAudience.deleteMany({ where: { id, contestId } }),
  },
  setStatus: (id, status) => prisma.contest.update({ where: { id }, data: { status } }),
  words: { frozen: "已有人参赛，试卷不能再修改", noAudience: "还没有指定参赛范围", notFound: "竞赛不存在" },
};

const builder = builderFor(CONTEST_ROWS);
export const { addAudience, removeAudience, setStatus: setContestStatus } = builder;

const DAY = 24 * 3600_000;

function settingsData(input: ContestSettingsInput) {
  return {
    title: input.title,
    description: input.description ?? null,
    opensAt: input.opensAt,
    closesAt: input.closesAt,
    timeLimitSec: input.timeLimitMin * 60,
    creditHours: input.creditHours ? hoursToHundredths(input.creditHours) : null,
  };
}

export async function contestsOfUnits(scopePaths: string[]) {
  if (scopePaths.length === 0) return [];
  return prisma.contest.findMany({
    where: ofUnits(scopePaths),
    select: {
      id: true,
      title: true,
      status: true,
      opensAt: true,
      closesAt: true,
      unit: { select: { name: true } },
      _count: { select: { entries: true, sections: true } },
    },
    orderBy: { id: "desc" },
  });
}

/** A new contest is a draft open for a week from the next full hour, 30 minutes per participant. */
export async function createContest(actorId: number, unitId: number, title: string) {
  const opensAt = new Date(Math.ceil(Date.now() / 3600_000) * 3600_000);
  const contest = await prisma.contest.create({
    data: { title, unitId, createdById: actorId, creditSetById: actorId, opensAt, closesAt: new Date(opensAt.getTime() + 7 * DAY), timeLimitSec: 1800 },
    select: { id: true },
  });
  await audit({ actorId, action: "contest.create", targetKind: "contest", targetId: contest.id, detail: { title } });
  return contest;
}

export async function contestUnitId(contestId: number): Promise<number | null> {
  return (await prisma.contest.findUnique({ where: { id: contestId }, select: { unitId: true } }))?.unitId ?? null;
}

export async function getContestForEdit(contestId: number) {
  return prisma.contest.findUnique({
    where: { id: contestId },
    select: {
      id: true,
      title: true,
      description: true,
      status: true,
      unitId: true,
      opensAt: true,
      closesAt: true,
      timeLimitSec: true,
      creditHours: true,
      creditSetById: true,
      creditApprovedById: true,
      unit: { select: { name: true, path: true } },
      sections: {
        select: { id: true, position: true, count: true, pointsEach: true, tag: true, difficulty: true, bank: { select: { id: true, title: true } } },
        orderBy: { position: "asc" },
      },
      audiences: { select: { id: true, politicalStatus: true, unit: { select: { id: true, name: true } } } },
      _count: { select: { entries: true } },
    },
  });
}

export async function updateContestSettings(actorId: number, contestId: number, input: ContestSettingsInput) {
  const data = settingsData(input);
  const before = await prisma.contest.findUniqueOrThrow({ where: { id: contestId }, select: { creditHours: true } });
  await prisma.contest.update({ where: { id: contestId }, data: { ...data, ...creditSetterPatch(before, data, actorId) } });
  await auditChange("contest", actorId, contestId, { part: "settings" });
}

export async function addSection(actorId: number, contestId: number, input: SectionInput) {
  await builder.requireUnfrozen(contestId);
  const contest = await prisma.contest.findUniqueOrThrow({ where: { id: contestId }, select: { unit: { select: { path: true } } } });
  const draw = { bankId: input.bankId, tag: input.tag ?? null, difficulty: input.difficulty, count: input.count };
  await requireDrawable(draw, contest.unit.path);
  const last = await prisma.contestSection.findFirst({ where: { contestId }, orderBy: { position: "desc" }, select: { position: true } });
  await prisma.contestSection.create({ data: { contestId, position: nextPosition(last), ...draw, pointsEach: Math.round(input.points * 100) } });
  await auditChange("contest", actorId, contestId, { part: "section.add" });
}

export async function removeSection(actorId: number, contestId: number, sectionId: number) {
  await builder.requireUnfrozen(contestId);
  const { count } = await prisma.contestSection.deleteMany({ where: { id: sectionId, contestId } });
  if (count === 0) throw new AppError("bad_position", "该题组不存在");
  await auditChange("contest", actorId, contestId, { part: "section.remove" });
}

/** Publishing checks what a participant would otherwise hit (../builder/builder.ts); a contest always has a window. */
export async function publishContest(actorId: number, contestId: number) {
  const contest = await getContestForEdit(contestId);
  await builder.publish(
    actorId,
    contestId,
    contest && {
      parts: contest.sections.map((s) => ({ position: s.position, count: s.count, draw: { bankId: s.bank.id, tag: s.tag, difficulty: s.difficulty } })),
      audiences: contest.audiences.length,
      opensAt: contest.opensAt,
      closesAt: contest.closesAt,
    },
  );
}
