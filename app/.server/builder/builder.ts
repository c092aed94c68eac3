import { AppError } from "~/lib/app-error";
import { audit } from "../audit";
import { prisma } from "../db";
import { drawPoolSize } from "./banks";

// What the quiz builder and the contest builder do alike, written once: listing a scope's papers,
// freezing the paper once somebody has started, audiences (a unit's subtree, optionally one political
// status), publishing checks and status changes, each audited. What differs (a quiz's fixed questions
// and grading settings, a contest's required window) stays in quiz/quizzes.ts and contest/contests.ts,
// which describe their own tables to this module with a `BuilderRows`.

export type BuilderKind = "quiz" | "contest";

/** How one builder reaches its rows, and the words that differ between a quiz and a contest. */
export type BuilderRows = {
  kind: BuilderKind;
  /** Attempts or entries so far: once there is one, the paper is frozen. */
  started: (id: number) => Promise<number>;
  audiences: {
    exists: (id: number, unitId: number, politicalStatus: string | null) => Promise<boolean>;
    create: (id: number, unitId: number, politicalStatus: string | null) => Promise<unknown>;
    /** Deletes the row when it belongs to this quiz or contest; how many went. */
    remove: (id: number, audienceId: number) => Promise<{ count: number }>;
  };
  setStatus: (id: number, status: "draft" | "published" | "archived") => Promise<unknown>;
  words: { frozen: string; noAudience: string; notFound: string };
};

/** A quiz's or contest's change, in the audit log. */
export function auditChange(kind: BuilderKind, actorId: number, id: number, detail?: Record<string, unknown>, action: "update" | "publish" = "update") {
  return audit({ actorId, action: `${kind}.${action}`, targetKind: kind, targetId: id, ...(detail ? { detail } : {}) });
}

/** The papers of the units of a scope (their subtrees), archived ones left out. */
export function ofUnits(scopePaths: string[]) {
  return { OR: scopePaths.map((p) => ({ unit: { path: { startsWith: p } } })), status: { not: "archived" } };
}

/** The position after the last one on the paper (1 on an empty paper). */
export function nextPosition(last: { position: number } | null): number {
  return (last?.position ?? 0) + 1;
}

/** Refuses a change of the paper once anybody has started: marks must stay comparable (decision 012). */
export async function requireUnfrozen(rows: BuilderRows, id: number) {
  if ((await rows.started(id)) > 0) throw new AppError("invalid", rows.words.frozen);
}

/** The caller has checked the builder's right over `unitId`: inviting a unit needs the right over it too. */
export async function addAudience(rows: BuilderRows, actorId: number, id: number, unitId: number, politicalStatus: string | null) {
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { archivedAt: true } });
  if (!unit || unit.archivedAt) throw new AppError("invalid", "该党组织不存在或已撤销", { field: "unitId" });
  if (await rows.audiences.exists(id, unitId, politicalStatus)) throw new AppError("invalid", "该范围已添加");
  await rows.audiences.create(id, unitId, politicalStatus);
  await auditChange(rows.kind, actorId, id, { part: "audience.add", unitId, politicalStatus });
}

export async function removeAudience(rows: BuilderRows, actorId: number, id: number, audienceId: number) {
  const { count } = await rows.audiences.remove(id, audienceId);
  if (count === 0) throw new AppError("invalid", "该范围不存在");
  await auditChange(rows.kind, actorId, id, { part: "audience.remove" });
}

/** A paper's part as publishing checks it: a draw (bank, tag, difficulty, count) or a fixed question. */
export type PaperPart = { position: number; count: number; draw: { bankId: number; tag: string | null; difficulty: number | null } | null };
export type Publishable = { parts: PaperPart[]; audiences: number; opensAt: Date | null; closesAt: Date | null };

/**
 * Publishing refuses what a participant would otherwise hit: an empty paper, nobody invited, a window
 * that is empty or over, a draw its pool can no longer fill (questions archived since it was added).
 */
export async function publish(rows: BuilderRows, actorId: number, id: number, paper: Publishable | null) {
  if (!paper) throw new AppError("not_found", rows.words.notFound);
  if (paper.parts.length === 0) throw new AppError("invalid", "试卷还没有题目");
  if (paper.audiences === 0) throw new AppError("invalid", rows.words.noAudience);
  if (paper.opensAt && paper.closesAt && paper.closesAt.getTime() <= paper.opensAt.getTime()) throw new AppError("invalid", "截止时间须晚于开始时间");
  if (paper.closesAt && paper.closesAt.getTime() <= Date.now()) throw new AppError("invalid", "截止时间已过，请先修改时间");
  for (const part of paper.parts) {
    if (!part.draw) continue;
    const pool = await drawPoolSize(part.draw.bankId, part.draw.tag, part.draw.difficulty);
    if (pool < part.count) throw new AppError("too_few", `第 ${part.position} 组只有 ${pool} 道可抽的题，不够 ${part.count} 道`);
  }
  await rows.setStatus(id, "published");
  await auditChange(rows.kind, actorId, id, undefined, "publish");
}

export async function setStatus(rows: BuilderRows, actorId: number, id: number, status: "draft" | "archived") {
  await rows.setStatus(id, status);
  await auditChange(rows.kind, actorId, id, { status });
}

/** The shared operations bound to one builder's rows, for its module to export under its own names. */
export function builderFor(rows: BuilderRows) {
  return {
    requireUnfrozen: (id: number) => requireUnfrozen(rows, id),
    addAudience: (actorId: number, id: number, unitId: number, politicalStatus: string | null) => addAudience(rows, actorId, id, unitId, politicalStatus),
    removeAudience: (actorId: number, id: number, audienceId: number) => removeAudience(rows, actorId, id, audienceId),
    publish: (actorId: number, id: number, paper: Publishable | null) => publish(rows, actorId, id, paper),
    setStatus: (actorId: number, id: number, status: "draft" | "archived") => setStatus(rows, actorId, id, status),
  };
}
