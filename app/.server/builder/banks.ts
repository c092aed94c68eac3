import { AppError } from "~/lib/app-error";
import { unitIdsOnPath } from "~/lib/unit-path";
import { prisma } from "../db";

// The banks a quiz or contest (or a live round) may draw from, and the check every draw passes:
// the bank is within the owner unit's reach and holds enough questions for the draw.

const FOREIGN_BANK = "不能使用其他党组织的题库";

/** Questions a draw rule can pick from: not archived, in the bank, with the tag and difficulty asked. */
export async function drawPoolSize(bankId: number, tag: string | null, difficulty: number | null): Promise<number> {
  const questions = await prisma.question.findMany({
    where: { bankId, archivedAt: null, ...(difficulty ? { difficulty } : {}) },
    select: { tags: true },
  });
  if (!tag) return questions.length;
  return questions.filter((q) => (JSON.parse(q.tags) as string[]).includes(tag)).length;
}

/**
 * Refuses a bank that a quiz or contest of the unit at `ownerPath` may not use: the rule of
 * `banksForBuilder` for one bank (the owner's unit, above it, or below it). Checked on every slot and
 * section added, since a form can name any bank or question id, not only the ones offered.
 * A fixed question's bank is checked too, with its own sentence and no bank field to point at.
 */
export async function requireBankInReach(bankId: number, ownerPath: string, of: "draw" | "question" = "draw"): Promise<void> {
  const field = of === "draw" ? "bankId" : undefined;
  const bank = await prisma.questionBank.findUnique({ where: { id: bankId }, select: { archivedAt: true, unit: { select: { path: true } } } });
  if (!bank || bank.archivedAt) throw new AppError("invalid", "该题库不存在或已归档", { field });
  const bankPath = bank.unit.path;
  if (!(ownerPath.startsWith(bankPath) || bankPath.startsWith(ownerPath)))
    throw new AppError("invalid", of === "draw" ? FOREIGN_BANK : "不能使用其他党组织题库中的题目", { field });
}

export type Draw = { bankId: number; tag: string | null; difficulty: number | null; count: number };

/** A draw about to be put on a paper: its bank in reach, and enough questions in its pool. */
export async function requireDrawable(draw: Draw, ownerPath: string): Promise<void> {
  await requireBankInReach(draw.bankId, ownerPath);
  const pool = await drawPoolSize(draw.bankId, draw.tag, draw.difficulty);
  if (pool < draw.count) throw new AppError("too_few", `符合条件的题目只有 ${pool} 道，不够抽取 ${draw.count} 道`, { field: "count" });
}

/** Banks and questions a builder may use: those of the quiz's (or contest's) unit, above it and below it (shipped banks sit at the root). */
export async function banksForBuilder(unitPath: string) {
  return prisma.questionBank.findMany({
    where: { archivedAt: null, OR: [{ unitId: { in: unitIdsOnPath(unitPath) } }, { unit: { path: { startsWith: unitPath } } }] },
    select: { id: true, title: true, _count: { select: { questions: { where: { archivedAt: null } } } } },
    orderBy: { title: "asc" },
  });
}
