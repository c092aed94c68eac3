import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPresented } from "~/lib/quiz-shuffle";
import { type QuizFactory, type QuizInput, openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Attempts against the real server: the state machine, every refusal (and that it changes nothing),
// resuming on another device, the server's deadline, the key kept out of the page and its data,
// review policies, plausibility flags and 学时 credited once.

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
  answeredAt: string | null;
  answerCount: number;
  type: string;
  answer: string;
  options: string | null;
};
type AttemptRow = {
  id: number;
  quizId: number;
  personId: number;
  number: number;
  state: string;
  deadlineAt: string | null;
  finishedAt: string | null;
  mark: number | null;
  percent: number | null;
  passed: number | null;
  flagged: number;
  flagReason: string | null;
  maxMark: number;
};

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  qf = openQuizFactory(f.db);
  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  const college = f.unit({ name: "文学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "文学院学生党支部", kind: "branch", branchType: "student", parent: college });
  const other = f.unit({ name: "理学院党委", kind: "college", parent: root });
  Object.assign(ids, { root: root.id, college: college.id, branch: branch.id, other: other.id });
  const person = async (key: string, unitId: number, politicalStatus: string) => {
    ids[key] = f.person({ number: key, name: `学员${key}`, unitId, politicalStatus });
    await f.password(ids[key], PASSWORD);
  };
  await person("L1", branch.id, "activist");
  await person("L2", branch.id, "activist");
  await person("M1", branch.id, "member");
  await person("OUT", other.id, "activist");
  await person("T1", college.id, "member");
  f.grant(ids.T1, "trainer", college.id);
  const bank = qf.standardBank({ slug: "dangzhang", unitId: root.id, perType: 3 });
  ids.bank = bank.bankId;
  ids.fixedSingle = bank.ids.single[0];
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

function makeQuiz(input: Partial<QuizInput> = {}): number {
  return qf.quiz({
    title: "两学一做测试",
    unitId: ids.college,
    createdById: ids.T1,
    opensAt: new Date(Date.now() - HOUR),
    closesAt: new Date(Date.now() + 24 * HOUR),
    timeLimitSec: 1800,
    // One fixed question, then seven drawn from the bank of twelve.
    slots: [
      { questionId: ids.fixedSingle, markEach: 1000 },
      { bankId: ids.bank, count: 7, markEach: 1000 },
    ],
    audiences: [{ unitId: ids.college }],
    ...input,
  });
}

const db = () => server.factory.db;
const attemptRow = (id: number) => db().prepare("SELECT * FROM QuizAttempt WHERE id = ?").get(id) as AttemptRow;
const itemRows = (attemptId: number) =>
  db()
    .prepare(
      `SELECT i.id, i.position, i.questionId, i.optionOrder, i.response, i.answeredAt, i.answerCount, q.type, q.answer, q.options
       FROM AttemptItem i JOIN Question q ON q.id = i.questionId WHERE i.attemptId = ? ORDER BY i.position`,
    )
    .all(attemptId) as ItemRow[];
const snapshot = (attemptId: number) => JSON.stringify({ attempt: attemptRow(attemptId), items: itemRows(attemptId) });
const hoursRows = (personId: number, quizId: number) =>
  db().prepare("SELECT amount FROM HoursEntry WHERE personId = ? AND sourceKind = 'quiz' AND sourceId = ?").all(personId, String(quizId)) as {
    amount: number;
  }[];

/** The form values that answer an item correctly, in the letters the learner sees. */
function correctValues(item: ItemRow): string[] {
  const answer = JSON.parse(item.answer) as unknown;
  if (item.type === "judge") return [String(answer)];
  if (item.type === "fill") return [(answer as string[])[0]];
  const order = item.optionOrder ? (JSON.parse(item.optionOrder) as string[]) : Object.keys(JSON.parse(item.options!) as object).sort();
  return ([] as string[]).concat(toPresented(order, answer) ?? []);
}

function saveForm(position: number, values: string[]) {
  const form = new URLSearchParams({ intent: "save", position: String(position) });
  for (const v of values) form.append(`q${position}`, v);
  return form;
}

async function start(c: Client, quizId: number) {
  const res = await c.post(`/quizzes/${quizId}`, {});
  expect(res.status).toBe(302);
  const m = /^\/quizzes\/(\d+)\/attempts\/(\d+)$/.exec(res.location ?? "");
  expect(m, res.location ?? res.text.slice(0, 300)).not.toBeNull();
  return { url: res.location!, attemptId: Number(m![2]) };
}

const post = (c: Client, url: string, form: URLSearchParams) => c.request(url, { method: "POST", body: form });

describe("an attempt from start to review", () => {
  let quizId: number;
  let url: string;
  let attemptId: number;

  beforeAll(() => {
    quizId = makeQuiz({ maxAttempts: 2, creditHours: 50, passPercent: 60 });
  });

  it("lists the quiz for the audience only", async () => {
    const list = await (await as("L1")).get("/quizzes");
    expect(list.status).toBe(200);
    expect(list.text).toContain("两学一做测试");
    expect((await (await as("OUT")).get("/quizzes")).text).not.toContain("两学一做测试");
    expect((await (await as("OUT")).get(`/quizzes/${quizId}`)).status).toBe(404);
  });

  it("starts with the paper drawn, ordered and option-shuffled, stored on the attempt", async () => {
    const c = await as("L1");
    ({ url, attemptId } = await start(c, quizId));
    const a = attemptRow(attemptId);
    expect(a).toMatchObject({ personId: ids.L1, quizId, number: 1, state: "in_progress", maxMark: 8000 });
    expect(a.deadlineAt).not.toBeNull();
    expect(Math.abs(new Date(a.deadlineAt!).getTime() - (Date.now() + 1800_000))).toBeLessThan(60_000);
    const items = itemRows(attemptId);
    expect(items.map((i) => i.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(items.map((i) => i.questionId)).size).toBe(8);
    expect(items.map((i) => i.questionId)).toContain(ids.fixedSingle);
    for (const i of items) {
      if (i.type === "single" || i.type === "multiple") expect((JSON.parse(i.optionOrder!) as string[]).sort()).toEqual(["A", "B", "C", "D"]);
      else expect(i.optionOrder).toBeNull();
    }
  });

  it("resumes the attempt in progress instead of starting another", async () => {
    const again = await start(await as("L1"), quizId);
    expect(again.attemptId).toBe(attemptId);
    expect((db().prepare("SELECT COUNT(*) AS n FROM QuizAttempt WHERE quizId = ?").get(quizId) as { n: number }).n).toBe(1);
  });

  it("never sends the key or explanations while the attempt is open: not in the HTML, not in the loader data", async () => {
    const c = await as("L1");
    const page = await c.get(url);
    expect(page.status).toBe(200);
    const items = itemRows(attemptId);
    const stem = (db().prepare("SELECT stem FROM Question WHERE id = ?").get(items[0].questionId) as { stem: string }).stem;
    expect(page.text).toContain(stem);
    const dataRes = await c.get(`${url}.data`);
    expect(dataRes.status).toBe(200);
    // Declared UTF-8, so every client reads the Chinese in it as the browser does.
    expect(dataRes.headers.get("content-type")).toMatch(/charset=utf-8/i);
    expect(dataRes.text).toContain(stem);
    for (const body of [page.text, dataRes.text]) {
      expect(body).not.toContain("EXPLAIN-");
      expect(body).not.toMatch(/correctAnswer|"answer"|explanation/);
      // The fill answer is text: it must not be on the page either.
      expect(body).not.toContain("三会一课");
    }
  });

  it("saves an answer in bank letters with its time, and a repeat of the same answer changes nothing", async () => {
    const c = await as("L1");
    const item = itemRows(attemptId)[0];
    const res = await post(c, url, saveForm(1, correctValues(item)));
    expect(res.status).toBe(200);
    const saved = itemRows(attemptId)[0];
    // Stored in bank letters: the key itself for choices and true/false; for a fill-in, the text typed
    // (the key there is the list of accepted answers, and the first one was typed).
    const key = JSON.parse(item.answer) as unknown;
    expect(JSON.parse(saved.response!)).toEqual(item.type === "fill" ? (key as string[])[0] : key);
    expect(saved.answeredAt).not.toBeNull();
    expect(saved.answerCount).toBe(1);
    await post(c, url, saveForm(1, correctValues(item)));
    expect(itemRows(attemptId)[0]).toEqual(saved);
  });

  it("resumes on another device with the saved answers", async () => {
    const item = itemRows(attemptId)[0];
    const other = await as("L1");
    const page = await other.get(url);
    expect(page.status).toBe(200);
    const expected = correctValues(item);
    if (item.type === "fill") expect(page.text).toContain(`value="${expected[0]}"`);
    else {
      const checked = [...page.text.matchAll(/<input[^>]*name="q1"[^>]*>/g)]
        .filter((m) => m[0].includes('checked=""'))
        .map((m) => /value="([^"]+)"/.exec(m[0])![1]);
      expect(checked.sort()).toEqual(expected.sort());
    }
  });

  it("refuses another person's attempt and changes nothing", async () => {
    const before = snapshot(attemptId);
    const c = await as("L2");
    expect((await c.get(url)).status).toBe(404);
    expect((await c.get(`${url}.data`)).status).toBe(404);
    expect((await post(c, url, saveForm(2, ["A"]))).status).toBe(404);
    expect((await post(c, url, new URLSearchParams({ intent: "submit" }))).status).toBe(404);
    // The attempt reached through another quiz's address is not found either.
    expect((await (await as("L1")).get(`/quizzes/${quizId + 1000}/attempts/${attemptId}`)).status).toBe(404);
    expect(snapshot(attemptId)).toBe(before);
  });

  it("refuses a question that is not in the attempt, and malformed answers, changing nothing", async () => {
    const c = await as("L1");
    const before = snapshot(attemptId);
    const notIn = await post(c, url, saveForm(99, ["A"]));
    expect(notIn.status).toBe(400);
    expect(notIn.text).toContain("这道题不在本次作答中");
    const single = itemRows(attemptId).find((i) => i.type === "single")!;
    expect((await post(c, url, saveForm(single.position, ["Z"]))).status).toBe(400);
    expect((await post(c, url, saveForm(single.position, ["A", "B"]))).status).toBe(400);
    const judge = itemRows(attemptId).find((i) => i.type === "judge");
    if (judge) expect((await post(c, url, saveForm(judge.position, ["maybe"]))).status).toBe(400);
    expect(snapshot(attemptId)).toBe(before);
  });

  it("submits once, grades on the server, credits 学时 once; a second submit is refused and changes nothing", async () => {
    const c = await as("L1");
    for (const item of itemRows(attemptId)) expect((await post(c, url, saveForm(item.position, correctValues(item)))).status).toBe(200);
    const res = await post(c, url, new URLSearchParams({ intent: "submit" }));
    expect(res.status).toBe(302);
    const a = attemptRow(attemptId);
    expect(a).toMatchObject({ state: "submitted", mark: 8000, percent: 1000, passed: 1 });
    expect(hoursRows(ids.L1, quizId)).toEqual([{ amount: 50 }]);
    expect(db().prepare("SELECT percent, passed, attempts FROM QuizGrade WHERE quizId = ? AND personId = ?").get(quizId, ids.L1)).toEqual({
      percent: 1000,
      passed: 1,
      attempts: 1,
    });

    const before = snapshot(attemptId);
    const second = await post(c, url, new URLSearchParams({ intent: "submit" }));
    expect(second.status).toBe(409);
    expect(second.text).toContain("不能重复提交");
    const late = await post(c, url, saveForm(1, ["A"]));
    expect(late.status).toBe(409);
    expect(snapshot(attemptId)).toBe(before);
  });

  it("flags an attempt answered faster than it can be read, for the trainer only; the score stands", async () => {
    const a = attemptRow(attemptId);
    expect(a.flagged).toBe(1);
    expect(JSON.parse(a.flagReason!)).toMatchObject({ answered: 8, charsPerSecond: 15 });
    expect(a.percent).toBe(1000);
    expect(db().prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'attempt.flag' AND targetId = ?").get(String(attemptId))).toEqual({ n: 1 });
    const page = await (await as("L1")).get(url);
    expect(page.text).not.toMatch(/可疑|作弊|flag/i);
  });

  it("shows the review with answers and explanations after submitting (policy after_submit)", async () => {
    const page = await (await as("L1")).get(url);
    expect(page.status).toBe(200);
    expect(page.text).toContain("EXPLAIN-");
    expect(page.text).toContain("正确答案");
    expect(page.text).toMatch(/data-testid="score">100</);
  });

  it("keeps the best grade and does not credit again on a weaker second attempt; refuses a third", async () => {
    const c = await as("L1");
    const second = await start(c, quizId);
    expect(second.attemptId).not.toBe(attemptId);
    db()
      .prepare("UPDATE QuizAttempt SET startedAt = ? WHERE id = ?")
      .run(ts(new Date(Date.now() - 20 * 60_000)), second.attemptId);
    expect((await post(c, second.url, new URLSearchParams({ intent: "submit" }))).status).toBe(302);
    expect(attemptRow(second.attemptId)).toMatchObject({ state: "submitted", percent: 0, passed: 0, flagged: 0 });
    expect(db().prepare("SELECT percent, passed, attempts FROM QuizGrade WHERE quizId = ? AND personId = ?").get(quizId, ids.L1)).toEqual({
      percent: 1000,
      passed: 1,
      attempts: 2,
    });
    expect(hoursRows(ids.L1, quizId)).toEqual([{ amount: 50 }]);

    const third = await c.post(`/quizzes/${quizId}`, {});
    expect(third.status).toBe(409);
    expect(third.text).toContain("已用完全部 2 次作答机会");
    expect((db().prepare("SELECT COUNT(*) AS n FROM QuizAttempt WHERE quizId = ? AND personId = ?").get(quizId, ids.L1) as { n: number }).n).toBe(2);
  });

  it("does not flag an attempt answered at a reading pace", async () => {
    const c = await as("L2");
    const { url: u, attemptId: id } = await start(c, quizId);
    db()
      .prepare("UPDATE QuizAttempt SET startedAt = ? WHERE id = ?")
      .run(ts(new Date(Date.now() - 20 * 60_000)), id);
    for (const item of itemRows(id)) await post(c, u, saveForm(item.position, correctValues(item)));
    expect((await post(c, u, new URLSearchParams({ intent: "submit" }))).status).toBe(302);
    expect(attemptRow(id)).toMatchObject({ state: "submitted", flagged: 0, flagReason: null, percent: 1000 });
  });
});

describe("the server's deadline", () => {
  let quizId: number;
  beforeAll(() => {
    quizId = makeQuiz({ title: "限时测验", maxAttempts: 3, creditHours: 25 });
  });
  const pastDeadline = (attemptId: number) =>
    db()
      .prepare("UPDATE QuizAttempt SET deadlineAt = ? WHERE id = ?")
      .run(ts(new Date(Date.now() - 1000)), attemptId);

  it("refuses an answer after the deadline, changes nothing, and closes the attempt with what was saved", async () => {
    const c = await as("M1");
    const { url, attemptId } = await start(c, quizId);
    const items = itemRows(attemptId);
    db()
      .prepare("UPDATE QuizAttempt SET startedAt = ? WHERE id = ?")
      .run(ts(new Date(Date.now() - 20 * 60_000)), attemptId);
    for (const item of items.slice(0, 5)) expect((await post(c, url, saveForm(item.position, correctValues(item)))).status).toBe(200);
    pastDeadline(attemptId);
    const savedItems = JSON.stringify(itemRows(attemptId));

    const late = await post(c, url, saveForm(items[6].position, correctValues(items[6])));
    expect(late.status).toBe(409);
    expect(late.text).toContain("已超过作答时间，答案未保存");
    expect(JSON.stringify(itemRows(attemptId))).toBe(savedItems);
    // Graded with the five saved answers out of eight: 62.5 %, a pass at 60.
    expect(attemptRow(attemptId)).toMatchObject({ state: "expired", mark: 5000, percent: 625, passed: 1 });
    expect(hoursRows(ids.M1, quizId)).toEqual([{ amount: 25 }]);
    const submit = await post(c, url, new URLSearchParams({ intent: "submit" }));
    expect(submit.status).toBe(409);
    // The learner did not submit: the system collected the paper, and says so.
    expect(submit.text).toContain("作答时间已到，系统已按截止前保存的答案收卷，无需再交卷");
  });

  it("closes and grades an attempt whose browser never returns on its learner's next read; someone else's read leaves it to the sweeper", async () => {
    const c = await as("L1");
    const { url, attemptId } = await start(c, quizId);
    const first = itemRows(attemptId)[0];
    await post(c, url, saveForm(1, correctValues(first)));
    pastDeadline(attemptId);
    // Another learner's list page does not do the sweeper's work (closeExpiredAttempts: at a paper's close
    // every phone's page would race to close the same attempts).
    expect((await (await as("L2")).get("/quizzes")).status).toBe(200);
    expect(attemptRow(attemptId)).toMatchObject({ state: "in_progress" });
    // The learner's own list page closes it, graded with what was saved before the deadline.
    expect((await c.get("/quizzes")).status).toBe(200);
    const a = attemptRow(attemptId);
    expect(a).toMatchObject({ state: "expired", mark: 1000, percent: 125, passed: 0 });
    expect(a.finishedAt).not.toBeNull();
    // The learner coming back sees the result, not the paper.
    const page = await c.get(url);
    expect(page.text).toContain("作答时间已到");
    expect(page.text).not.toContain('name="intent" value="submit"');
  });

  it("sets the deadline no later than the quiz's closing time", async () => {
    const closesAt = new Date(Date.now() + 10 * 60_000);
    const q = makeQuiz({ title: "即将截止", closesAt, timeLimitSec: 3600 });
    const { attemptId } = await start(await as("L1"), q);
    expect(new Date(attemptRow(attemptId).deadlineAt!).getTime()).toBe(closesAt.getTime());
  });
});

describe("who may start, and when", () => {
  it("refuses a person outside the audience", async () => {
    const q = makeQuiz({ title: "党员专题", audiences: [{ unitId: ids.college, politicalStatus: "member" }] });
    // Not in the audience: the quiz does not exist for them (404), and starting it is refused.
    expect([403, 404]).toContain((await (await as("L1")).post(`/quizzes/${q}`, {})).status);
    expect([403, 404]).toContain((await (await as("OUT")).post(`/quizzes/${q}`, {})).status);
    await start(await as("M1"), q);
    expect((db().prepare("SELECT COUNT(*) AS n FROM QuizAttempt WHERE quizId = ?").get(q) as { n: number }).n).toBe(1);
  });

  it("refuses a quiz that is not open yet, has closed, or is not published", async () => {
    const upcoming = makeQuiz({ title: "未开始", opensAt: new Date(Date.now() + HOUR) });
    const closed = makeQuiz({ title: "已结束", opensAt: new Date(Date.now() - 2 * HOUR), closesAt: new Date(Date.now() - HOUR) });
    const draft = makeQuiz({ title: "草稿", status: "draft" });
    const c = await as("L1");
    const r1 = await c.post(`/quizzes/${upcoming}`, {});
    expect(r1.status).toBe(409);
    expect(r1.text).toContain("测验尚未开始");
    const r2 = await c.post(`/quizzes/${closed}`, {});
    expect(r2.status).toBe(409);
    expect(r2.text).toContain("测验已经结束");
    expect([403, 404]).toContain((await c.post(`/quizzes/${draft}`, {})).status);
    expect((await c.get(`/quizzes/${draft}`)).status).toBe(404);
    expect((db().prepare("SELECT COUNT(*) AS n FROM QuizAttempt WHERE quizId IN (?, ?, ?)").get(upcoming, closed, draft) as { n: number }).n).toBe(0);
  });
});

describe("review policies", () => {
  async function submitAll(number: string, quizId: number) {
    const c = await as(number);
    const { url, attemptId } = await start(c, quizId);
    for (const item of itemRows(attemptId)) await post(c, url, saveForm(item.position, correctValues(item)));
    expect((await post(c, url, new URLSearchParams({ intent: "submit" }))).status).toBe(302);
    return { c, url };
  }

  it("never: the score only, neither in the page nor in its data", async () => {
    const q = makeQuiz({ title: "不公布答案", reviewPolicy: "never" });
    const { c, url } = await submitAll("L2", q);
    const page = await c.get(url);
    expect(page.text).toMatch(/data-testid="score">100</);
    expect(page.text).toContain("本测验不公布答案与解析");
    for (const body of [page.text, (await c.get(`${url}.data`)).text]) {
      expect(body).not.toContain("EXPLAIN-");
      expect(body).not.toContain("三会一课");
    }
  });

  it("after_close: the key and explanations appear once the quiz has closed", async () => {
    const q = makeQuiz({ title: "截止后公布", reviewPolicy: "after_close" });
    const { c, url } = await submitAll("L2", q);
    const before = await c.get(url);
    expect(before.text).toContain("测验结束后");
    expect(before.text).not.toContain("EXPLAIN-");
    expect((await c.get(`${url}.data`)).text).not.toContain("EXPLAIN-");
    db()
      .prepare("UPDATE Quiz SET closesAt = ? WHERE id = ?")
      .run(ts(new Date(Date.now() - 1000)), q);
    const after = await c.get(url);
    expect(after.text).toContain("EXPLAIN-");
  });
});

describe("grade methods", () => {
  /** Takes an attempt answering the first `right` questions correctly and the rest not at all; returns its percent. */
  async function take(c: Client, quizId: number, right: number): Promise<number> {
    const { url, attemptId } = await start(c, quizId);
    for (const item of itemRows(attemptId).slice(0, right)) expect((await post(c, url, saveForm(item.position, correctValues(item)))).status).toBe(200);
    expect((await post(c, url, new URLSearchParams({ intent: "submit" }))).status).toBe(302);
    return attemptRow(attemptId).percent!;
  }
  const grade = (quizId: number, personId: number) =>
    db().prepare("SELECT percent, passed, attempts FROM QuizGrade WHERE quizId = ? AND personId = ?").get(quizId, personId) as {
      percent: number;
      passed: number;
      attempts: number;
    };

  it("last: the latest attempt counts, even when lower; 学时 once credited stay", async () => {
    const quizId = makeQuiz({ title: "取最后一次", maxAttempts: 3, gradeMethod: "last", passPercent: 60, creditHours: 25 });
    const c = await as("L2");
    expect(await take(c, quizId, 8)).toBe(1000);
    expect(grade(quizId, ids.L2)).toEqual({ percent: 1000, passed: 1, attempts: 1 });
    expect(await take(c, quizId, 2)).toBe(250);
    expect(grade(quizId, ids.L2)).toEqual({ percent: 250, passed: 0, attempts: 2 });
    expect(hoursRows(ids.L2, quizId)).toEqual([{ amount: 25 }]);
  });

  it("average: the mean of the finished attempts, rounded down to a tenth", async () => {
    const quizId = makeQuiz({ title: "取平均分", maxAttempts: 3, gradeMethod: "average", passPercent: 60, creditHours: 25 });
    const c = await as("M1");
    expect(await take(c, quizId, 3)).toBe(375);
    expect(grade(quizId, ids.M1)).toMatchObject({ percent: 375, passed: 0 });
    expect(hoursRows(ids.M1, quizId)).toEqual([]);
    expect(await take(c, quizId, 8)).toBe(1000);
    // (37.5 + 100) / 2 = 68.75 → 68.7, a pass at 60: credited now, once.
    expect(grade(quizId, ids.M1)).toEqual({ percent: 687, passed: 1, attempts: 2 });
    expect(hoursRows(ids.M1, quizId)).toEqual([{ amount: 25 }]);
  });
});
