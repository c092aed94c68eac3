import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type QuestionKey, gradeQuestion } from "~/lib/quiz-grading";
import { toPresented } from "~/lib/quiz-shuffle";
import { type QuizFactory, openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The hand-in grades an attempt in a few set-based statements (decision 069): these tests hold it to a
// row-by-row recomputation with the pure grader, on every question type and every kind of answer
// (right, wrong, blank, a variant the key accepts or not, an answer changed, answers that reach the
// server only with the hand-in), check that the result page shows what was stored, and that the
// answer's fast path (one statement, the paper known from the page) refuses exactly as before.

let server: TestServer;
let qf: QuizFactory;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const HOUR = 3600_000;
const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");

type ItemRow = {
  id: number;
  position: number;
  questionId: number;
  optionOrder: string | null;
  response: string | null;
  answerCount: number;
  maxMark: number;
  mark: number | null;
  correct: number | null;
  type: string;
  answer: string;
  options: string | null;
};

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  qf = openQuizFactory(f.db);
  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  const branch = f.unit({ name: "计算机学院学生党支部", kind: "branch", branchType: "student", parent: root });
  ids.root = root.id;
  ids.branch = branch.id;
  for (const key of ["G1", "G2", "G3", "G4", "G5", "T1"]) {
    ids[key] = f.person({ number: key, name: `学员${key}`, unitId: branch.id, politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
  }
  ids.bank = qf.standardBank({ slug: "grading", unitId: root.id, perType: 4 }).bankId;
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

const db = () => server.factory.db;
const itemRows = (attemptId: number) =>
  db()
    .prepare(
      `SELECT i.id, i.position, i.questionId, i.optionOrder, i.response, i.answerCount, i.maxMark, i.mark, i.correct, q.type, q.answer, q.options
       FROM AttemptItem i JOIN Question q ON q.id = i.questionId WHERE i.attemptId = ? ORDER BY i.position`,
    )
    .all(attemptId) as ItemRow[];
const attemptRow = (id: number) =>
  db().prepare("SELECT state, mark, maxMark, percent, passed FROM QuizAttempt WHERE id = ?").get(id) as {
    state: string;
    mark: number | null;
    maxMark: number;
    percent: number | null;
    passed: number | null;
  };

function makeQuiz(title: string, extra: { passPercent?: number; timeLimitSec?: number } = {}) {
  return qf.quiz({
    title,
    unitId: ids.root,
    createdById: ids.T1,
    opensAt: new Date(Date.now() - HOUR),
    closesAt: new Date(Date.now() + 24 * HOUR),
    timeLimitSec: extra.timeLimitSec ?? 1800,
    passPercent: extra.passPercent ?? 60,
    // Four of each type, with two marks (5 and 10 points) so a sum cannot come out right by accident.
    slots: [
      { bankId: ids.bank, count: 8, markEach: 500 },
      { bankId: ids.bank, count: 8, markEach: 1000 },
    ],
    audiences: [{ unitId: ids.branch }],
  });
}

async function start(c: Client, quizId: number) {
  const res = await c.post(`/quizzes/${quizId}`, {});
  expect(res.status).toBe(302);
  const m = /^\/quizzes\/(\d+)\/attempts\/(\d+)$/.exec(res.location ?? "");
  expect(m, res.location ?? res.text.slice(0, 300)).not.toBeNull();
  return { url: res.location!, attemptId: Number(m![2]) };
}

const post = (c: Client, url: string, form: URLSearchParams) => c.request(url, { method: "POST", body: form });
function saveForm(position: number, values: string[]) {
  const form = new URLSearchParams({ intent: "save", position: String(position) });
  for (const v of values) form.append(`q${position}`, v);
  return form;
}

/** The letters the learner sees for bank letters, on this item. */
function shown(item: ItemRow, bank: unknown): string[] {
  const order = item.optionOrder ? (JSON.parse(item.optionOrder) as string[]) : Object.keys(JSON.parse(item.options!) as object).sort();
  return ([] as string[]).concat(toPresented(order, bank) ?? []);
}

/** Answers of every kind, chosen by `k`: right, wrong, blank (null), a variant (accepted for fill-in, partial for multiple). */
function answerOf(item: ItemRow, k: number): string[] | null {
  const kind = k % 4;
  if (kind === 2) return null;
  switch (item.type) {
    case "single":
      return shown(item, kind === 0 ? "B" : kind === 1 ? "A" : "D");
    case "multiple":
      return shown(item, kind === 0 ? ["A", "C"] : kind === 1 ? ["A", "B", "C"] : ["C"]);
    case "judge":
      return [kind === 0 || kind === 3 ? "true" : "false"];
    default:
      // Full-width, spaced and punctuated: the normalisation accepts it.
      return [kind === 0 ? "三会一课" : kind === 1 ? "两学一做" : " 三会一课。"];
  }
}

/** The grade of each item and of the attempt, recomputed row by row with the pure grader. */
function recompute(items: ItemRow[], passPercent: number) {
  const rows = items.map((i) => {
    const key = { type: i.type, answer: JSON.parse(i.answer) as unknown } as QuestionKey;
    return { id: i.id, ...gradeQuestion(key, i.response === null ? null : (JSON.parse(i.response) as unknown), i.maxMark) };
  });
  const mark = rows.reduce((s, r) => s + r.mark, 0);
  const maxMark = items.reduce((s, i) => s + i.maxMark, 0);
  const percent = Math.floor((mark * 1000) / maxMark);
  return { rows, mark, percent, passed: percent >= passPercent * 10 };
}

/** Each review item as the result page shows it: right or wrong, and its mark (in points). */
function reviewed(html: string) {
  return [...html.matchAll(/data-testid="review-item">([\s\S]*?)<\/section>/g)].map((m) => {
    const text = m[1].replace(/<!--.*?-->/g, "").replace(/<[^>]+>/g, "");
    const r = /^(\d+)\. \S+ · (正确|错误)（(\S+) \/ (\S+) 分）/.exec(text);
    expect(r, text.slice(0, 80)).not.toBeNull();
    return { position: Number(r![1]), correct: r![2] === "正确", mark: Number(r![3]) * 100 };
  });
}

/**
 * The kind of answer (`answerOf`'s `k`) each item of a learner's paper gets, by position: the learner's
 * number plus the item's place among the items of its type on this paper. Each paper then has every kind
 * on every type, whatever order its draw gave. (By position alone, a draw that put no single-choice item
 * where a right (or blank) answer falls left the type without one: about one run in thirty per engine.)
 */
function answerKinds(items: readonly ItemRow[], learner: number): Map<number, number> {
  const placeInType = new Map<string, number>();
  return new Map(
    items.map((item) => {
      const n = placeInType.get(item.type) ?? 0;
      placeInType.set(item.type, n + 1);
      return [item.position, learner + n];
    }),
  );
}

describe("the hand-in's grade equals a row-by-row recomputation", () => {
  it("on every question type and kind of answer, autosaved, changed, or sent only with the hand-in", async () => {
    const quizId = makeQuiz("评分核对");
    const seen = new Set<string>();
    for (const [learner, number] of ["G1", "G2", "G3", "G4"].entries()) {
      const c = await as(number);
      const { url, attemptId } = await start(c, quizId);
      expect((await c.get(`${url}.data`)).status).toBe(200);
      const items = itemRows(attemptId);
      expect(items).toHaveLength(16);
      const kinds = answerKinds(items, learner);
      const submit = new URLSearchParams({ intent: "submit" });
      for (const item of items) {
        const k = kinds.get(item.position)!;
        const values = answerOf(item, k);
        if (values === null) continue;
        // Learner 3 has no script: every answer reaches the server with the hand-in only.
        if (learner !== 3) {
          // Every third answer is first given otherwise and then changed: the last one counts.
          if (k % 3 === 0) expect((await post(c, url, saveForm(item.position, answerOf(item, k + 1) ?? [""]))).status).toBe(200);
          expect((await post(c, url, saveForm(item.position, values))).status).toBe(200);
        }
        for (const v of values) submit.append(`q${item.position}`, v);
      }
      expect((await post(c, url, submit)).status).toBe(302);

      const graded = itemRows(attemptId);
      const expected = recompute(graded, 60);
      // Every answer given is stored, once per change.
      for (const item of graded) {
        const values = answerOf(item, kinds.get(item.position)!);
        expect(item.response === null, `position ${item.position}`).toBe(values === null);
      }
      expect(graded.map((i) => ({ id: i.id, mark: i.mark, correct: i.correct === 1 }))).toEqual(
        expected.rows.map((r) => ({ id: r.id, mark: r.mark, correct: r.correct })),
      );
      expect(attemptRow(attemptId)).toEqual({
        state: "submitted",
        mark: expected.mark,
        maxMark: 12000,
        percent: expected.percent,
        passed: expected.passed ? 1 : 0,
      });
      for (const i of graded) seen.add(`${i.type}:${i.correct}:${i.response === null ? "blank" : "given"}`);
      expect(db().prepare("SELECT percent, passed, attempts FROM QuizGrade WHERE quizId = ? AND personId = ?").get(quizId, ids[number])).toEqual({
        percent: expected.percent,
        passed: expected.passed ? 1 : 0,
        attempts: 1,
      });

      // The result shows what the hand-in stored, item by item.
      const page = await c.get(url);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`data-testid="score">${(expected.percent / 10).toFixed(expected.percent % 10 === 0 ? 0 : 1)}<`);
      expect(reviewed(page.text)).toEqual(graded.map((i) => ({ position: i.position, correct: i.correct === 1, mark: i.mark })));
    }
    // Right, wrong and blank answers on every type, so the comparison is not trivially all or nothing.
    for (const type of ["single", "multiple", "judge", "fill"]) for (const kind of ["1:given", "0:given", "0:blank"]) expect(seen).toContain(`${type}:${kind}`);
  });

  it("grades an attempt closed by its deadline with the answers saved before it", async () => {
    const quizId = makeQuiz("到时收卷核对");
    const c = await as("G5");
    const { url, attemptId } = await start(c, quizId);
    expect((await c.get(`${url}.data`)).status).toBe(200);
    const items = itemRows(attemptId);
    for (const item of items.slice(0, 9)) expect((await post(c, url, saveForm(item.position, answerOf(item, item.position) ?? [""]))).status).toBe(200);
    db()
      .prepare("UPDATE QuizAttempt SET deadlineAt = ? WHERE id = ?")
      .run(ts(new Date(Date.now() - 1000)), attemptId);
    // The learner's next read closes it (closeExpiredAttempts).
    expect((await c.get("/quizzes")).status).toBe(200);
    const graded = itemRows(attemptId);
    const expected = recompute(graded, 60);
    expect(graded.map((i) => ({ mark: i.mark, correct: i.correct === 1 }))).toEqual(expected.rows.map((r) => ({ mark: r.mark, correct: r.correct })));
    expect(attemptRow(attemptId)).toMatchObject({ state: "expired", mark: expected.mark, percent: expected.percent });
  });
});

describe("the answer's fast path refuses as before", () => {
  it("after the page was read: another person, a closed attempt and a passed deadline change nothing", async () => {
    const quizId = makeQuiz("快速保存核对", { timeLimitSec: 3600 });
    const c = await as("G2");
    const { url, attemptId } = await start(c, quizId);
    // The page's read is what lets the next answer go straight to its one statement.
    expect((await c.get(`${url}.data`)).status).toBe(200);
    const [first, second] = itemRows(attemptId);
    const right = (i: ItemRow) => answerOf(i, 0)!;
    expect((await post(c, url, saveForm(first.position, right(first)))).status).toBe(200);
    expect(itemRows(attemptId)[0]).toMatchObject({ answerCount: 1 });
    // The same answer again: acknowledged, not written again.
    expect((await post(c, url, saveForm(first.position, right(first)))).status).toBe(200);
    expect(itemRows(attemptId)[0]).toMatchObject({ answerCount: 1 });

    const before = JSON.stringify(itemRows(attemptId));
    const stranger = await post(await as("G3"), url, saveForm(second.position, right(second)));
    expect(stranger.status).toBe(404);
    const malformed = await post(c, url, saveForm(second.position, second.type === "fill" ? ["字".repeat(201)] : ["Z"]));
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(itemRows(attemptId))).toBe(before);

    db()
      .prepare("UPDATE QuizAttempt SET deadlineAt = ? WHERE id = ?")
      .run(ts(new Date(Date.now() - 1000)), attemptId);
    const late = await post(c, url, saveForm(second.position, right(second)));
    expect(late.status).toBe(409);
    expect(late.text).toContain("已超过作答时间，答案未保存");
    expect(itemRows(attemptId)[1].response).toBeNull();
    expect(attemptRow(attemptId).state).toBe("expired");
    const closed = await post(c, url, saveForm(second.position, right(second)));
    expect(closed.status).toBe(409);
    expect(closed.text).toContain("本次作答已经结束，答案未保存");
    expect(itemRows(attemptId)[1].response).toBeNull();
  });

  it("translates an answer with the question as it is now when it was edited after the page was read", async () => {
    const quizId = makeQuiz("题目修改核对");
    const c = await as("G4");
    const { url, attemptId } = await start(c, quizId);
    expect((await c.get(`${url}.data`)).status).toBe(200);
    const item = itemRows(attemptId).find((i) => i.type === "fill")!;
    // An edit sets updatedAt (the bank editor, an import, a sync): here a fifth blank answer is no
    // change of letters, but the stem the learner sees next and the key the grader reads are new.
    db()
      .prepare("UPDATE Question SET stem = ?, answer = ?, updatedAt = ? WHERE id = ?")
      .run("修改后的填空题：党支部应当组织党员按期参加＿＿。", JSON.stringify(["三会一课", "组织生活"]), ts(new Date()), item.questionId);
    expect((await post(c, url, saveForm(item.position, ["组织生活"]))).status).toBe(200);
    expect((await c.get(`${url}.data`)).text).toContain("修改后的填空题");
    expect((await post(c, url, new URLSearchParams({ intent: "submit" }))).status).toBe(302);
    expect(itemRows(attemptId).find((i) => i.id === item.id)).toMatchObject({ mark: item.maxMark, correct: 1 });
  });
});
