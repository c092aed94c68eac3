import { AppError } from "~/lib/app-error";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { type EditableQuestion, bankSchema, editableQuestionSchema } from "~/lib/bank-format";
import { stemKey } from "~/lib/bank-import";
import { type QuestionType } from "~/lib/quiz-grading";
import { audit } from "../audit";
import { insensitive, prisma, sqlDb } from "../db";
import { type Prisma } from "../generated/prisma/client";
import { type SqlDb, type SqlRunner, forUpdate, sql, withRetry } from "../sql";
import { compareNames } from "~/lib/name-order";
import { pageWindow, type TableQuery } from "~/lib/table-paging";

// Question banks: the demo banks kept as files under content/banks (synchronised at start), banks
// trainers make in the browser, and their questions. Callers authorise against `bank.unitId`
// (requirePermission "banks:manage") before calling anything here. A question that has been
// answered or placed in a quiz is archived, never deleted: attempts and slots point at it.

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

// ---------- stored form ----------

/** The columns a question is stored in: options, answer and tags as JSON. */
export type StoredQuestion = {
  key: string;
  type: string;
  stem: string;
  options: string | null;
  answer: string;
  explanation: string;
  difficulty: number;
  tags: string;
  source: string | null;
};

export function toStored(q: EditableQuestion): StoredQuestion {
  return {
    key: q.id,
    type: q.type,
    stem: q.stem,
    options: q.type === "single" || q.type === "multiple" ? JSON.stringify(q.options) : null,
    answer: JSON.stringify(q.answer),
    explanation: q.explanation,
    difficulty: q.difficulty,
    tags: JSON.stringify(q.tags),
    source: q.source ?? null,
  };
}

/** Adds a question to a bank in the caller's transaction (the repository sync and the Excel import). */
export async function insertQuestion(db: SqlRunner, bankId: number, q: StoredQuestion, now: Date) {
  await db.run(
    sql`INSERT INTO "Question" ("bankId", "key", "type", "stem", "options", "answer", "explanation", "difficulty", "tags", "source", "createdAt", "updatedAt")
      VALUES (${bankId}, ${q.key}, ${q.type}, ${q.stem}, ${q.options}, ${q.answer}, ${q.explanation}, ${q.difficulty}, ${q.tags}, ${q.source}, ${now}, ${now})`,
  );
}

/** Back to the bank-format shape; a row that no longer passes the rules (edited by hand in SQL) throws. */
export function fromStored(row: StoredQuestion): EditableQuestion {
  return editableQuestionSchema.parse({
    id: row.key,
    type: row.type,
    stem: row.stem,
    ...(row.options ? { options: JSON.parse(row.options) } : {}),
    answer: JSON.parse(row.answer),
    explanation: row.explanation,
    difficulty: row.difficulty,
    tags: JSON.parse(row.tags),
    ...(row.source ? { source: row.source } : {}),
  });
}

const storedSelect = {
  key: true,
  type: true,
  stem: true,
  options: true,
  answer: true,
  explanation: true,
  difficulty: true,
  tags: true,
  source: true,
} as const;

// ---------- content/banks ----------

export type SyncSummary = {
  files: number;
  unchanged: number;
  banksCreated: number;
  banksUpdated: number;
  questionsAdded: number;
  questionsUpdated: number;
  questionsArchived: number;
  warnings: string[];
};

export const CONTENT_BANKS_DIR = path.resolve("content/banks");

const sha256 = (bytes: Uint8Array) => crypto.createHash("sha256").update(bytes).digest("hex");

/**
 * Brings the banks under content/banks into the database. A file whose SHA-256 matches the
 * bank's contentHash is not even parsed, so a start with nothing changed costs a directory
 * listing and one query. A changed file updates its bank (owned by the root unit) and upserts
 * its questions by key; questions no longer in the file are archived, questions back in it
 * are restored. A file that does not pass bank-format is skipped with a warning, never half-applied.
 */
export async function syncContentBanks({ dir = CONTENT_BANKS_DIR, db = sqlDb() }: { dir?: string; db?: SqlDb } = {}): Promise<SyncSummary> {
  const summary: SyncSummary = {
    files: 0,
    unchanged: 0,
    banksCreated: 0,
    banksUpdated: 0,
    questionsAdded: 0,
    questionsUpdated: 0,
    questionsArchived: 0,
    warnings: [],
  };
  if (!fs.existsSync(dir)) return summary;
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  summary.files = files.length;
  if (files.length === 0) return summary;

  const root = await db.get<{ id: number }>(sql`SELECT "id" FROM "OrgUnit" WHERE "parentId" IS NULL ORDER BY "id" LIMIT 1`);
  if (!root) {
    summary.warnings.push("尚未建立党组织，题库文件暂不导入");
    return summary;
  }
  const known = new Map(
    (await db.all<{ id: number; slug: string; contentHash: string | null }>(sql`SELECT "id", "slug", "contentHash" FROM "QuestionBank"`)).map((b) => [
      b.slug,
      b,
    ]),
  );

  for (const file of files) {
    const bytes = fs.readFileSync(path.join(dir, file));
    const hash = sha256(bytes);
    const slug = file.replace(/\.ya?ml$/, "");
    if (known.get(slug)?.contentHash === hash) {
      summary.unchanged++;
      continue;
    }
    let data: unknown;
    try {
      data = parse(bytes.toString("utf8"));
    } catch (e) {
      summary.warnings.push(`${file}: YAML 无法解析（${(e as Error).message.split("\n")[0]}）`);
      continue;
    }
    const result = bankSchema.safeParse(data);
    if (!result.success) {
      const first = result.error.issues[0];
      summary.warnings.push(`${file}: 不符合题库格式（${first.path.join(".")}: ${first.message}）`);
      continue;
    }
    if (result.data.id !== slug) {
      summary.warnings.push(`${file}: 文件名应与题库编号 ${result.data.id} 一致`);
      continue;
    }
    await applyBankFile(db, root.id, result.data, hash, summary);
  }
  return summary;
}

async function applyBankFile(db: SqlDb, rootId: number, bank: ReturnType<typeof bankSchema.parse>, hash: string, summary: SyncSummary) {
  const now = new Date();
  // Counted into the summary once the transaction has committed. Two nodes starting at once on
  // PostgreSQL: the bank's row is locked once it exists; the loser of a race to create it (its slug,
  // or a question's key, unique) runs again and finds what the winner wrote.
  let counts = { banksCreated: 0, banksUpdated: 0, questionsAdded: 0, questionsUpdated: 0, questionsArchived: 0 };
  await withRetry(db, () =>
    db.transaction(async (tx) => {
      counts = { banksCreated: 0, banksUpdated: 0, questionsAdded: 0, questionsUpdated: 0, questionsArchived: 0 };
      const existing = await tx.get<{ id: number }>(sql`SELECT "id" FROM "QuestionBank" WHERE "slug" = ${bank.id}${forUpdate()}`);
      let bankId: number;
      if (existing) {
        bankId = existing.id;
        await tx.run(
          sql`UPDATE "QuestionBank" SET "title" = ${bank.title}, "description" = ${bank.description}, "contentHash" = ${hash}, "updatedAt" = ${now}
          WHERE "id" = ${bankId}`,
        );
        counts.banksUpdated++;
      } else {
        bankId = (await tx.get<{ id: number }>(
          sql`INSERT INTO "QuestionBank" ("slug", "title", "description", "unitId", "contentHash", "createdAt", "updatedAt")
          VALUES (${bank.id}, ${bank.title}, ${bank.description}, ${rootId}, ${hash}, ${now}, ${now}) RETURNING "id"`,
        ))!.id;
        counts.banksCreated++;
      }
      const current = new Map(
        (
          await tx.all<StoredQuestion & { id: number; archivedAt: string | null }>(
            sql`SELECT "id", "key", "type", "stem", "options", "answer", "explanation", "difficulty", "tags", "source", "archivedAt"
          FROM "Question" WHERE "bankId" = ${bankId}`,
          )
        ).map((q) => [q.key, q]),
      );
      const fields = ["type", "stem", "options", "answer", "explanation", "difficulty", "tags", "source"] as const;
      for (const q of bank.questions) {
        const stored = toStored(q);
        const row = current.get(q.id);
        current.delete(q.id);
        if (!row) {
          await insertQuestion(tx, bankId, stored, now);
          counts.questionsAdded++;
        } else if (row.archivedAt !== null || fields.some((f) => row[f] !== stored[f])) {
          await tx.run(
            sql`UPDATE "Question" SET "type" = ${stored.type}, "stem" = ${stored.stem}, "options" = ${stored.options}, "answer" = ${stored.answer},
            "explanation" = ${stored.explanation}, "difficulty" = ${stored.difficulty}, "tags" = ${stored.tags}, "source" = ${stored.source},
            "archivedAt" = NULL, "updatedAt" = ${now} WHERE "id" = ${row.id}`,
          );
          counts.questionsUpdated++;
        }
      }
      for (const row of current.values()) {
        if (row.archivedAt !== null) continue;
        await tx.run(sql`UPDATE "Question" SET "archivedAt" = ${now}, "updatedAt" = ${now} WHERE "id" = ${row.id}`);
        counts.questionsArchived++;
      }
    }),
  );
  for (const [k, n] of Object.entries(counts)) summary[k as keyof typeof counts] += n;
}

// ---------- banks ----------

export type BankSummary = {
  id: number;
  slug: string;
  title: string;
  description: string | null;
  unit: { id: number; name: string };
  counts: Record<QuestionType, number>;
  total: number;
};

/** The banks of units under the scope, with active questions counted per type. */
export async function banksInScope(scope: readonly string[]): Promise<BankSummary[]> {
  if (scope.length === 0) return [];
  const banks = await prisma.questionBank.findMany({
    where: { archivedAt: null, OR: scope.map((p) => ({ unit: { path: { startsWith: p } } })) },
    select: { id: true, slug: true, title: true, description: true, unit: { select: { id: true, name: true } } },
    orderBy: [{ unitId: "asc" }, { title: "asc" }],
  });
  const groups = await prisma.question.groupBy({
    by: ["bankId", "type"],
    where: { bankId: { in: banks.map((b) => b.id) }, archivedAt: null },
    _count: { _all: true },
  });
  return banks.map((b) => {
    const counts: Record<QuestionType, number> = { single: 0, multiple: 0, judge: 0, fill: 0 };
    for (const g of groups) if (g.bankId === b.id && g.type in counts) counts[g.type as QuestionType] = g._count._all;
    return { ...b, counts, total: Object.values(counts).reduce((s, n) => s + n, 0) };
  });
}

export async function getBank(id: number) {
  if (!Number.isSafeInteger(id)) return null;
  return prisma.questionBank.findFirst({
    where: { id, archivedAt: null },
    select: { id: true, slug: true, title: true, description: true, unitId: true, contentHash: true, unit: { select: { name: true } } },
  });
}

export type Bank = NonNullable<Awaited<ReturnType<typeof getBank>>>;

/** A bank made in the browser; its slug is given or made from the time, and prefixes generated question keys. */
export async function createBank(actorId: number, input: { unitId: number; title: string; description?: string; slug?: string }) {
  const slug = input.slug || `bank-${Date.now().toString(36)}`;
  if (!KEBAB.test(slug)) throw new AppError("invalid", "题库编号只能由小写字母、数字和连字符组成，如 branch-2026", { field: "slug" });
  if (fs.existsSync(path.join(CONTENT_BANKS_DIR, `${slug}.yaml`))) throw new AppError("invalid", `编号 ${slug} 已被内置题库使用`, { field: "slug" });
  if (await prisma.questionBank.findUnique({ where: { slug }, select: { id: true } }))
    throw new AppError("invalid", `编号 ${slug} 已被其他题库使用`, { field: "slug" });
  const bank = await prisma.questionBank.create({
    data: { slug, title: input.title, description: input.description || null, unitId: input.unitId, createdById: actorId },
    select: { id: true, slug: true },
  });
  await audit({ actorId, action: "bank.create", targetKind: "bank", targetId: bank.id, detail: { slug, title: input.title, unitId: input.unitId } });
  return bank;
}

// ---------- questions ----------

export type QuestionFilter = {
  type?: QuestionType;
  difficulty?: 1 | 2 | 3;
  tag?: string;
  text?: string;
  /** Archived questions only, instead of active ones. */
  archived?: boolean;
};

/** The bank's question list sorts by its order of entry only (a whitelist read by tableQuery, decision 065). */
export const QUESTION_SORTS = ["id"] as const;

export async function listQuestions(bankId: number, filter: QuestionFilter, query: TableQuery<(typeof QUESTION_SORTS)[number]>) {
  const and: Prisma.QuestionWhereInput[] = [{ bankId }, { archivedAt: filter.archived ? { not: null } : null }];
  if (filter.type) and.push({ type: filter.type });
  if (filter.difficulty) and.push({ difficulty: filter.difficulty });
  // Tags are a JSON array of strings: the quoted tag matches one element exactly.
  if (filter.tag) and.push({ tags: { contains: JSON.stringify(filter.tag) } });
  if (filter.text) and.push({ OR: [{ stem: insensitive({ contains: filter.text }) }, { key: insensitive({ startsWith: filter.text }) }] });
  const where = { AND: and };
  // Counted first so that a page past the end shows the last page (pageWindow).
  const { paging, skip, take } = pageWindow(await prisma.question.count({ where }), query);
  const rows = await prisma.question.findMany({
    where,
    select: { id: true, ...storedSelect, archivedAt: true, _count: { select: { attemptItems: true } } },
    orderBy: { id: query.dir },
    skip,
    take,
  });
  return {
    paging,
    rows: rows.map((r) => ({ id: r.id, archived: r.archivedAt !== null, answered: r._count.attemptItems, question: fromStored(r) })),
  };
}

/** Every tag used by the bank's active questions, for the filter. */
export async function bankTags(bankId: number): Promise<string[]> {
  const rows = await prisma.question.findMany({ where: { bankId, archivedAt: null }, select: { tags: true } });
  const tags = new Set<string>();
  for (const r of rows) for (const t of JSON.parse(r.tags) as string[]) tags.add(t);
  return [...tags].sort(compareNames);
}

export async function getQuestion(bankId: number, questionId: number) {
  const row = await prisma.question.findFirst({ where: { id: questionId, bankId }, select: { id: true, ...storedSelect, archivedAt: true } });
  return row ? { id: row.id, archived: row.archivedAt !== null, question: fromStored(row) } : null;
}

async function assertStemFree(bankId: number, stem: string, exceptId: number | null) {
  const key = stemKey(stem);
  // SQLite cannot strip spaces the way stemKey does, so compare in memory; banks hold thousands, not millions.
  const rows = await prisma.question.findMany({
    where: { bankId, archivedAt: null, NOT: exceptId ? { id: exceptId } : undefined },
    select: { key: true, stem: true },
  });
  const same = rows.find((r) => stemKey(r.stem) === key);
  if (same) throw new AppError("invalid", `题库中已有相同题干的题目（编号 ${same.key}）`, { field: "stem" });
}

/** The next free generated key of a bank: `<slug>-x001`, `<slug>-x002`, … */
async function nextKey(bank: Pick<Bank, "id" | "slug">): Promise<string> {
  const rows = await prisma.question.findMany({ where: { bankId: bank.id, key: { startsWith: `${bank.slug}-x` } }, select: { key: true } });
  const max = rows.reduce((m, r) => Math.max(m, Number(/-x(\d+)$/.exec(r.key)?.[1] ?? 0)), 0);
  return `${bank.slug}-x${String(max + 1).padStart(3, "0")}`;
}

/** Creates a question (questionId null) or replaces one's content; the key stays. Input already passed editableQuestionSchema. */
export async function saveQuestion(actorId: number, bank: Pick<Bank, "id" | "slug">, questionId: number | null, input: Omit<EditableQuestion, "id">) {
  await assertStemFree(bank.id, input.stem, questionId);
  if (questionId === null) {
    const key = await nextKey(bank);
    const { key: _k, ...data } = toStored({ ...input, id: key } as EditableQuestion);
    const q = await prisma.question.create({ data: { bankId: bank.id, key, ...data }, select: { id: true } });
    await audit({ actorId, action: "question.create", targetKind: "question", targetId: q.id, detail: { bankId: bank.id, key } });
    return { id: q.id, key };
  }
  const existing = await prisma.question.findFirst({ where: { id: questionId, bankId: bank.id }, select: { key: true } });
  if (!existing) throw new AppError("invalid", "题目不存在");
  const { key: _k, ...data } = toStored({ ...input, id: existing.key } as EditableQuestion);
  await prisma.question.update({ where: { id: questionId }, data, select: { id: true } });
  await audit({ actorId, action: "question.update", targetKind: "question", targetId: questionId, detail: { bankId: bank.id, key: existing.key } });
  return { id: questionId, key: existing.key };
}

/**
 * Removes a question from use. One that was ever answered or placed in a quiz is archived (its
 * attempts must still show what was asked); one nobody has seen is deleted outright.
 */
export async function archiveQuestion(actorId: number, bankId: number, questionId: number): Promise<"archived" | "deleted"> {
  const q = await prisma.question.findFirst({
    where: { id: questionId, bankId },
    select: { key: true, archivedAt: true, _count: { select: { attemptItems: true, slots: true } } },
  });
  if (!q) throw new AppError("invalid", "题目不存在");
  const used = q._count.attemptItems > 0 || q._count.slots > 0;
  if (used) {
    if (!q.archivedAt) await prisma.question.update({ where: { id: questionId }, data: { archivedAt: new Date() }, select: { id: true } });
  } else {
    await prisma.question.delete({ where: { id: questionId }, select: { id: true } });
  }
  const outcome = used ? "archived" : "deleted";
  await audit({ actorId, action: "question.archive", targetKind: "question", targetId: questionId, detail: { bankId, key: q.key, outcome } });
  return outcome;
}

export async function restoreQuestion(actorId: number, bankId: number, questionId: number) {
  const q = await prisma.question.findFirst({ where: { id: questionId, bankId, archivedAt: { not: null } }, select: { key: true, stem: true } });
  if (!q) throw new AppError("invalid", "题目不存在或未归档");
  await assertStemFree(bankId, q.stem, questionId);
  await prisma.question.update({ where: { id: questionId }, data: { archivedAt: null }, select: { id: true } });
  await audit({ actorId, action: "question.update", targetKind: "question", targetId: questionId, detail: { bankId, key: q.key, restored: true } });
}
