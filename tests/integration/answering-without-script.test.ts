import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPTION_LETTERS } from "~/lib/quiz-grading";
import { type ContestFactory, openContestFactory } from "../contest-factories";
import { type QuizFactory, openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Answering as a browser without JavaScript does it (decision 064), against the real server: a quiz's
// 保存, 上一题/下一题 and 答题卡 buttons post the whole form, which saves the answers and the 标记 and
// comes back on the question the button named; a contest's 确定 posts to the contest page, which takes
// the answer through the same intake as the script's endpoint, with the same refusals. And the 答题卡
// and the result never carry the key before the quiz's review policy allows it.

let server: TestServer;
let qf: QuizFactory;
let cf: ContestFactory;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const HOUR = 3600_000;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  qf = openQuizFactory(f.db);
  cf = openContestFactory(f.db);
  const root = f.unit({ name: "无脚本大学党委", kind: "committee" });
  const branch = f.unit({ name: "法学院学生党支部", kind: "branch", branchType: "student", parent: root });
  for (const key of ["A1", "A2", "A3", "C1", "C2"]) {
    ids[key] = f.person({ number: key, name: `学员${key}`, unitId: branch.id, politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
  }
  ids.trainer = f.person({ number: "T1", name: "教员", unitId: root.id, politicalStatus: "member" });
  const bank = qf.standardBank({ slug: "noscript", unitId: root.id, perType: 1 }); // single, multiple, judge, fill
  Object.assign(ids, { root: root.id, bank: bank.bankId });
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}
const db = () => server.factory.db;
const post = (c: Client, url: string, form: URLSearchParams) => c.request(url, { method: "POST", body: form });

type ItemRow = { position: number; type: string; optionOrder: string | null; answer: string; options: string | null; response: string | null; marked: number };
const quizItems = (attemptId: number) =>
  db()
    .prepare(
      `SELECT i.position, q.type, i.optionOrder, q.answer, q.options, i.response, i.marked
       FROM AttemptItem i JOIN Question q ON q.id = i.questionId WHERE i.attemptId = ? ORDER BY i.position`,
    )
    .all(attemptId) as ItemRow[];

/** The right (or a wrong) answer as the form sends it: letters of the order shown, "true"/"false", the text. */
function values(item: Pick<ItemRow, "type" | "optionOrder" | "answer" | "options">, right = true): string[] {
  const key = JSON.parse(item.answer) as unknown;
  if (item.type === "judge") return [String(right ? key : !key)];
  if (item.type === "fill") return [right ? (key as string[])[0] : "不知道"];
  const order = item.optionOrder ? (JSON.parse(item.optionOrder) as string[]) : Object.keys(JSON.parse(item.options!) as object).sort();
  const letters = ([] as string[]).concat(key as string | string[]).map((bank) => OPTION_LETTERS[order.indexOf(bank)]);
  return right ? letters : [OPTION_LETTERS.slice(0, 4).find((l) => !letters.includes(l))!];
}

function makeQuiz(reviewPolicy: "after_submit" | "after_close", layout: "page" | "single" = "single") {
  return qf.quiz({
    title: `无脚本测验-${reviewPolicy}-${layout}`,
    unitId: ids.root,
    createdById: ids.trainer,
    opensAt: new Date(Date.now() - HOUR),
    closesAt: new Date(Date.now() + 24 * HOUR),
    timeLimitSec: 1800,
    reviewPolicy,
    layout,
    slots: [{ bankId: ids.bank, count: 4, markEach: 2500 }],
    audiences: [{ unitId: ids.root }],
  });
}

async function startQuiz(c: Client, quizId: number) {
  const res = await c.post(`/quizzes/${quizId}`, {});
  expect(res.status, res.text.slice(0, 300)).toBe(302);
  return { url: res.location!, attemptId: Number(/\/attempts\/(\d+)$/.exec(res.location!)![1]) };
}

/** The whole attempt form as a browser posts it: every question's fields, its 标记 box when ticked, and `shown`. */
function wholeForm(intent: string, items: ItemRow[], answers: Record<number, string[]>, marks: number[]) {
  const form = new URLSearchParams({ intent });
  for (const item of items) {
    form.append("shown", String(item.position));
    if (marks.includes(item.position)) form.append(`m${item.position}`, "on");
    // A fill box is always sent (empty when blank); an unticked radio sends nothing.
    for (const v of answers[item.position] ?? (item.type === "fill" ? [""] : [])) form.append(`q${item.position}`, v);
  }
  return form;
}

describe("a quiz without JavaScript", () => {
  let quizId: number;
  let url: string;
  let attemptId: number;

  beforeAll(async () => {
    quizId = makeQuiz("after_submit");
    ({ url, attemptId } = await startQuiz(await as("A1"), quizId));
  });

  it("opens a one-question-per-screen paper on the question its address names, with the answer sheet and a 保存 button", async () => {
    const page = await (await as("A1")).get(`${url}?q=3`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("答题卡");
    expect(page.text).toContain("已答 0/4 题");
    // Each question is on the page (a post carries them all); all but the third are hidden.
    expect(page.text.match(/data-testid="question"/g)).toHaveLength(4);
    expect(page.text.match(/<fieldset[^>]*hidden=""[^>]*data-testid="question"/g)).toHaveLength(3);
    expect(page.text).toMatch(/<fieldset[^>]*id="q3"(?![^>]*hidden)[^>]*>/);
    expect(page.text).toContain(">保存</button>");
    expect(page.text).toMatch(/formaction="\?at=4"/i);
  });

  it("saves every answer and the marks of the questions on the form, then returns to the question the button named", async () => {
    const c = await as("A1");
    const items = quizItems(attemptId);
    const answers = { 1: values(items[0]), 2: values(items[1], false) };
    const res = await post(c, `${url}?at=2`, wholeForm("save-form", items, answers, [2, 4]));
    expect(res.status, res.text.slice(0, 300)).toBe(302);
    expect(res.location).toBe(`${url}?q=2#q2`);
    const saved = quizItems(attemptId);
    expect(saved.map((i) => i.response !== null)).toEqual([true, true, false, false]);
    expect(saved.map((i) => i.marked)).toEqual([0, 1, 0, 1]);

    // The page it returns to shows them: two answered, two marked, on the sheet and in the count.
    const page = await c.get(res.location!.replace(/#.*/, ""));
    expect(page.text).toContain("已答 2/4 题 · 标记 2 题");
    expect(page.text).toContain('aria-label="第 2 题，已答，已标记"');
    expect(page.text).toContain('aria-label="第 4 题，未答，已标记"');
    expect(page.text).toContain('aria-label="第 3 题，未答"');

    // A later save with the box unticked clears that mark; the answers it repeats keep their times.
    const before = db().prepare("SELECT position, answeredAt, answerCount FROM AttemptItem WHERE attemptId = ? ORDER BY position").all(attemptId);
    const again = await post(c, `${url}?at=4`, wholeForm("save-form", items, answers, [2]));
    expect(again.location).toBe(`${url}?q=4#q4`);
    expect(quizItems(attemptId).map((i) => i.marked)).toEqual([0, 1, 0, 0]);
    expect(db().prepare("SELECT position, answeredAt, answerCount FROM AttemptItem WHERE attemptId = ? ORDER BY position").all(attemptId)).toEqual(before);
  });

  it("marks one question as the script does, and refuses another person's attempt or a question not on the paper, changing nothing", async () => {
    const c = await as("A1");
    const mark = (position: string, marked?: string) => new URLSearchParams({ intent: "mark", position, ...(marked ? { marked } : {}) });
    expect((await post(c, url, mark("3", "on"))).status).toBe(200);
    expect(quizItems(attemptId)[2].marked).toBe(1);

    const snapshot = JSON.stringify(quizItems(attemptId));
    const stranger = await as("A2");
    expect((await post(stranger, url, mark("3"))).status).toBe(404);
    const items = quizItems(attemptId);
    expect((await post(stranger, `${url}?at=1`, wholeForm("save-form", items, { 3: values(items[2]) }, []))).status).toBe(404);
    const missing = await post(c, url, mark("9", "on"));
    expect(missing.status).toBe(400);
    expect(missing.text).toContain("这道题不在本次作答中，标记未保存");
    expect(JSON.stringify(quizItems(attemptId))).toBe(snapshot);
  });

  it("hands in with the answers on the form, and the result marks the learner's wrong choice against the key", async () => {
    const c = await as("A1");
    const items = quizItems(attemptId);
    // Every question right but the single choice, answered with a wrong option.
    const answers = Object.fromEntries(items.map((i) => [i.position, values(i, i.type !== "single")]));
    const res = await post(c, url, wholeForm("submit", items, answers, []));
    expect(res.status).toBe(302);
    const page = await c.get(url);
    expect(page.text).toContain("已交卷");
    // The single choice was answered wrong: the choice is marked as the learner's and wrong, the key as the key.
    expect(page.text).toMatch(/data-verdict="chosen-wrong"[^]*?您的选择/);
    expect(page.text).toContain('data-verdict="missed"');
    expect(page.text).toContain('data-verdict="chosen-right"');
    expect((await post(c, `${url}?at=1`, wholeForm("save-form", items, answers, [1]))).status).toBe(409);
  });
});

describe("the key stays out of the page until the review policy allows it", () => {
  it("after_close: neither the taking page (with its answer sheet) nor the finished result carries the key or the choice marks", async () => {
    const quizId = makeQuiz("after_close");
    const c = await as("A3");
    const { url, attemptId } = await startQuiz(c, quizId);
    const items = quizItems(attemptId);
    const explanations = db()
      .prepare("SELECT q.explanation FROM AttemptItem i JOIN Question q ON q.id = i.questionId WHERE i.attemptId = ?")
      .all(attemptId)
      .map((r) => (r as { explanation: string }).explanation);
    const fillKey = (JSON.parse(items.find((i) => i.type === "fill")!.answer) as string[])[0];
    const leaks = (text: string) => [
      ...explanations.filter((e) => text.includes(e)),
      ...["correctAnswer", "data-verdict", "正确答案", fillKey].filter((m) => text.includes(m)),
    ];

    for (const path of [`${url}?q=2`, `${url}.data?q=2`]) expect(leaks((await c.get(path)).text), path).toEqual([]);
    const single = items.find((i) => i.type === "single")!;
    expect((await post(c, url, wholeForm("submit", items, { [single.position]: values(single, false) }, [1]))).status).toBe(302);
    for (const path of [url, `${url}.data`]) {
      const text = (await c.get(path)).text;
      expect(text).toMatch(/测验结束后（.+）可查看答案与解析/);
      expect(leaks(text), path).toEqual([]);
    }
    // Once the quiz has closed, the result marks the choices.
    db()
      .prepare("UPDATE Quiz SET closesAt = ? WHERE id = ?")
      .run(new Date(Date.now() - 1000).toISOString().replace("Z", "+00:00"), quizId);
    const open = (await c.get(url)).text;
    expect(open).toContain('data-verdict="chosen-wrong"');
    expect(open).toContain("正确答案");
  });
});

describe("a contest without JavaScript", () => {
  let contestId: number;

  beforeAll(() => {
    contestId = cf.contest({
      title: "无脚本知识竞赛",
      unitId: ids.root,
      createdById: ids.trainer,
      timeLimitSec: 900,
      sections: [{ bankId: ids.bank, count: 4, pointsEach: 2500 }],
      audiences: [{ unitId: ids.root }],
    });
  });

  const entryOf = (personId: number) =>
    (db().prepare("SELECT id FROM ContestEntry WHERE contestId = ? AND personId = ?").get(contestId, personId) as { id: number }).id;
  const contestItems = (entryId: number) =>
    db()
      .prepare(
        "SELECT i.position, q.type, i.optionOrder, q.answer, q.options FROM ContestItem i JOIN Question q ON q.id = i.questionId WHERE i.entryId = ? ORDER BY i.position",
      )
      .all(entryId) as ItemRow[];
  const stored = (entryId: number) => db().prepare("SELECT position, correct FROM ContestAnswer WHERE entryId = ? ORDER BY position").all(entryId);
  const answerForm = (entryId: number, position: number, answer: string[]) => {
    const form = new URLSearchParams({ intent: "answer", entryId: String(entryId), position: String(position) });
    for (const v of answer) form.append("answer", v);
    return form;
  };

  it("answers each question with a real form post, counted like the script's, and the first answer stands", async () => {
    const c = await as("C1");
    expect((await c.post(`/contests/${contestId}`, { intent: "start" })).status).toBe(302);
    const entryId = entryOf(ids.C1);
    const items = contestItems(entryId);
    const page = await c.get(`/contests/${contestId}`);
    // The paper is a form: options are radio buttons or boxes named `answer`, and 确定 submits it.
    expect(page.text).toMatch(/<form method="post"[^>]*>[^]*name="intent" value="answer"/);
    expect(page.text).toMatch(/<button type="submit"[^>]*>确定<\/button>/);

    for (const item of items) {
      const res = await post(c, `/contests/${contestId}`, answerForm(entryId, item.position, values(item, item.position !== 2)));
      expect(res.status, res.text.slice(0, 300)).toBe(302);
    }
    expect(stored(entryId)).toEqual(items.map((i) => ({ position: i.position, correct: i.position === 2 ? 0 : 1 })));
    expect((await c.get(`/contests/${contestId}`)).text).toContain("已答 4/4 题");

    // A second answer to an answered question changes nothing.
    await post(c, `/contests/${contestId}`, answerForm(entryId, 2, values(items[1])));
    expect(stored(entryId)).toEqual(items.map((i) => ({ position: i.position, correct: i.position === 2 ? 0 : 1 })));

    // 上一题/下一题 without the script are links to the question.
    expect((await c.get(`/contests/${contestId}?q=3`)).text).toMatch(/data-position="3"/);

    expect((await c.post(`/contests/${contestId}`, { intent: "submit", entryId: String(entryId) })).status).toBe(302);
    expect(db().prepare("SELECT state, score, correct FROM ContestEntry WHERE id = ?").get(entryId)).toEqual({ state: "submitted", score: 7500, correct: 3 });
  });

  it("refuses an empty answer, another person's entry and a finished entry, storing nothing", async () => {
    const c = await as("C2");
    expect((await c.post(`/contests/${contestId}`, { intent: "start" })).status).toBe(302);
    const entryId = entryOf(ids.C2);
    const items = contestItems(entryId);

    const empty = await post(c, `/contests/${contestId}`, answerForm(entryId, 1, []));
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("请先选择或填写答案");
    const foreign = await post(c, `/contests/${contestId}`, answerForm(entryOf(ids.C1), 1, values(items[0])));
    expect(foreign.status).toBe(404);
    expect(foreign.text).toContain("没有找到这次参赛记录");
    const outside = await post(c, `/contests/${contestId}`, answerForm(entryId, 9, ["A"]));
    expect(outside.status).toBe(400);
    expect(outside.text).toContain("这道题不在您的试卷中");
    expect(stored(entryId)).toEqual([]);

    expect((await c.post(`/contests/${contestId}`, { intent: "submit", entryId: String(entryId) })).status).toBe(302);
    const late = await post(c, `/contests/${contestId}`, answerForm(entryId, 1, values(items[0])));
    expect(late.status).toBeGreaterThanOrEqual(400);
    expect(stored(entryId)).toEqual([]);
  });
});
