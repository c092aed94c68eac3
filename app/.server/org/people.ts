import { formatDate } from "~/lib/dates";
import { AppError } from "~/lib/app-error";
import { maskPhone } from "~/lib/mask";
import { compareNames } from "~/lib/name-order";
import { pageWindow, type SortDir, type TableQuery } from "~/lib/table-paging";
import { type CadreLevel, type PoliticalStatus, type Role } from "~/lib/vocabulary";
import { CadreLevelSchema, GenderSchema, PersonCategorySchema, PoliticalStatusSchema, RoleSchema } from "~/lib/vocabulary-fields";
import { audit } from "../audit";
import { invalidateAllSessions } from "../auth/session";
import { checkStatusGates } from "../hours/gates";
import { insensitive, prisma } from "../db";
import { type Prisma } from "../generated/prisma/client";
import { query } from "../sql";
import { lockOpenUnits } from "./units";

// People of the organisation: lists within a scope, a person's page, political status with its
// dated history, cadre level and committee membership, role grants.

export type PeopleFilter = {
  q?: string;
  unitId?: number;
  status?: PoliticalStatus;
  cadreLevel?: CadreLevel;
  committee?: boolean;
  includeDisabled?: boolean;
};

/** The columns the people list sorts by (a whitelist read by tableQuery), each with its Prisma order; ties fall back to the number, then the id. */
export const PEOPLE_SORTS = ["unit", "name", "number", "status"] as const;
export type PeopleSort = (typeof PEOPLE_SORTS)[number];
const peopleOrder = (sort: PeopleSort, dir: SortDir): Prisma.PersonOrderByWithRelationInput[] => {
  const first: Record<PeopleSort, Prisma.PersonOrderByWithRelationInput> = {
    unit: { unit: { path: dir } },
    name: { name: dir }, // not used: names are ordered by pinyin in JS (pageIdsByName)
    number: { number: dir },
    status: { politicalStatus: dir },
  };
  return [first[sort], { number: "asc" }, { id: "asc" }];
};

/** The ids of the units a list covers: the caller's scope, narrowed to one subtree when a unit is named. */
async function unitIdsFor(scope: string[], unitId: number | undefined): Promise<number[]> {
  const narrow = unitId ? await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { path: true } }) : null;
  if (unitId && !narrow) return [];
  const units = await prisma.orgUnit.findMany({
    where: { AND: [{ OR: scope.map((p) => ({ path: { startsWith: p } })) }, ...(narrow ? [{ path: { startsWith: narrow.path } }] : [])] },
    select: { id: true },
  });
  return units.map((u) => u.id);
}

// People are filtered by `unitId IN (…)` rather than through the unit relation: the unit tree is small
// (tens to thousands of rows) and the (unitId, politicalStatus) index then serves the count and the page.
function peopleWhere(unitIds: number[], f: PeopleFilter): Prisma.PersonWhereInput {
  const and: Prisma.PersonWhereInput[] = [{ unitId: { in: unitIds } }];
  if (f.q) and.push({ OR: [{ name: insensitive({ contains: f.q }) }, { number: insensitive({ startsWith: f.q }) }] });
  if (f.status) and.push({ politicalStatus: f.status });
  if (f.cadreLevel) and.push({ cadreLevel: f.cadreLevel });
  if (f.committee !== undefined) and.push({ isCommitteeMember: f.committee });
  if (!f.includeDisabled) and.push({ disabledAt: null });
  return { AND: and };
}

/** The ids of one page of the people matching `where`, by name in pinyin order, then number and id. */
async function pageIdsByName(where: Prisma.PersonWhereInput, dir: SortDir, skip: number, take: number): Promise<number[]> {
  const all = await prisma.person.findMany({ where, select: { id: true, name: true, number: true } });
  const sign = dir === "asc" ? 1 : -1;
  all.sort((a, b) => sign * compareNames(a.name, b.name) || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0) || a.id - b.id);
  return all.slice(skip, skip + take).map((p) => p.id);
}

/** One page of people within the caller's scope, in the order asked for; phone numbers always masked in lists. */
export async function listPeople(scope: string[], filter: PeopleFilter, query: TableQuery<PeopleSort>) {
  const where = peopleWhere(scope.length === 0 ? [] : await unitIdsFor(scope, filter.unitId), filter);
  // Counted first so that a page past the end shows the last page (pageWindow).
  const { paging, skip, take } = pageWindow(await prisma.person.count({ where }), query);
  // By name, the page is cut from the whole filtered list in pinyin order (SQL knows code points only,
  // decision 066): a narrow read of every match (the caller's scope, at most the university), then the page.
  const byName = query.sort === "name" ? await pageIdsByName(where, query.dir, skip, take) : null;
  const rows = await prisma.person.findMany({
    where: byName ? { id: { in: byName } } : where,
    select: {
      id: true,
      number: true,
      name: true,
      gender: true,
      category: true,
      politicalStatus: true,
      cadreLevel: true,
      isCommitteeMember: true,
      committeeRole: true,
      phone: true,
      disabledAt: true,
      unit: { select: { id: true, name: true } },
    },
    ...(byName ? {} : { orderBy: peopleOrder(query.sort, query.dir), skip, take }),
  });
  if (byName) rows.sort((a, b) => byName.indexOf(a.id) - byName.indexOf(b.id));
  return {
    paging,
    rows: rows.map(({ phone, ...r }) => ({
      ...r,
      // Stored as strings; read through their schemas so a page looks labels up by a checked key.
      politicalStatus: PoliticalStatusSchema.parse(r.politicalStatus),
      cadreLevel: CadreLevelSchema.parse(r.cadreLevel),
      phone: maskPhone(phone),
      disabled: r.disabledAt !== null,
    })),
  };
}

/** A person's page. Phone and ID numbers come masked; `revealSensitive` gives them whole, with an audit entry. */
export async function getPersonDetail(id: number) {
  const person = await prisma.person.findUnique({
    where: { id },
    select: {
      id: true,
      number: true,
      name: true,
      gender: true,
      category: true,
      politicalStatus: true,
      statusSince: true,
      cadreLevel: true,
      isCommitteeMember: true,
      committeeRole: true,
      phone: true,
      disabledAt: true,
      createdAt: true,
      unit: { select: { id: true, name: true, path: true } },
      password: { select: { mustChange: true } },
      statusChanges: {
        select: {
          id: true,
          fromStatus: true,
          toStatus: true,
          effectiveOn: true,
          note: true,
          gateOverride: true,
          recordedAt: true,
          recordedBy: { select: { name: true } },
        },
        orderBy: [{ effectiveOn: "desc" }, { id: "desc" }],
      },
      grants: { select: { id: true, role: true, unit: { select: { id: true, name: true, path: true } } }, orderBy: { id: "asc" } },
    },
  });
  if (!person) return null;
  // The changes a development-file step set: their dates are corrected in the file, with the step (one way).
  const fromFile = new Set(
    (
      await prisma.pipelineRecord.findMany({ where: { personId: id, supersededAt: null, statusChangeId: { not: null } }, select: { statusChangeId: true } })
    ).map((r) => r.statusChangeId),
  );
  const { phone, password, ...rest } = person;
  return {
    ...rest,
    // Stored as strings; read through their schemas so the page looks labels up by a checked key.
    gender: rest.gender === null ? null : GenderSchema.parse(rest.gender),
    category: PersonCategorySchema.parse(rest.category),
    politicalStatus: PoliticalStatusSchema.parse(rest.politicalStatus),
    cadreLevel: CadreLevelSchema.parse(rest.cadreLevel),
    statusChanges: rest.statusChanges.map((c) => ({
      ...c,
      fromStatus: c.fromStatus === null ? null : PoliticalStatusSchema.parse(c.fromStatus),
      toStatus: PoliticalStatusSchema.parse(c.toStatus),
      fromFile: fromFile.has(c.id),
    })),
    grants: rest.grants.map((g) => ({ ...g, role: RoleSchema.parse(g.role) })),
    hasPassword: password !== null,
    mustChangePassword: password?.mustChange ?? false,
    phoneMasked: maskPhone(phone),
  };
}

export async function revealSensitive(actorId: number, personId: number) {
  const row = await prisma.person.findUniqueOrThrow({ where: { id: personId }, select: { phone: true } });
  await audit({ actorId, action: "person.sensitive_view", targetKind: "person", targetId: personId, detail: { fields: ["phone"] } });
  return { phone: row.phone ?? "" };
}

export type GateOverride = {
  /** The written reason to record a change a gate refuses; stored with the change and audit-logged. */
  reason?: string | null;
  /** Whether the actor may override gates (holds "rules:manage"): the caller checks the grant. */
  allowed: boolean;
};

/** The status in force on a date: the latest change on or before it, else the person's recorded status. */
async function statusOn(tx: Pick<typeof prisma, "statusChange" | "person">, personId: number, on: Date) {
  const before = await tx.statusChange.findFirst({
    where: { personId, effectiveOn: { lte: on } },
    orderBy: [{ effectiveOn: "desc" }, { id: "desc" }],
    select: { toStatus: true },
  });
  return {
    before,
    status: before?.toStatus ?? (await tx.person.findUniqueOrThrow({ where: { id: personId }, select: { politicalStatus: true } })).politicalStatus,
  };
}

export type PreparedStatusChange = {
  from: string;
  warnings: string[];
  /** The written reason kept with the change when a gate refused it and an admin records it anyway. */
  gateOverride: string | null;
  refusal: string | null;
};

/**
 * The checks before a change of political status: the date, and the pack's pipeline gates
 * (app/.server/hours/gates.ts). A refusal throws an AppError with reason `gate` (detail
 * `{ overridable }`) unless an admin gives a reason; warnings are returned for the page to show.
 */
export async function prepareStatusChange(
  personId: number,
  toStatus: PoliticalStatus,
  effectiveOn: Date,
  override: GateOverride = { allowed: false },
): Promise<PreparedStatusChange> {
  if (effectiveOn.getTime() > Date.now() + 24 * 3600_000) throw new AppError("invalid", "生效日期不能晚于今天");
  const { status: from } = await statusOn(prisma, personId, effectiveOn);
  const gates = await checkStatusGates(personId, from, toStatus, effectiveOn);
  const reason = override.reason?.trim() || null;
  if (gates.refusal) {
    if (!override.allowed) throw new AppError("invalid", gates.refusal.message, { reason: "gate", detail: { overridable: false } });
    if (!reason)
      throw new AppError("invalid", `${gates.refusal.message}。如确需记录，请填写越过学时要求的理由`, { reason: "gate", detail: { overridable: true } });
  }
  return { from, warnings: gates.warnings, gateOverride: gates.refusal ? reason : null, refusal: gates.refusal?.message ?? null };
}

/**
 * Writes a prepared status change inside the caller's transaction (the development file records it
 * with its step). The person's current status is the latest change by effective date, so a back-dated
 * entry does not overwrite a newer one.
 */
export async function writeStatusChange(
  tx: Prisma.TransactionClient,
  actorId: number,
  personId: number,
  toStatus: PoliticalStatus,
  effectiveOn: Date,
  note: string | null,
  prepared: PreparedStatusChange,
): Promise<{ id: number }> {
  // "From" is the status in force on the effective date, so a back-dated entry reads right in the history.
  const { before, status: fromStatus } = await statusOn(tx, personId, effectiveOn);
  if (before && before.toStatus === toStatus) throw new AppError("invalid", "所选日期时已是该政治面貌");
  if (!before && fromStatus === toStatus) throw new AppError("invalid", "新的政治面貌与当前相同");
  const change = await tx.statusChange.create({
    data: { personId, fromStatus, toStatus, effectiveOn, note: note || null, gateOverride: prepared.gateOverride, recordedById: actorId },
    select: { id: true },
  });
  const latest = await tx.statusChange.findFirstOrThrow({
    where: { personId },
    orderBy: [{ effectiveOn: "desc" }, { id: "desc" }],
    select: { toStatus: true, effectiveOn: true },
  });
  await tx.person.update({ where: { id: personId }, data: { politicalStatus: latest.toStatus, statusSince: latest.effectiveOn } });
  return change;
}

/**
 * Moves recorded status changes to other dates (the development file corrects the date of a step that
 * set a status, and of the 转正 that counts from it): the gates are checked again on the new date, and
 * no other change of the person's history may lie between the old and the new date (the history would
 * then read out of order). Returns what moved, for the caller's one audit entry.
 */
export async function prepareStatusMoves(personId: number, moves: readonly { changeId: number; effectiveOn: Date }[]) {
  const history = await prisma.statusChange.findMany({ where: { personId }, select: { id: true, fromStatus: true, toStatus: true, effectiveOn: true } });
  const moving = new Set(moves.map((m) => m.changeId));
  const out: { changeId: number; from: Date; to: Date }[] = [];
  for (const m of moves) {
    const change = history.find((c) => c.id === m.changeId);
    if (!change) throw new AppError("conflict", "该步骤的发展阶段记录已不存在，请刷新后再试");
    if (change.effectiveOn.getTime() === m.effectiveOn.getTime()) continue;
    if (m.effectiveOn.getTime() > Date.now() + 24 * 3600_000) throw new AppError("invalid", "生效日期不能晚于今天", { field: "happenedOn" });
    const [lo, hi] = [change.effectiveOn, m.effectiveOn].sort((a, b) => a.getTime() - b.getTime());
    const between = history.find((c) => !moving.has(c.id) && c.effectiveOn.getTime() >= lo.getTime() && c.effectiveOn.getTime() <= hi.getTime());
    if (between) {
      throw new AppError("invalid", `政治面貌于 ${formatDate(between.effectiveOn)} 另有一次变更，更正后的日期不能跨过它；请先核对人员页面的发展阶段记录`, {
        field: "happenedOn",
      });
    }
    const gates = await checkStatusGates(personId, change.fromStatus ?? "", change.toStatus, m.effectiveOn);
    if (gates.refusal) throw new AppError("invalid", gates.refusal.message, { field: "happenedOn", reason: "gate" });
    out.push({ changeId: m.changeId, from: change.effectiveOn, to: m.effectiveOn });
  }
  return out;
}

/** Writes prepared moves inside the caller's transaction; the person's status and its date follow the latest change. */
export async function writeStatusMoves(tx: Prisma.TransactionClient, personId: number, moves: readonly { changeId: number; to: Date }[]) {
  if (moves.length === 0) return;
  for (const m of moves) await tx.statusChange.update({ where: { id: m.changeId, personId }, data: { effectiveOn: m.to } });
  const latest = await tx.statusChange.findFirstOrThrow({
    where: { personId },
    orderBy: [{ effectiveOn: "desc" }, { id: "desc" }],
    select: { toStatus: true, effectiveOn: true },
  });
  await tx.person.update({ where: { id: personId }, data: { politicalStatus: latest.toStatus, statusSince: latest.effectiveOn } });
}

/** The audit entries of a written status change (and of a gate an admin overrode). */
export async function auditStatusChange(actorId: number, personId: number, toStatus: PoliticalStatus, effectiveOn: Date, prepared: PreparedStatusChange) {
  const day = formatDate(effectiveOn);
  await audit({
    actorId,
    action: "person.status_change",
    targetKind: "person",
    targetId: personId,
    detail: { toStatus, effectiveOn: day, ...(prepared.warnings.length ? { warnings: prepared.warnings } : {}) },
  });
  if (prepared.gateOverride) {
    await audit({
      actorId,
      action: "person.gate_override",
      targetKind: "person",
      targetId: personId,
      detail: { fromStatus: prepared.from, toStatus, effectiveOn: day, refusal: prepared.refusal, reason: prepared.gateOverride },
    });
  }
}

/** Records a change of political status with the date it took effect: the checks, the write, the audit. */
export async function changeStatus(
  actorId: number,
  personId: number,
  toStatus: PoliticalStatus,
  effectiveOn: Date,
  note?: string,
  override: GateOverride = { allowed: false },
): Promise<{ warnings: string[]; overridden: boolean }> {
  const prepared = await prepareStatusChange(personId, toStatus, effectiveOn, override);
  await prisma.$transaction((tx) => writeStatusChange(tx, actorId, personId, toStatus, effectiveOn, note ?? null, prepared));
  await auditStatusChange(actorId, personId, toStatus, effectiveOn, prepared);
  return { warnings: prepared.warnings, overridden: prepared.gateOverride !== null };
}

export type PersonUpdate = {
  name: string;
  unitId: number;
  cadreLevel: CadreLevel;
  isCommitteeMember: boolean;
  committeeRole: string | null;
  /** Left out (or null) keeps the stored number: the form never shows it unmasked. */
  phone?: string | null;
};

export async function updatePerson(actorId: number, personId: number, input: PersonUpdate) {
  const { phone, ...rest } = input;
  // The unit checked open and kept so until the person is in it: an archive racing with the move waits (lockOpenUnits).
  await prisma.$transaction(async (tx) => {
    await requireOpenUnit((stmt) => query(tx, stmt), input.unitId);
    await tx.person.update({ where: { id: personId }, data: phone ? { ...rest, phone } : rest });
  });
  await audit({
    actorId,
    action: "person.update",
    targetKind: "person",
    targetId: personId,
    detail: { unitId: input.unitId, cadreLevel: input.cadreLevel, isCommitteeMember: input.isCommitteeMember },
  });
}

export async function setDisabled(actorId: number, personId: number, disabled: boolean) {
  await prisma.person.update({ where: { id: personId }, data: { disabledAt: disabled ? new Date() : null } });
  if (disabled) await invalidateAllSessions(personId);
  await audit({ actorId, action: disabled ? "person.disable" : "person.enable", targetKind: "person", targetId: personId });
}

export async function addGrant(actorId: number, personId: number, role: Role, unitId: number) {
  // As with a move: the unit checked open and kept so until the grant is written (an archive racing waits).
  await prisma.$transaction(async (tx) => {
    await requireOpenUnit((stmt) => query(tx, stmt), unitId);
    await tx.roleGrant.upsert({
      where: { personId_role_unitId: { personId, role, unitId } },
      create: { personId, role, unitId, grantedById: actorId },
      update: {},
    });
  });
  await audit({ actorId, action: "grant.add", targetKind: "person", targetId: personId, detail: { role, unitId } });
}

export async function grantUnitOf(personId: number, grantId: number): Promise<number | null> {
  const grant = await prisma.roleGrant.findFirst({ where: { id: grantId, personId }, select: { unitId: true } });
  return grant?.unitId ?? null;
}

async function requireOpenUnit(all: Parameters<typeof lockOpenUnits>[0], unitId: number) {
  if (!(await lockOpenUnits(all, [unitId]))) throw new AppError("invalid", "所选党组织不存在或已撤销");
}

export async function removeGrant(actorId: number, personId: number, grantId: number) {
  const grant = await prisma.roleGrant.findFirst({ where: { id: grantId, personId }, select: { role: true, unitId: true } });
  if (!grant) throw new AppError("invalid", "该授权不存在");
  if (actorId === personId && grant.role === "admin") throw new AppError("invalid", "不能撤销自己的管理员权限");
  await prisma.roleGrant.delete({ where: { id: grantId } });
  await audit({ actorId, action: "grant.remove", targetKind: "person", targetId: personId, detail: grant });
}
