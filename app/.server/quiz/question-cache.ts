import { questionTextLength } from "~/lib/quiz-plausibility";
import { type SqlRunner, inList, sql } from "../sql";

// The questions of the papers being taken, kept parsed in memory: a crowd taking one quiz reads the
// same twenty stems and option lists on every page load, answer and hand-in. An entry is keyed by the
// question's id and stands only for the `updatedAt` it was read with: every read of a paper reads the
// rows' `updatedAt` beside its items (a primary-key join) and an edit of the question (the bank
// editor, an import, a sync: each sets `updatedAt`) makes the entry stale, in every process alike.
// Bounded: the least recently used entry goes first. The key (`answer`) stays on the server; only
// the grading reads it.

export type CachedQuestion = {
  id: number;
  /** The row's `updatedAt` as read (timestamp text on SQLite): the version this entry stands for. */
  version: string;
  type: string;
  stem: string;
  /** The options (bank letters → text), parsed once from the stored JSON, for the shared presentation helpers. */
  options: Readonly<Record<string, string>> | null;
  /** The bank's letters in their own order (sorted keys): the order shown when options are not shuffled. */
  bankLetters: string[];
  /** The answer key, JSON as stored: for grading only. */
  answer: string;
  /** Characters to read (stem and options), for the plausibility check. */
  textLength: number;
};

const MAX_ENTRIES = 5000;
const cache = new Map<number, CachedQuestion>();

/** A timestamp as read from either engine, as one comparable text. */
export function versionOf(updatedAt: string | Date): string {
  return updatedAt instanceof Date ? updatedAt.toISOString() : updatedAt;
}

type QuestionRow = { id: number; updatedAt: string | Date; type: string; stem: string; options: string | null; answer: string };

function entryOf(row: QuestionRow): CachedQuestion {
  const options = row.options === null ? null : (JSON.parse(row.options) as Record<string, string>);
  return {
    id: row.id,
    version: versionOf(row.updatedAt),
    type: row.type,
    stem: row.stem,
    options,
    bankLetters: options ? Object.keys(options).sort() : [],
    answer: row.answer,
    textLength: questionTextLength(row.stem, options),
  };
}

/** The questions of a paper's items, each at the `updatedAt` read beside the item (`questionsAt`). */
export function questionsOfItems(db: SqlRunner, items: readonly { questionId: number; updatedAt: string | Date }[]): Promise<Map<number, CachedQuestion>> {
  return questionsAt(
    db,
    items.map((i) => ({ questionId: i.questionId, version: versionOf(i.updatedAt) })),
  );
}

/** The bank letters in the order an item shows them: its stored shuffle, or the bank's own order. */
export function bankOrderFor(q: CachedQuestion, optionOrderJson: string | null): string[] {
  return (optionOrderJson === null ? null : (JSON.parse(optionOrderJson) as string[] | null)) ?? q.bankLetters;
}

/**
 * The questions named, each at the version the caller read beside its paper; what is missing or stale
 * is read in one statement on `db` (the caller's transaction's `tx` inside one, `sqlDb()` otherwise).
 */
export async function questionsAt(db: SqlRunner, wanted: readonly { questionId: number; version: string }[]): Promise<Map<number, CachedQuestion>> {
  const found = new Map<number, CachedQuestion>();
  const missing: number[] = [];
  for (const w of wanted) {
    const hit = cache.get(w.questionId);
    if (hit && hit.version === w.version) {
      // Most recently used last: a Map keeps insertion order.
      cache.delete(w.questionId);
      cache.set(w.questionId, hit);
      found.set(w.questionId, hit);
    } else if (!found.has(w.questionId)) missing.push(w.questionId);
  }
  if (missing.length === 0) return found;
  const rows = await db.all<QuestionRow>(
    sql`SELECT "id", "updatedAt", "type", "stem", "options", "answer" FROM "Question" WHERE "id" ${inList([...new Set(missing)])}`,
  );
  for (const row of rows) {
    const entry = entryOf(row);
    found.set(row.id, entry);
    cache.delete(row.id);
    cache.set(row.id, entry);
  }
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return found;
}
