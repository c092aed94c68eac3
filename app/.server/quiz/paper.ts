import { OPTION_LETTERS, type QuestionKey } from "~/lib/quiz-grading";
import { drawQuestions, fromPresented, toPresented } from "~/lib/quiz-shuffle";
import { prisma } from "../db";

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
export type PaperItem = { questionId: number; maxMark: number; optionLetters: string[] | null };

/**
 * The questions of a new paper: fixed slots in slot order, then each draw from its bank (non-archived
 * questions matching tag and difficulty), by the seed, never the same question twice.
 */
export async function drawPaper(slots: SlotRow[], seed: string): Promise<PaperItem[]> {
  const fixedIds = slots.flatMap((s) => (s.questionId === null ? [] : [s.questionId]));
  const bankIds = [...new Set(slots.flatMap((s) => (s.questionId === null && s.bankId !== null ? [s.bankId] : [])))];
  const questions = await prisma.question.findMany({
    where: { archivedAt: null, OR: [{ id: { in: fixedIds } }, { bankId: { in: bankIds } }] },
    select: { id: true, bankId: true, type: true, options: true, tags: true, difficulty: true },
  });
  const byId = new Map(questions.map((q) => [q.id, q]));
  const letters = (q: (typeof questions)[number]) =>
    (q.type === "single" || q.type === "multiple") && q.options ? Object.keys(parseJson<Record<string, string>>(q.options)!).sort() : null;

  // Fixed questions are set aside first, so a draw never picks a question that is also fixed.
  const chosen = new Set(fixedIds.filter((id) => byId.has(id)).map(String));
  const paper: PaperItem[] = [];
  const put = (id: number, maxMark: number) => paper.push({ questionId: id, maxMark, optionLetters: letters(byId.get(id)!) });
  const placed = new Set<number>();
  for (const s of slots) {
    if (s.questionId !== null) {
      // An archived fixed question is left out (and a question fixed twice appears once).
      if (byId.has(s.questionId) && !placed.has(s.questionId)) put(s.questionId, s.markEach);
      placed.add(s.questionId);
      continue;
    }
    if (s.bankId === null) continue;
    const pool = questions
      .filter((q) => q.bankId === s.bankId)
      .map((q) => ({ id: String(q.id), tags: parseJson<string[]>(q.tags) ?? [], difficulty: q.difficulty }));
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

export type QuestionRow = { type: string; stem: string; options: string | null };

export function presentedOptions(q: QuestionRow, order: string[] | null) {
  if (q.type === "judge")
    return [
      { value: "true", label: "正确" },
      { value: "false", label: "错误" },
    ];
  if (q.type === "fill" || !q.options) return [];
  const opts = parseJson<Record<string, string>>(q.options)!;
  const bankOrder = order ?? Object.keys(opts).sort();
  return bankOrder.map((bankLetter, i) => ({ value: OPTION_LETTERS[i], label: opts[bankLetter] }));
}

export function bankOrderOf(q: Pick<QuestionRow, "options">, optionOrderJson: string | null): string[] {
  const stored = parseJson<string[]>(optionOrderJson);
  if (stored) return stored;
  return q.options ? Object.keys(parseJson<Record<string, string>>(q.options)!).sort() : [];
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
