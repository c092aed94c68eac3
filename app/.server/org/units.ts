import { unitIdsOnPath } from "~/lib/unit-path";
import { AppError } from "~/lib/app-error";
import { type Grant, grantsCover } from "~/lib/permissions";
import { type UnitKind } from "~/lib/vocabulary";
import { audit } from "../audit";
import { prisma } from "../db";
import { type Sql, anyOf, execute, forShare, forUpdate, inList, query, sql, transactionLock } from "../sql";

// The unit tree. `path` is "/<root id>/…/<own id>/": a unit's subtree is every row whose path
// starts with its own, one indexed prefix query.

export type UnitNode = {
  id: number;
  name: string;
  kind: string;
  branchType: string | null;
  parentId: number | null;
  path: string;
  depth: number;
  archivedAt: Date | null;
};

const unitSelect = { id: true, name: true, kind: true, branchType: true, parentId: true, path: true, depth: true, archivedAt: true } as const;

/** Units under any of the given paths (inclusive), ordered as a tree walk. */
export async function unitsUnder(paths: string[], { includeArchived = false } = {}): Promise<UnitNode[]> {
  if (paths.length === 0) return [];
  const rows = await prisma.orgUnit.findMany({
    where: { OR: paths.map((p) => ({ path: { startsWith: p } })), ...(includeArchived ? {} : { archivedAt: null }) },
    select: unitSelect,
    orderBy: [{ depth: "asc" }, { sortOrder: "asc" }, { id: "asc" }],
  });
  return orderAsTree(rows);
}

/** Parents before children, siblings in their stored order. */
export function orderAsTree<T extends { id: number; parentId: number | null }>(rows: T[]): T[] {
  const byParent = new Map<number | null, T[]>();
  const ids = new Set(rows.map((r) => r.id));
  for (const r of rows) {
    const key = r.parentId !== null && ids.has(r.parentId) ? r.parentId : null;
    byParent.set(key, [...(byParent.get(key) ?? []), r]);
  }
  const out: T[] = [];
  const walk = (parent: number | null) => {
    for (const r of byParent.get(parent) ?? []) {
      out.push(r);
      walk(r.id);
    }
  };
  walk(null);
  return out;
}

export async function getUnit(id: number) {
  return prisma.orgUnit.findUnique({ where: { id }, select: unitSelect });
}

const CHILD_KINDS: Record<string, UnitKind[]> = {
  committee: ["college", "branch", "temporary"],
  college: ["branch", "temporary"],
  branch: ["group"],
  temporary: ["branch", "group"],
  group: [],
};

export function allowedChildKinds(parentKind: string): UnitKind[] {
  return CHILD_KINDS[parentKind] ?? [];
}

/**
 * Creates a unit under `parentId`. The parent is read inside the transaction, after the lock moves and
 * archives take: a parent moved meanwhile would otherwise give the new unit its old path, and one archived
 * meanwhile an open child.
 */
export async function createUnit(actorId: number, input: { parentId: number; name: string; kind: UnitKind; branchType?: "staff" | "student" | null }) {
  const unit = await prisma.$transaction(async (tx) => {
    await query(tx, transactionLock("unit-moves"));
    const parent = await tx.orgUnit.findUnique({ where: { id: input.parentId }, select: unitSelect });
    if (!parent || parent.archivedAt) throw new AppError("invalid", "上级组织不存在或已撤销");
    if (!allowedChildKinds(parent.kind).includes(input.kind)) throw new AppError("invalid", "该类型的组织不能设在所选上级组织之下");
    const created = await tx.orgUnit.create({
      data: {
        name: input.name,
        kind: input.kind,
        branchType: input.kind === "branch" ? (input.branchType ?? null) : null,
        parentId: parent.id,
        path: `${parent.path}pending/`,
        depth: parent.depth + 1,
      },
      select: { id: true },
    });
    return tx.orgUnit.update({ where: { id: created.id }, data: { path: `${parent.path}${created.id}/` }, select: unitSelect });
  });
  await audit({ actorId, action: "unit.create", targetKind: "unit", targetId: unit.id, detail: { name: unit.name, parentId: input.parentId } });
  return unit;
}

export async function renameUnit(actorId: number, id: number, name: string) {
  const before = await prisma.orgUnit.findUnique({ where: { id }, select: { name: true, archivedAt: true } });
  if (!before) throw new AppError("invalid", "组织不存在");
  if (before.archivedAt) throw new AppError("invalid", "该组织已撤销，不能更名");
  await prisma.orgUnit.update({ where: { id }, data: { name } });
  await audit({ actorId, action: "unit.update", targetKind: "unit", targetId: id, detail: { from: before.name, to: name } });
}

/**
 * Moves a unit and its whole subtree under a new parent, rewriting the paths in one statement.
 * The checks and the rewrite run inside the write transaction, after the lock every move takes. Two
 * moves at once (on two nodes, PostgreSQL) would otherwise each read the paths before the other wrote
 * them: one unit moved under two parents ended with the parent of one and the path of the other, and a
 * unit moved under a parent that was itself moving kept the parent's old path. No row lock covers
 * it: a move rewrites a whole subtree, matched by path.
 */
export async function moveUnit(actorId: number, id: number, newParentId: number) {
  const from = await prisma.$transaction(async (tx) => {
    await query(tx, transactionLock("unit-moves"));
    const [unit, parent] = await Promise.all([
      tx.orgUnit.findUnique({ where: { id }, select: unitSelect }),
      tx.orgUnit.findUnique({ where: { id: newParentId }, select: unitSelect }),
    ]);
    if (!unit || !parent) throw new AppError("invalid", "组织不存在");
    if (unit.parentId === null) throw new AppError("invalid", "校党委不能移动");
    if (unit.archivedAt) throw new AppError("invalid", "该组织已撤销，不能调整");
    if (unit.parentId === parent.id) throw new AppError("invalid", "该组织已在所选上级组织之下");
    if (parent.archivedAt) throw new AppError("invalid", "不能移到已撤销的组织下");
    if (parent.path.startsWith(unit.path)) throw new AppError("invalid", "不能移到自身或其下级组织之下");
    if (!allowedChildKinds(parent.kind).includes(unit.kind as UnitKind)) throw new AppError("invalid", "该类型的组织不能设在所选上级组织之下");
    const newPath = `${parent.path}${unit.id}/`;
    const depthDelta = parent.depth + 1 - unit.depth;
    const now = new Date();
    await execute(
      tx,
      sql`UPDATE "OrgUnit" SET "path" = ${newPath} || substr("path", ${unit.path.length + 1}), "depth" = "depth" + ${depthDelta}, "updatedAt" = ${now}
        WHERE "path" LIKE ${unit.path + "%"}`,
    );
    await tx.orgUnit.update({ where: { id }, data: { parentId: parent.id } });
    return unit.parentId;
  });
  await audit({ actorId, action: "unit.move", targetKind: "unit", targetId: id, detail: { from, to: newParentId } });
}

/**
 * Archives a unit and its subtree. Refused while people still belong to any of them. In one transaction,
 * after the lock moves take, with the subtree's rows locked for update before the people are counted: a
 * person put into one of its units meanwhile (`lockOpenUnits`, which share-locks the unit) either
 * committed before, and is counted, or waits for the archive and then finds the unit archived. Counted
 * outside, a transfer racing with the archive (two nodes, PostgreSQL) left a person in an archived unit.
 */
export async function archiveUnit(actorId: number, id: number) {
  const unit = await prisma.$transaction(async (tx) => {
    await query(tx, transactionLock("unit-moves"));
    const unit = await tx.orgUnit.findUnique({ where: { id }, select: unitSelect });
    if (!unit) throw new AppError("invalid", "组织不存在");
    if (unit.parentId === null) throw new AppError("invalid", "校党委不能撤销");
    if (unit.archivedAt) throw new AppError("invalid", "该组织已撤销");
    await query(tx, sql`SELECT "id" FROM "OrgUnit" WHERE "path" LIKE ${unit.path + "%"}${forUpdate()}`);
    const people = await tx.person.count({ where: { unit: { path: { startsWith: unit.path } }, disabledAt: null } });
    if (people > 0) throw new AppError("invalid", `该组织及其下级仍有 ${people} 人，请先将人员转出再撤销`);
    await tx.orgUnit.updateMany({ where: { path: { startsWith: unit.path }, archivedAt: null }, data: { archivedAt: new Date() } });
    return unit;
  });
  await audit({ actorId, action: "unit.archive", targetKind: "unit", targetId: id, detail: { name: unit.name } });
}

/**
 * Inside a transaction that puts people into the units `ids`: whether every one of them exists and is
 * open, each share-locked until the transaction ends so that an archive (`archiveUnit`, which locks its
 * subtree's rows for update) cannot pass between this check and the write. On PostgreSQL a unit being
 * archived makes this wait, then reads it archived; on SQLite the transaction's write lock already keeps
 * them apart. `all` runs the statement on the caller's transaction (`(stmt) => query(tx, stmt)` for
 * Prisma's, `(stmt) => tx.all(stmt)` for sqlDb()'s).
 */
export async function lockOpenUnits(all: (stmt: Sql) => Promise<{ id: unknown }[]>, ids: readonly number[]): Promise<boolean> {
  const wanted = new Set(ids);
  if (wanted.size === 0) return true;
  const open = await all(sql`SELECT "id" FROM "OrgUnit" WHERE "id" ${inList([...wanted])} AND "archivedAt" IS NULL${forShare()}`);
  return open.length === wanted.size;
}

/** "/1/7/42/" → "/1/7/"; the root's parent path is "/", which no grant covers. */
export function parentPath(path: string): string {
  return path.slice(0, path.lastIndexOf("/", path.length - 2) + 1);
}

/**
 * Whether these grants may rename, move or archive the unit. A grant over a unit lets one shape what
 * is below it, not the unit itself (a college secretary may not rename or dissolve their own
 * college), so it takes `org:manage` over the parent. The root has no parent: only an admin granted
 * on it may change it (and the domain still refuses to move or archive it).
 */
export function mayChangeUnit(grants: readonly Grant[], unit: { id: number; path: string; parentId: number | null }): boolean {
  if (unit.parentId === null) return grants.some((g) => g.role === "admin" && g.unitId === unit.id);
  return grantsCover(grants, "org:manage", parentPath(unit.path));
}

/** Whether `unit` could be moved under `candidate`: the same rules `moveUnit` applies, plus "not where it already is". */
export function isMoveTarget(
  unit: { kind: string; path: string; parentId: number | null },
  candidate: { id: number; kind: string; path: string; archivedAt: Date | null },
): boolean {
  return (
    candidate.archivedAt === null &&
    candidate.id !== unit.parentId &&
    !candidate.path.startsWith(unit.path) &&
    allowedChildKinds(candidate.kind).includes(unit.kind as UnitKind)
  );
}

/** The active units within `scope` that `unit` may be moved under, in tree order. */
export async function moveTargets(unit: { kind: string; path: string; parentId: number | null }, scope: string[]): Promise<UnitNode[]> {
  if (unit.parentId === null) return [];
  return (await unitsUnder(scope)).filter((candidate) => isMoveTarget(unit, candidate));
}

/** Adds each unit's direct head count to the unit and to every unit above it on its path. */
export function rollUpCounts(direct: readonly { path: string; count: number }[]): Map<number, number> {
  const totals = new Map<number, number>();
  for (const { path, count } of direct) {
    for (const id of unitIdsOnPath(path)) totals.set(id, (totals.get(id) ?? 0) + count);
  }
  return totals;
}

/**
 * Active (not disabled) people in the subtree of every unit under `paths`, keyed by unit id: one
 * grouped query by unit, rolled up along the paths, instead of one count per unit. Disabled
 * accounts are left out, as `archiveUnit` leaves them out.
 */
export async function peopleCountsBySubtree(paths: string[]): Promise<Map<number, number>> {
  if (paths.length === 0) return new Map();
  const within = anyOf(paths.map((p) => sql`u."path" LIKE ${`${p}%`}`));
  const rows = await query<{ path: string; n: number | bigint }>(
    prisma,
    sql`SELECT u."path" AS "path", COUNT(*) AS "n"
      FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId"
      WHERE p."disabledAt" IS NULL AND ${within}
      GROUP BY u."id", u."path"`,
  );
  return rollUpCounts(rows.map((r) => ({ path: r.path, count: Number(r.n) })));
}
