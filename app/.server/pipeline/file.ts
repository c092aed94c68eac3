import { AppError } from "~/lib/app-error";
import { CONTACT_ROLE_LABELS, type ContactRole } from "~/lib/pipeline/contacts";
import { formatDate } from "~/lib/dates";
import { type Grant, grantsCover } from "~/lib/permissions";
import { type DueItem, type RecordedStep, blockedBy, checkStep, dependentsRefusal, effectiveDate, nextSteps } from "~/lib/pipeline/engine";
import { type PipelineStep, type RecorderLevel, RECORDER_LABELS, citation, stepOf } from "~/lib/pipeline/pack";
import { POLITICAL_STATUSES, POLITICAL_STATUS_LABELS, type PoliticalStatus } from "~/lib/vocabulary";
import { PoliticalStatusSchema } from "~/lib/vocabulary-fields";
import { unitIdsOnPath } from "~/lib/unit-path";
import { audit } from "../audit";
import { prisma } from "../db";
import { Prisma } from "../generated/prisma/client";
import {
  type GateOverride,
  type PreparedStatusChange,
  auditStatusChange,
  prepareStatusChange,
  prepareStatusMoves,
  writeStatusChange,
  writeStatusMoves,
} from "../org/people";
import { pipelinePack } from "./packs";

// A person's development file: the steps recorded against the pack in force, who may record which
// step, recording and correcting a step in one transaction with the status change it carries, and
// the file as a page reads it (docs/decisions/041-development-file.md).

export type Actor = { id: number; grants: readonly Grant[] };

type PersonUnit = { id: number; politicalStatus: string; unit: { path: string } };

async function personOf(personId: number): Promise<PersonUnit> {
  const person = await prisma.person.findUnique({ where: { id: personId }, select: { id: true, politicalStatus: true, unit: { select: { path: true } } } });
  if (!person) throw new AppError("not_found", "人员不存在");
  return person;
}

/**
 * The unit whose secretary records a step of this person: the nearest branch on the person's unit
 * path, the nearest college, or the committee at the root. Where the path has no unit of that kind
 * (a person directly under a college), the next unit up answers for it.
 */
async function recorderUnitPath(personPath: string, level: RecorderLevel): Promise<string> {
  const ids = unitIdsOnPath(personPath);
  const units = await prisma.orgUnit.findMany({ where: { id: { in: ids } }, select: { id: true, kind: true, path: true } });
  const onPath = ids.map((id) => units.find((u) => u.id === id)!).filter(Boolean);
  if (level === "committee") return onPath[0].path;
  const kinds = level === "branch" ? ["branch", "temporary"] : ["college"];
  const found = [...onPath].reverse().find((u) => kinds.includes(u.kind));
  if (found) return found.path;
  // No branch on the path: the person's own unit; no college: the unit just below the root, else the root.
  return level === "branch" ? onPath.at(-1)!.path : (onPath[1] ?? onPath[0]).path;
}

/** Whether the actor may record `step` for a person in the unit at `personPath`: a secretary over the step's level. */
export async function mayRecord(actor: Actor, personPath: string, step: PipelineStep): Promise<boolean> {
  return grantsCover(actor.grants, "people:manage", await recorderUnitPath(personPath, step.recorder));
}

/** The actor may record `step` for this person, who is not themselves; refused with the reason otherwise. */
export async function requireRecorder(actor: Actor, person: Pick<PersonUnit, "id" | "unit">, step: PipelineStep) {
  // Nobody records the steps of their own development, whatever their grants.
  if (actor.id === person.id) throw new AppError("forbidden", "不能记录本人的发展党员步骤");
  if (!(await mayRecord(actor, person.unit.path, step))) {
    throw new AppError("forbidden", `「${step.title}」由${RECORDER_LABELS[step.recorder]}记录，您没有为该同志记录这一步骤的权限`);
  }
}

const recordSelect = {
  id: true,
  step: true,
  happenedOn: true,
  note: true,
  backfilled: true,
  late: true,
  birthDate: true,
  recordedAt: true,
  correctionReason: true,
  correctsId: true,
  supersededAt: true,
  statusChangeId: true,
  months: true,
  pack: true,
  packVersion: true,
  recordedBy: { select: { name: true } },
  documents: { select: { id: true, name: true, fileName: true, size: true, uploadedAt: true }, orderBy: { id: "asc" } },
} as const;

async function recordsInForce(personId: number) {
  return prisma.pipelineRecord.findMany({ where: { personId, supersededAt: null }, select: recordSelect, orderBy: [{ happenedOn: "asc" }, { id: "asc" }] });
}

const asRecorded = (rows: { step: string; happenedOn: Date; months: number | null }[]): RecordedStep[] =>
  rows.map((r) => ({ step: r.step, on: r.happenedOn, months: r.months }));
const birthDateOf = (rows: { step: string; birthDate: Date | null }[]) => rows.find((r) => r.step === "apply")?.birthDate ?? null;

const STATUS_RANK = new Map<string, number>(POLITICAL_STATUSES.map((s, i) => [s, i]));

export type StepInput = {
  step: string;
  happenedOn: Date;
  note: string | null;
  backfilled: boolean;
  /** The application step only: the date of birth its ≥ 18 rule needs. */
  birthDate?: Date | null;
  /** A step with a length only (延长预备期): its months. */
  months?: number | null;
};

export type RecordResult = { late: string[]; statusChanged: PoliticalStatus | null; warnings: string[] };

const unique = (e: unknown) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002";

/**
 * Records a step of a person's file: the actor's right to record it, its order and timing by the pack
 * (a refusal names the article; a late step is accepted and marked), then the step and, where it
 * sets a political status ahead of the person's, the status change through the people module — its
 * gates included — all in one transaction. A step recorded once is unique per person while in force,
 * so two requests recording it at the same moment cannot both succeed.
 */
export async function recordStep(
  actor: Actor,
  personId: number,
  input: StepInput,
  today: Date,
  override: GateOverride = { allowed: false },
): Promise<RecordResult> {
  const pack = pipelinePack();
  const step = stepOf(pack, input.step);
  if (!step) throw new AppError("invalid", "档案规则包中没有这个步骤", { field: "step" });
  const person = await personOf(personId);
  await requireRecorder(actor, person, step);
  if (input.backfilled && !input.note) throw new AppError("invalid", "补录须填写说明（如：据原纸质档案补录）", { field: "note" });
  if (step.key !== "apply" && input.birthDate) throw new AppError("invalid", "出生日期只在递交入党申请书时填写", { field: "birthDate" });

  const rows = await recordsInForce(personId);
  const birthDate = step.key === "apply" ? (input.birthDate ?? null) : birthDateOf(rows);
  const months = input.months ?? null;
  const check = checkStep(pack, asRecorded(rows), step.key, input.happenedOn, { birthDate }, today, months);
  if (!check.ok) {
    const field = check.refusal.rule === "no-birth-date" ? "birthDate" : check.refusal.rule === "length" ? "months" : "happenedOn";
    throw new AppError("invalid", check.refusal.message, { field, reason: check.refusal.rule });
  }

  // A back-filled step of someone already past its status (an imported 发展对象) sets nothing; a step
  // that ends the development (取消预备党员资格) sets its status whatever the person's.
  const ahead = (STATUS_RANK.get(step.sets ?? "") ?? 0) > (STATUS_RANK.get(person.politicalStatus) ?? 0);
  const sets = step.sets && (ahead || (step.setsBack && step.sets !== person.politicalStatus)) ? step.sets : null;
  const prepared: PreparedStatusChange | null = sets ? await prepareStatusChange(personId, sets, check.effectiveOn, override) : null;
  const note = `${step.title}（${citation(pack, step.article, step.source)}）${input.note ? `：${input.note}` : ""}`;

  let recordId: number;
  try {
    recordId = await prisma.$transaction(async (tx) => {
      const record = await tx.pipelineRecord.create({
        data: {
          personId,
          pack: pack.id,
          packVersion: pack.version,
          step: step.key,
          happenedOn: input.happenedOn,
          note: input.note,
          backfilled: input.backfilled,
          late: check.late.length ? check.late.join("\n") : null,
          birthDate: step.key === "apply" ? birthDate : null,
          months,
          recordedById: actor.id,
          activeKey: step.repeatable ? null : `${personId}:${step.key}`,
        },
        select: { id: true },
      });
      if (sets && prepared) {
        const change = await writeStatusChange(tx, actor.id, personId, sets, check.effectiveOn, note, prepared);
        await tx.pipelineRecord.update({ where: { id: record.id }, data: { statusChangeId: change.id } });
      }
      return record.id;
    });
  } catch (e) {
    if (unique(e)) throw new AppError("already_done", `「${step.title}」已记录；如记录有误，请更正原记录`, { field: "happenedOn" });
    throw e;
  }
  await audit({
    actorId: actor.id,
    action: "pipeline.record",
    targetKind: "person",
    targetId: personId,
    detail: {
      recordId,
      step: step.key,
      happenedOn: formatDate(input.happenedOn),
      backfilled: input.backfilled,
      late: check.late.length > 0,
      sets,
      ...(months !== null ? { months } : {}),
    },
  });
  if (sets && prepared) await auditStatusChange(actor.id, personId, sets, check.effectiveOn, prepared);
  return { late: check.late, statusChanged: sets, warnings: prepared?.warnings ?? [] };
}

export type Correction = {
  happenedOn: Date;
  note: string | null;
  reason: string;
  /** The application step only: a corrected date of birth (kept unchanged when left out). */
  birthDate?: Date | null;
};

/**
 * Corrects a recorded step: the earlier record is superseded (kept, with when) and a new one names it
 * and the reason. The new date is checked like a new record against the rest of the file, and the steps
 * recorded after it are checked again with it. A step that set the political status moves the date of
 * that status change with it (and of the 转正 that counts from it), in the same transaction, audited once.
 */
export async function correctRecord(actor: Actor, personId: number, recordId: number, input: Correction, today: Date) {
  const pack = pipelinePack();
  const old = await prisma.pipelineRecord.findFirst({ where: { id: recordId, personId }, select: { ...recordSelect, activeKey: true } });
  if (!old) throw new AppError("not_found", "该记录不存在");
  if (old.supersededAt) throw new AppError("conflict", "该记录已被更正，请更正最新的记录");
  const step = stepOf(pack, old.step);
  if (!step) throw new AppError("invalid", "该步骤不在现行档案规则包中，不能更正");
  const person = await personOf(personId);
  await requireRecorder(actor, person, step);
  const dateChanged = old.happenedOn.getTime() !== input.happenedOn.getTime();
  if (step.key !== "apply" && input.birthDate) throw new AppError("invalid", "出生日期只在递交入党申请书时填写", { field: "birthDate" });
  const birthDate = step.key === "apply" ? (input.birthDate ?? old.birthDate) : null;
  const rows = (await recordsInForce(personId)).filter((r) => r.id !== recordId);
  const check = checkStep(pack, asRecorded(rows), step.key, input.happenedOn, { birthDate: birthDate ?? birthDateOf(rows) }, today, old.months);
  if (!check.ok) {
    const field = check.refusal.rule === "no-birth-date" || check.refusal.rule === "min-age" ? "birthDate" : "happenedOn";
    throw new AppError("invalid", check.refusal.message, { field, reason: check.refusal.rule });
  }
  // The steps recorded after it must still hold with the new date (order, ≥ 1 year, 预备期, 公示).
  const others = asRecorded(rows);
  const after = dateChanged ? dependentsRefusal(pack, others, step.key, input.happenedOn, old.months) : null;
  if (after) throw new AppError("invalid", after.message, { field: "happenedOn", reason: after.rule });

  // The status a step set moves with its date, in the same transaction: the step's own status change,
  // and that of a step whose status counts from it (转正, effective at the end of the 预备期).
  const recorded = [...others, { step: step.key, on: input.happenedOn, months: old.months }];
  const moves = dateChanged
    ? [
        ...(old.statusChangeId !== null ? [{ changeId: old.statusChangeId, effectiveOn: check.effectiveOn }] : []),
        ...rows
          .filter((r) => r.statusChangeId !== null && stepOf(pack, r.step)?.effectiveAfter?.of === step.key)
          .map((r) => ({ changeId: r.statusChangeId!, effectiveOn: effectiveDate(stepOf(pack, r.step)!, recorded, r.happenedOn) })),
      ]
    : [];
  const moved = await prepareStatusMoves(personId, moves);

  const created = await prisma.$transaction(async (tx) => {
    // Only the record in force may be superseded: two corrections at once cannot both win.
    const { count } = await tx.pipelineRecord.updateMany({ where: { id: recordId, supersededAt: null }, data: { supersededAt: new Date(), activeKey: null } });
    if (count === 0) throw new AppError("conflict", "该记录已被更正，请刷新后再试");
    const record = await tx.pipelineRecord.create({
      data: {
        personId,
        pack: pack.id,
        packVersion: pack.version,
        step: old.step,
        happenedOn: input.happenedOn,
        note: input.note,
        backfilled: old.backfilled,
        late: check.late.length ? check.late.join("\n") : null,
        birthDate,
        recordedById: actor.id,
        activeKey: old.activeKey,
        correctsId: recordId,
        correctionReason: input.reason,
        statusChangeId: old.statusChangeId,
        months: old.months,
      },
      select: { id: true },
    });
    // The documents follow the record in force; the superseded one keeps its place in the history.
    await tx.pipelineDocument.updateMany({ where: { recordId }, data: { recordId: record.id } });
    await writeStatusMoves(tx, personId, moved);
    return record;
  });
  await audit({
    actorId: actor.id,
    action: "pipeline.correct",
    targetKind: "person",
    targetId: personId,
    detail: {
      recordId: created.id,
      corrects: recordId,
      step: old.step,
      from: formatDate(old.happenedOn),
      to: formatDate(input.happenedOn),
      reason: input.reason,
      ...(moved.length ? { statusMoved: moved.map((m) => ({ statusChangeId: m.changeId, from: formatDate(m.from), to: formatDate(m.to) })) } : {}),
      ...(birthDate && old.birthDate && birthDate.getTime() !== old.birthDate.getTime() ? { birthDateCorrected: true } : {}),
    },
  });
  return { late: check.late };
}

const CONTACT_STEP: Record<ContactRole, string> = { contact: "contacts", sponsor: "sponsors" };
const CONTACT_ARTICLE: Record<ContactRole, string> = { contact: "第九条", sponsor: "第十四条" };

/**
 * Names a 培养联系人 or 入党介绍人: a full member found by 学号/工号, from a date. At most two at a time
 * (第九条: 一至两名; 第十四条: 两名); a replacement ends the earlier one first.
 */
export async function addContact(actor: Actor, personId: number, role: ContactRole, memberNumber: string, since: Date) {
  const pack = pipelinePack();
  const person = await personOf(personId);
  await requireRecorder(actor, person, stepOf(pack, CONTACT_STEP[role])!);
  const member = await prisma.person.findUnique({
    where: { number: memberNumber },
    select: { id: true, name: true, politicalStatus: true, disabledAt: true, unit: { select: { path: true } } },
  });
  const cite = citation(pack, CONTACT_ARTICLE[role]);
  // Someone outside the recorder's own scope gets the same answer as a number that is no account:
  // naming a contact must not tell anyone's name or political status beyond what the recorder may see.
  if (!member || member.disabledAt || !grantsCover(actor.grants, "people:view", member.unit.path)) {
    throw new AppError("invalid", `您的管理范围内没有学号/工号为“${memberNumber}”的人员`, { field: "memberNumber" });
  }
  if (member.id === personId) throw new AppError("invalid", `${CONTACT_ROLE_LABELS[role]}不能是本人`, { field: "memberNumber" });
  if (member.politicalStatus !== "member") {
    throw new AppError(
      "invalid",
      `${CONTACT_ROLE_LABELS[role]}须为正式党员（${cite}），${member.name}目前为${POLITICAL_STATUS_LABELS[PoliticalStatusSchema.parse(member.politicalStatus)]}`,
      {
        field: "memberNumber",
      },
    );
  }
  const current = await prisma.pipelineContact.findMany({ where: { personId, role, endedOn: null }, select: { memberId: true } });
  if (current.some((c) => c.memberId === member.id))
    throw new AppError("invalid", `${member.name}已是该同志的${CONTACT_ROLE_LABELS[role]}`, { field: "memberNumber" });
  if (current.length >= 2) throw new AppError("invalid", `已有两名${CONTACT_ROLE_LABELS[role]}（${cite}），请先结束其中一名`, { field: "memberNumber" });
  const row = await prisma.pipelineContact.create({ data: { personId, role, memberId: member.id, since, recordedById: actor.id }, select: { id: true } });
  await audit({
    actorId: actor.id,
    action: "pipeline.contact",
    targetKind: "person",
    targetId: personId,
    detail: { role, memberId: member.id, since: formatDate(since) },
  });
  return row;
}

export async function endContact(actor: Actor, personId: number, contactId: number, endedOn: Date) {
  const pack = pipelinePack();
  const row = await prisma.pipelineContact.findFirst({ where: { id: contactId, personId }, select: { role: true, since: true, endedOn: true } });
  if (!row || row.endedOn) throw new AppError("invalid", "该联系人不存在或已结束");
  const role = row.role as ContactRole;
  await requireRecorder(actor, await personOf(personId), stepOf(pack, CONTACT_STEP[role])!);
  if (endedOn < row.since) throw new AppError("invalid", "结束日期不能早于开始日期", { field: "endedOn" });
  await prisma.pipelineContact.updateMany({ where: { id: contactId, endedOn: null }, data: { endedOn } });
  await audit({
    actorId: actor.id,
    action: "pipeline.contact",
    targetKind: "person",
    targetId: personId,
    detail: { role, contactId, endedOn: formatDate(endedOn) },
  });
}

export type TimelineEntry = {
  step: PipelineStep;
  stageTitle: string;
  cite: string;
  recorder: string;
  mayRecord: boolean;
  records: (Awaited<ReturnType<typeof recordsInForce>>[number] & { history: HistoryEntry[] })[];
  next: DueItem | null;
  blocked: string | null;
};
type HistoryEntry = {
  id: number;
  happenedOn: Date;
  note: string | null;
  recordedBy: string;
  recordedAt: Date;
  supersededAt: Date | null;
  correctionReason: string | null;
};

/** A person's file as the page reads it: every step of the pack, its records in force with their corrections, what comes next. */
export async function fileOf(actor: Actor, personId: number, today: Date) {
  const pack = pipelinePack();
  const person = await prisma.person.findUnique({
    where: { id: personId },
    select: { id: true, name: true, number: true, politicalStatus: true, statusSince: true, unit: { select: { name: true, path: true } } },
  });
  if (!person) throw new AppError("not_found", "人员不存在");
  const [rows, superseded, contacts] = await Promise.all([
    recordsInForce(personId),
    prisma.pipelineRecord.findMany({
      where: { personId, supersededAt: { not: null } },
      select: { id: true, happenedOn: true, note: true, recordedAt: true, supersededAt: true, correctionReason: true, recordedBy: { select: { name: true } } },
    }),
    prisma.pipelineContact.findMany({
      where: { personId },
      select: { id: true, role: true, since: true, endedOn: true, member: { select: { name: true, number: true } } },
      orderBy: [{ role: "asc" }, { since: "asc" }],
    }),
  ]);
  const byId = new Map(superseded.map((r) => [r.id, r]));
  const recorded = asRecorded(rows);
  const birthDate = birthDateOf(rows);
  const next = nextSteps(pack, recorded, { birthDate }, today);
  const stages = new Map(pack.stages.map((s) => [s.key, s.title]));
  const allRows = await prisma.pipelineRecord.findMany({ where: { personId }, select: { id: true, correctsId: true } });
  const corrects = new Map(allRows.map((r) => [r.id, r.correctsId]));
  const historyOf = (id: number): HistoryEntry[] => {
    const out: HistoryEntry[] = [];
    for (let prev = corrects.get(id) ?? null; prev !== null; prev = corrects.get(prev) ?? null) {
      const r = byId.get(prev);
      if (!r) break;
      out.push({ ...r, recordedBy: r.recordedBy.name });
    }
    return out;
  };
  // Three levels at most: who may record each, looked up once per page rather than once per step.
  const mayByLevel = new Map<string, boolean>();
  for (const level of new Set(pack.steps.map((s) => s.recorder))) {
    mayByLevel.set(level, grantsCover(actor.grants, "people:manage", await recorderUnitPath(person.unit.path, level)));
  }
  const timeline: TimelineEntry[] = [];
  for (const step of pack.steps) {
    timeline.push({
      step,
      stageTitle: stages.get(step.stage) ?? step.stage,
      cite: citation(pack, step.article, step.source),
      recorder: RECORDER_LABELS[step.recorder],
      mayRecord: mayByLevel.get(step.recorder) ?? false,
      records: rows.filter((r) => r.step === step.key).map((r) => ({ ...r, history: historyOf(r.id) })),
      next: next.find((n) => n.step === step.key) ?? null,
      blocked: blockedBy(pack, recorded, step.key),
    });
  }
  return {
    pack: { id: pack.id, name: pack.name, version: pack.version, source: pack.source, publicNotice: pack.publicNotice },
    person: { ...person, politicalStatus: PoliticalStatusSchema.parse(person.politicalStatus) },
    birthDate,
    timeline,
    contacts: contacts.map((c) => ({ ...c, role: c.role as ContactRole })),
  };
}
