import { OPTION_LETTERS, type QuestionKey } from "~/lib/quiz-grading";
import { drawQuestions, fromPresented, toPresented } from "~/lib/quiz-shuffle";
import { sqlDb } from "../db";
import { inList, sql } from "../sql";
import { versionOf } from "./question-cache";

// A paper as quizzes and contests share it: drawing questions from banks by a seed, the deadline of an
// attempt or entry, and the translation between what the learner sees (options in the order shown,
// letters A, B, C… of that order) and what is stored (bank letters).

/** Input that cannot be an answer to the question; the message is for the learner. */
export class MalformedAnswer extends Error {}

export function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function paperDeadline(start: Date, timeLimitSec: number | null, closesAt: Date | null): Date | null {
  const byLimit = timeLimitSec ? new Date(start.getTime() + timeLimitSec * 1000) : null;
  if (byLimit && closesAt) return byLimit < closesAt ? byLimit : closesAt;
  return byLimit ?? closesAt;
}

export type SlotRow = {
  position: number;
  questionId: number | null;
  bankId: number | null;
  tag: string | null;
  difficulty: number | null;
  count: number;
  markEach: number;
};
/**
 * A drawn question: its id, its mark, its options' bank letters, and the version (`updatedAt`) the draw
 * read, by which question-cache.ts gives its text without reading it again.
 */
export type PaperItem = { questionId: number; maxMark: number; optionLetters: string[] | null; version: string };

/** What a draw reads of a question: its bank, its options' bank letters, its tags and difficulty, its version. */
type PoolQuestion = { id: number; bankId: number; letters: string[] | null; tags: string[]; difficulty: number; version: string };
type QuestionRowForPool = {
  id: number;
  bankId: number;
  type: string;
  options: string | null;
  tags: string;
  difficulty: number;
  updatedAt: string | Date;
};
const POOL_COLUMNS = sql`"id", "bankId", "type", "options", "tags", "difficulty", "updatedAt"`;

function toPoolQuestion(q: QuestionRowForPool): PoolQuestion {
  return {
    id: q.id,
    bankId: q.bankId,
    letters: (q.type === "single" || q.type === "multiple") && q.options ? Object.keys(parseJson<Record<string, string>>(q.options)!).sort() : null,
    tags: parseJson<string[]>(q.tags) ?? [],
    difficulty: q.difficulty,
    version: versionOf(q.updatedAt),
  };
}

/**
 * The non-archived questions of each bank a paper draws from, kept between draws (10,000 people
 * entering a contest draw from the same few banks). A bank's entry is good while its stamp holds: the
 * count of its questions (archived or not) and their latest `updatedAt`. Every write to a question
 * (the bank editor, an import, the bank sync, archiving and restoring) sets `updatedAt`, and a
 * deletion changes the count, so an edited bank is read again on the next draw, in any process. At
 * most MAX_POOLS banks are kept, the least recently drawn dropped first.
 */
const MAX_POOLS = 64;
type BankPool = { stamp: string; questions: PoolQuestion[] };
const poolGlobals = globalThis as typeof globalThis & { __bankPools?: Map<number, BankPool> };
const bankPools = (poolGlobals.__bankPools ??= new Map<number, BankPool>());

async function poolsOf(bankIds: number[]): Promise<Map<number, PoolQuestion[]>> {
  const db = sqlDb();
  const stamps = new Map(
    (
      await db.all<{ bankId: number; n: number; changed: string | null }>(
        sql`SELECT "bankId", COUNT(*) AS "n", MAX("updatedAt") AS "changed" FROM "Question" WHERE "bankId" ${inList(bankIds)} GROUP BY "bankId"`,
      )
    ).map((r) => [r.bankId, `${r.n}/${r.changed ?? ""}`]),
  );
  const pools = new Map<number, PoolQuestion[]>();
  for (const bankId of bankIds) {
    const stamp = stamps.get(bankId) ?? "0/";
    let pool = bankPools.get(bankId);
    if (pool && pool.stamp === stamp)
      bankPools.delete(bankId); // re-inserted below: most recently drawn last
    else
      pool = {
        stamp,
        questions: (
          await db.all<QuestionRowForPool>(sql`SELECT ${POOL_COLUMNS} FROM "Question" WHERE "bankId" = ${bankId} AND "archivedAt" IS NULL ORDER BY "id"`)
        ).map(toPoolQuestion),
      };
    bankPools.set(bankId, pool);
    if (bankPools.size > MAX_POOLS) bankPools.delete(bankPools.keys().next().value!);
    pools.set(bankId, pool.questions);
  }
  return pools;
}

/**
 * The questions of a new paper: fixed slots in slot order, then each draw from its bank (non-archived
 * questions matching tag and difficulty), by the seed, never the same question twice. The banks come
 * from the pool cache above; fixed questions are read by id.
 */
export async function drawPaper(slots: SlotRow[], seed: string): Promise<PaperItem[]> {
  const fixedIds = slots.flatMap((s) => (s.questionId === null ? [] : [s.questionId]));
  const bankIds = [...new Set(slots.flatMap((s) => (s.questionId === null && s.bankId !== null ? [s.bankId] : [])))];
  const pools = bankIds.length > 0 ? await poolsOf(bankIds) : new Map<number, PoolQuestion[]>();
  const fixed =
    fixedIds.length > 0
      ? (await sqlDb().all<QuestionRowForPool>(sql`SELECT ${POOL_COLUMNS} FROM "Question" WHERE "id" ${inList(fixedIds)} AND "archivedAt" IS NULL`)).map(
          toPoolQuestion,
        )
      : [];
  const byId = new Map<number, PoolQuestion>(fixed.map((q) => [q.id, q]));
  for (const pool of pools.values()) for (const q of pool) byId.set(q.id, q);

  // Fixed questions are set aside first, so a draw never picks a question that is also fixed.
  const chosen = new Set(fixedIds.filter((id) => byId.has(id)).map(String));
  const paper: PaperItem[] = [];
  const put = (id: number, maxMark: number) => {
    const q = byId.get(id)!;
    paper.push({ questionId: id, maxMark, optionLetters: q.letters, version: q.version });
  };
  const placed = new Set<number>();
  for (const s of slots) {
    if (s.questionId !== null) {
      // An archived fixed question is left out (and a question fixed twice appears once).
      if (byId.has(s.questionId) && !placed.has(s.questionId)) put(s.questionId, s.markEach);
      placed.add(s.questionId);
      continue;
    }
    if (s.bankId === null) continue;
    const pool = (pools.get(s.bankId) ?? []).map((q) => ({ id: String(q.id), tags: q.tags, difficulty: q.difficulty }));
    const { ids } = drawQuestions(
      pool,
      { count: s.count, tags: s.tag ? [s.tag] : undefined, difficulty: s.difficulty ?? undefined },
      `${seed}/slot/${s.position}`,
      chosen,
    );
    for (const id of ids) {
      chosen.add(id);
      put(Number(id), s.markEach);
    }
  }
  return paper;
}

/** A question's options as presented: its type and its parsed options (the question cache keeps them so). */
export type PresentableQuestion = { type: string; options: Readonly<Record<string, string>> | null };

export function presentedOptions(q: PresentableQuestion, order: string[] | null) {
  if (q.type === "judge")
    return [
      { value: "true", label: "正确" },
      { value: "false", label: "错误" },
    ];
  if (q.type === "fill" || !q.options) return [];
  const opts = q.options;
  const bankOrder = order ?? Object.keys(opts).sort();
  return bankOrder.map((bankLetter, i) => ({ value: OPTION_LETTERS[i], label: opts[bankLetter] }));
}

/** A stored response (bank letters) as the learner sees it: presented letters, "true"/"false", text. */
export function presentedResponse(type: string, order: string[], stored: unknown): string[] {
  if (stored === null || stored === undefined) return [];
  if (type === "judge") return typeof stored === "boolean" ? [String(stored)] : [];
  if (type === "fill") return typeof stored === "string" ? [stored] : [];
  const shown = toPresented(order, stored);
  return shown === null ? [] : ([] as string[]).concat(shown);
}

const FILL_MAX = 200;

/**
 * What the browser sent for one question (the values of its inputs, presented letters) → the
 * response in bank letters, null for "cleared", or a malformed-input refusal.
 */
export function toBankResponse(type: string, order: string[], values: string[]): unknown {
  const malformed = () => new MalformedAnswer("答案格式不正确，未保存");
  const present = values.map((v) => v.trim()).filter((v) => v !== "");
  if (type === "fill") {
    if (values.length > 1) throw malformed();
    const text = (values[0] ?? "").trim();
    if (text.length > FILL_MAX) throw new MalformedAnswer(`答案不能超过 ${FILL_MAX} 个字`);
    return text === "" ? null : text;
  }
  if (present.length === 0) return null;
  if (type === "judge") {
    if (present.length !== 1 || (present[0] !== "true" && present[0] !== "false")) throw malformed();
    return present[0] === "true";
  }
  if (type === "single") {
    if (present.length !== 1) throw malformed();
    const bank = fromPresented(order, present[0]);
    if (bank === null) throw malformed();
    return bank;
  }
  const bank = fromPresented(order, present);
  if (bank === null || bank.length !== new Set(present).size) throw malformed();
  return bank;
}

/** A question's stored answer (JSON) as the grader's key. */
export function keyOf(type: string, answerJson: string): QuestionKey {
  const answer = JSON.parse(answerJson) as unknown;
  switch (type) {
    case "single":
      return { type, answer: answer as string };
    case "multiple":
      return { type, answer: answer as string[] };
    case "judge":
      return { type, answer: answer as boolean };
    default:
      return { type: "fill", answer: answer as string[] };
  }
}
