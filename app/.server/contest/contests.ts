import { type ContestSettingsInput, type SectionInput } from "~/lib/contest-settings";
import { hoursToHundredths } from "~/lib/hours";
import { audit } from "../audit";
import { prisma } from "../db";
import { creditSetterPatch } from "../hours/self-credit";
import { bankRefusal, drawPoolSize } from "../quiz/quizzes";

// The contest builder: settings, paper sections (questions drawn per participant from a bank), audiences,
// publishing. A contest belongs to a unit; the caller checks "contests:manage" over it. Once anybody has an
// entry the paper (sections) is frozen, as in the quiz builder (decision 012): every participant's paper
// must be worth the same for the ranking to mean anything. Settings such as the closing time stay editable.

export class ContestError extends Error {}

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
    where: { OR: scopePaths.map((p) => ({ unit: { path: { startsWith: p } } })), status: { not: "archived" } },
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

async function requireUnfrozen(contestId: number) {
  const entries = await prisma.contestEntry.count({ where: { contestId } });
  if (entries > 0) throw new ContestError("已有人参赛，试卷不能再修改");
}

export async function updateContestSettings(actorId: number, contestId: number, input: ContestSettingsInput) {
  const data = settingsData(input);
  const before = await prisma.contest.findUniqueOrThrow({ where: { id: contestId }, select: { creditHours: true } });
  await prisma.contest.update({ where: { id: contestId }, data: { ...data, ...creditSetterPatch(before, data, actorId) } });
  await audit({ actorId, action: "contest.update", targetKind: "contest", targetId: contestId, detail: { part: "settings" } });
}

export async function addSection(actorId: number, contestId: number, input: SectionInput) {
  await requireUnfrozen(contestId);
  const contest = await prisma.contest.findUniqueOrThrow({ where: { id: contestId }, select: { unit: { select: { path: true } } } });
  const refusal = await bankRefusal(input.bankId, contest.unit.path);
  if (refusal) throw new ContestError(refusal);
  const pool = await drawPoolSize(input.bankId, input.tag ?? null, input.difficulty);
  if (pool < input.count) throw new ContestError(`符合条件的题目只有 ${pool} 道，不够抽取 ${input.count} 道`);
  const last = await prisma.contestSection.findFirst({ where: { contestId }, orderBy: { position: "desc" }, select: { position: true } });
  await prisma.contestSection.create({
    data: {
      contestId,
      position: (last?.position ?? 0) + 1,
      bankId: input.bankId,
      tag: input.tag ?? null,
      difficulty: input.difficulty,
      count: input.count,
      pointsEach: Math.round(input.points * 100),
    },
  });
  await audit({ actorId, action: "contest.update", targetKind: "contest", targetId: contestId, detail: { part: "section.add" } });
}

export async function removeSection(actorId: number, contestId: number, sectionId: number) {
  await requireUnfrozen(contestId);
  const { count } = await prisma.contestSection.deleteMany({ where: { id: sectionId, contestId } });
  if (count === 0) throw new ContestError("该题组不存在");
  await audit({ actorId, action: "contest.update", targetKind: "contest", targetId: contestId, detail: { part: "section.remove" } });
}

/** The caller has checked "contests:manage" over `unitId`: inviting a unit needs the right over it too. */
export async function addAudience(actorId: number, contestId: number, unitId: number, politicalStatus: string | null) {
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { archivedAt: true } });
  if (!unit || unit.archivedAt) throw new ContestError("该党组织不存在或已撤销");
  const dup = await prisma.contestAudience.findFirst({ where: { contestId, unitId, politicalStatus }, select: { id: true } });
  if (dup) throw new ContestError("该范围已添加");
  await prisma.contestAudience.create({ data: { contestId, unitId, politicalStatus } });
  await audit({ actorId, action: "contest.update", targetKind: "contest", targetId: contestId, detail: { part: "audience.add", unitId, politicalStatus } });
}

export async function removeAudience(actorId: number, contestId: number, audienceId: number) {
  const { count } = await prisma.contestAudience.deleteMany({ where: { id: audienceId, contestId } });
  if (count === 0) throw new ContestError("该范围不存在");
  await audit({ actorId, action: "contest.update", targetKind: "contest", targetId: contestId, detail: { part: "audience.remove" } });
}

/** Publishing refuses what a participant would otherwise hit: no paper, nobody invited, a closed window, a draw its pool cannot fill. */
export async function publishContest(actorId: number, contestId: number) {
  const contest = await getContestForEdit(contestId);
  if (!contest) throw new ContestError("竞赛不存在");
  if (contest.sections.length === 0) throw new ContestError("试卷还没有题目");
  if (contest.audiences.length === 0) throw new ContestError("还没有指定参赛范围");
  if (contest.closesAt.getTime() <= contest.opensAt.getTime()) throw new ContestError("截止时间须晚于开始时间");
  if (contest.closesAt.getTime() <= Date.now()) throw new ContestError("截止时间已过，请先修改时间");
  for (const s of contest.sections) {
    const pool = await drawPoolSize(s.bank.id, s.tag, s.difficulty);
    if (pool < s.count) throw new ContestError(`第 ${s.position} 组只有 ${pool} 道可抽的题，不够 ${s.count} 道`);
  }
  await prisma.contest.update({ where: { id: contestId }, data: { status: "published" } });
  await audit({ actorId, action: "contest.publish", targetKind: "contest", targetId: contestId });
}

export async function setContestStatus(actorId: number, contestId: number, status: "draft" | "archived") {
  await prisma.contest.update({ where: { id: contestId }, data: { status } });
  await audit({ actorId, action: "contest.update", targetKind: "contest", targetId: contestId, detail: { status } });
}
