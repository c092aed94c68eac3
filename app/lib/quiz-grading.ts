// Grading of quiz and contest answers. Pure: the server loads the key (which never leaves it before
// the attempt is closed), maps the learner's presented option letters back to bank letters
// (quiz-shuffle.ts) and hands both in. Marks are integers in hundredths, like 学时: a slot worth
// 5 points has maxMark 500.

/** Option letters as a bank stores them; the learner sees the same letters in presented order. */
export const OPTION_LETTERS = ["A", "B", "C", "D", "E", "F"] as const;

/** A question's answer key as the grader sees it. A fill question has one blank and its accepted answers. */
export type QuestionKey =
  { type: "single"; answer: string } | { type: "multiple"; answer: string[] } | { type: "judge"; answer: boolean } | { type: "fill"; answer: string[] };

export type QuestionType = QuestionKey["type"];

/** What a well-formed response looks like; the grader accepts anything and grades the rest as wrong. */
export type LearnerResponse = string | string[] | boolean | null;

/** Multiple choice only: "proportional" gives credit for a subset of the right options, none for a wrong one. */
export type PartialCredit = "none" | "proportional";

export type QuestionGrade = { correct: boolean; mark: number };

export type AttemptItem = {
  key: QuestionKey;
  /** Typically a LearnerResponse, but it comes from a form or stored JSON, so anything is graded safely. */
  response: unknown;
  maxMark: number;
  partial?: PartialCredit;
};

export type AttemptGrade = {
  mark: number;
  maxMark: number;
  correctCount: number;
  questionCount: number;
  /** 0–100 with one decimal, rounded down: see gradeAttempt. */
  percent: number;
  results: QuestionGrade[];
};

const WRONG: QuestionGrade = { correct: false, mark: 0 };

// Stripped only at the ends: sentence punctuation, quotation and book-title marks that people add or
// leave out around an answer. Everything else (%, -, brackets…) is kept because it can change meaning.
const EDGE_PUNCTUATION = /^[\s.,;:!?'"。、“”‘’「」『』《》]+|[\s.,;:!?'"。、“”‘’「」『』《》]+$/gu;
// A space next to a Han character or CJK punctuation carries no meaning: "32 学时" is "32学时".
const SPACE_BESIDE_CJK = / (?=[\p{Script=Han}\u3000-\u303f])|(?<=[\p{Script=Han}\u3000-\u303f]) /gu;
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;

/**
 * The form in which a fill-in answer is compared. NFKC turns full-width letters, digits, punctuation
 * and the ideographic space into their half-width forms ("３２" → "32", "ＡＢＣ" → "ABC"); then case is
 * folded, whitespace runs collapse to one space, a space beside a Han character goes (so "３２ 学时",
 * " 32学时 " and "32学时" are equal), and punctuation around the answer is dropped ("三会一课。").
 * A space between two Latin words or two numbers stays: "3 2" is not "32".
 */
export function normalizeFillAnswer(s: string): string {
  return s.normalize("NFKC").toLowerCase().replace(ZERO_WIDTH, "").replace(/\s+/gu, " ").replace(EDGE_PUNCTUATION, "").replace(SPACE_BESIDE_CJK, "");
}

function isOptionLetter(x: unknown): x is string {
  return typeof x === "string" && (OPTION_LETTERS as readonly string[]).includes(x);
}

/** The distinct letters of a multiple-choice response, or null when it is not an array of option letters. */
function letterSet(x: unknown): Set<string> | null {
  if (!Array.isArray(x) || !x.every(isOptionLetter)) return null;
  return new Set(x);
}

// A bad key or mark is a bank or quiz-building bug, not a learner's doing: fail loudly rather than
// give every learner 0. Bank import is where such keys should be refused, row by row.
function assertValid(key: QuestionKey, maxMark: number): void {
  if (!Number.isSafeInteger(maxMark) || maxMark < 0) {
    throw new RangeError(`maxMark must be a non-negative integer (hundredths), got ${maxMark}`);
  }
  const ok =
    key.type === "single"
      ? isOptionLetter(key.answer)
      : key.type === "multiple"
        ? key.answer.length > 0 && key.answer.every(isOptionLetter)
        : key.type === "judge"
          ? typeof key.answer === "boolean"
          : key.answer.length > 0 && key.answer.every((a) => typeof a === "string" && normalizeFillAnswer(a) !== "");
  if (!ok) throw new TypeError(`invalid ${key.type} answer key: ${JSON.stringify(key.answer)}`);
}

/**
 * Grades one answer. Unanswered (null, "", []) and malformed responses (wrong type, letters outside
 * A–F, lower-case letters) are wrong with mark 0; this never throws on a response. It throws only on
 * an invalid key or maxMark.
 */
export function gradeQuestion(key: QuestionKey, response: unknown, maxMark: number, options: { partial?: PartialCredit } = {}): QuestionGrade {
  assertValid(key, maxMark);
  const full: QuestionGrade = { correct: true, mark: maxMark };

  switch (key.type) {
    case "single":
    case "judge":
      return response === key.answer ? full : WRONG;

    case "fill": {
      if (typeof response !== "string") return WRONG;
      const given = normalizeFillAnswer(response);
      if (given === "") return WRONG;
      return key.answer.some((a) => normalizeFillAnswer(a) === given) ? full : WRONG;
    }

    case "multiple": {
      const chosen = letterSet(response);
      if (!chosen || chosen.size === 0) return WRONG;
      const right = new Set(key.answer);
      let chosenRight = 0;
      for (const letter of chosen) {
        if (!right.has(letter)) return WRONG;
        chosenRight++;
      }
      if (chosenRight === right.size) return full;
      if (options.partial !== "proportional") return WRONG;
      // Exact: both operands are integers well below 2^53, so floor of the division is the integer quotient.
      return { correct: false, mark: Math.floor((maxMark * chosenRight) / right.size) };
    }
  }
}

/**
 * Grades a whole attempt. The percent is computed in integer tenths, floor(mark × 1000 / maxMark),
 * then divided by 10 once, so it is always the double closest to a one-decimal number (83.3, never
 * 83.30000000000001) and 100 means every mark was earned: 99.96% shows as 99.9, not 100.0. An empty
 * attempt or one worth 0 marks has percent 0.
 */
export function gradeAttempt(items: readonly AttemptItem[]): AttemptGrade {
  const results = items.map((item) => gradeQuestion(item.key, item.response, item.maxMark, { partial: item.partial }));
  const mark = results.reduce((sum, r) => sum + r.mark, 0);
  const maxMark = items.reduce((sum, item) => sum + item.maxMark, 0);
  const tenths = maxMark === 0 ? 0 : Math.floor((mark * 1000) / maxMark);
  return {
    mark,
    maxMark,
    correctCount: results.filter((r) => r.correct).length,
    questionCount: items.length,
    percent: tenths / 10,
    results,
  };
}
