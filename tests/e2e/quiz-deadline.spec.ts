import { expect, signInAs, test } from "./support/fixtures";
import { seedTwoQuestionQuiz, setAttemptDeadline } from "./support/quiz-seed";

// The deadline is the server's. A quiz with an 8-second limit: the learner answers the first question
// in time and leaves the second. When the countdown reaches zero the page shows the closed, graded
// attempt. A page whose countdown stopped (a phone asleep, a throttled tab: here Playwright's clock,
// frozen in the browser only) still shows the form, but the server refuses what it sends after the
// deadline and grades what was saved before it. Neither test waits the 8 seconds: the deadline is
// brought forward in the database (the server's clock still decides) and the page's clock is moved
// with Playwright's. The sweeper (every 30 s) is not waited for: every
// read of an attempt closes it lazily, and that is what a learner meets.

const LIMIT_SEC = 8;

type AttemptRow = {
  state: string;
  deadlineAt: string;
  finishedAt: string | null;
  mark: number | null;
  maxMark: number;
  percent: number | null;
  passed: number | null;
};
type ItemRow = { position: number; response: string | null; answerCount: number; mark: number | null; correct: number | null };

const attemptIdOf = (url: string) => Number(/\/attempts\/(\d+)$/.exec(new URL(url).pathname)![1]);

/**
 * Resolves in the page after the work already queued there (React renders through a message
 * channel, which Playwright's clock leaves alone, so this works while the clock is paused).
 */
const settled = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

test("the countdown reaches zero and the page shows the attempt closed, graded with the answer given in time", async ({ page, db }) => {
  const quiz = seedTwoQuestionQuiz("activist", "限时收卷测验", { timeLimitSec: LIMIT_SEC });
  // The page's clock, to run its countdown out rather than wait for it.
  await page.clock.install();
  await signInAs(page, "activist", "王积极");
  await page.goto(`/quizzes/${quiz.quizId}`);
  await page.getByRole("button", { name: "开始作答" }).click();
  await expect(page).toHaveURL(/\/attempts\/\d+$/);
  const attemptId = attemptIdOf(page.url());

  const countdown = page.getByTestId("countdown");
  await expect(countdown).toHaveText(/^剩余 \d 秒$/);
  const questions = page.getByTestId("question");
  await questions
    .nth(0)
    .getByLabel(/乙选项1/)
    .check();
  await expect(questions.nth(0).getByTestId("save-status")).toHaveText("已保存");

  // Nobody touches the page any more, and the time runs out: the deadline, which only the server
  // keeps, is brought forward to now, and the page's clock runs the 8 seconds ahead. At zero the page
  // says so, then shows the result on its own.
  setAttemptDeadline(attemptId, new Date());
  await page.clock.fastForward(LIMIT_SEC * 1000);
  await expect(countdown).toHaveText("作答时间已到");
  const result = page.getByTestId("result");
  await expect(result).toContainText("作答时间已到，系统已按截止前保存的答案评分");
  await expect(page.getByTestId("score")).toHaveText("50");
  await expect(result).toContainText("未通过");
  await expect(page.getByRole("button", { name: "交卷" })).toHaveCount(0);
  const review = page.getByTestId("review-item");
  await expect(review).toHaveCount(2);
  await expect(review.nth(0)).toContainText("正确（10 / 10 分）");
  await expect(review.nth(1)).toContainText("您的答案：未作答");

  // Closed at its deadline (not when it was noticed), graded with the answer saved before it.
  const attempt = db()
    .prepare("SELECT state, deadlineAt, finishedAt, mark, maxMark, percent, passed FROM QuizAttempt WHERE id = ?")
    .get(attemptId) as AttemptRow;
  expect(attempt).toEqual({
    state: "expired",
    deadlineAt: attempt.deadlineAt,
    finishedAt: attempt.deadlineAt,
    mark: 1000,
    maxMark: 2000,
    percent: 500,
    passed: 0,
  });
  expect(db().prepare("SELECT percent, passed, attempts FROM QuizGrade WHERE quizId = ?").get(quiz.quizId)).toEqual({ percent: 500, passed: 0, attempts: 1 });

  // The quiz's page lists the attempt as collected at the deadline, with its score.
  await page.getByRole("link", { name: "返回测验" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: "第 1 次" })).toContainText("已到时收卷");
  await expect(page.getByRole("listitem").filter({ hasText: "第 1 次" })).toContainText("50 分");
  await expect(page.getByRole("button", { name: /作答/ })).toHaveCount(0);
  await expect(page.getByRole("status")).toHaveText("您已用完全部作答次数。");
});

test("a page left open past the deadline cannot save another answer, and the answer given in time counts", async ({ page, context, db, consoleErrors }) => {
  // The browser notes the refused requests (409) in the console; those are expected.
  consoleErrors.allow(/status of 409/);
  const quiz = seedTwoQuestionQuiz("target", "过时作答测验", { timeLimitSec: LIMIT_SEC });
  // Only the browser's clock is faked (for every tab of the context); the server's deadline runs in real time.
  await page.clock.install();
  await signInAs(page, "target", "郑发展");
  await page.goto(`/quizzes/${quiz.quizId}`);
  await page.getByRole("button", { name: "开始作答" }).click();
  await expect(page).toHaveURL(/\/attempts\/\d+$/);
  const attemptId = attemptIdOf(page.url());

  const questions = page.getByTestId("question");
  await questions
    .nth(0)
    .getByLabel(/乙选项1/)
    .check();
  await expect(questions.nth(0).getByTestId("save-status")).toHaveText("已保存");
  // The same attempt open in a second tab, which resumes it.
  const tab = await context.newPage();
  await tab.goto(page.url());
  await expect(
    tab
      .getByTestId("question")
      .nth(0)
      .getByLabel(/乙选项1/),
  ).toBeChecked();

  // The browser's clock stops (a moment ahead, as it cannot go back): no timer fires any more, so the
  // countdowns never reach zero and the forms stay open.
  await page.clock.pauseAt(Date.now() + 1000);
  const countdown = page.getByTestId("countdown");
  // A tick the jump fired has its new text on screen once the page has handled its pending work.
  await page.evaluate(settled);
  const frozen = await countdown.textContent();
  expect(frozen).toMatch(/^剩余 \d 秒$/);
  // The attempt's time runs out now: its deadline, which only the server keeps, is brought forward to
  // this moment rather than waited for (the server's clock decides; the answer above was saved before).
  setAttemptDeadline(attemptId, new Date());
  const { deadlineAt } = db().prepare("SELECT deadlineAt FROM QuizAttempt WHERE id = ?").get(attemptId) as AttemptRow;
  await expect(countdown).toHaveText(frozen!);

  // An answer given now is refused with a reason, and the page turns to the attempt as collected at the deadline.
  // The refusal's body is read as it passes (the request goes to the server and its answer to the page
  // unchanged): once the page has turned into the result, the browser no longer keeps the body of a
  // response it navigated away from, so reading it afterwards raced the page.
  let answered: (reply: { status: number; text: string }) => void;
  const refusal = new Promise<{ status: number; text: string }>((resolve) => (answered = resolve));
  await page.route(
    (url) => url.pathname.endsWith(`/attempts/${attemptId}`) || url.pathname.endsWith(`/attempts/${attemptId}.data`),
    async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      const response = await route.fetch();
      answered({ status: response.status(), text: await response.text() });
      await route.fulfill({ response });
    },
  );
  // A tap, not check(): the refusal may turn the page into the result before check() could confirm
  // the radio stayed checked, and then check() waits for a radio that is gone.
  await questions.nth(1).getByLabel("正确").click();
  const refused = await refusal;
  expect(refused.status).toBe(409);
  // The deadline refusal; or, when the sweeper (every 30 s) closed the attempt in the half second
  // since the deadline, the closed one. Both tell the learner the answer was not saved.
  expect(refused.text).toMatch(/已超过作答时间，答案未保存|本次作答已经结束，答案未保存/);
  await expect(page.getByTestId("result")).toContainText("作答时间已到，系统已按截止前保存的答案评分");
  await expect(page.getByTestId("score")).toHaveText("50");
  await expect(page.getByTestId("review-item").nth(1)).toContainText("您的答案：未作答");

  // Nothing of the late answer is kept; the attempt closed at its deadline with the answer given in time.
  const items = () =>
    db().prepare("SELECT position, response, answerCount, mark, correct FROM AttemptItem WHERE attemptId = ? ORDER BY position").all(attemptId) as ItemRow[];
  const unchanged = [
    { position: 1, response: '"B"', answerCount: 1, mark: 1000, correct: 1 },
    { position: 2, response: null, answerCount: 0, mark: 0, correct: 0 },
  ];
  expect(items()).toEqual(unchanged);
  const attempt = () =>
    db().prepare("SELECT state, deadlineAt, finishedAt, mark, maxMark, percent, passed FROM QuizAttempt WHERE id = ?").get(attemptId) as AttemptRow;
  const graded = { state: "expired", deadlineAt, finishedAt: deadlineAt, mark: 1000, maxMark: 2000, percent: 500, passed: 0 };
  expect(attempt()).toEqual(graded);

  // The second tab still shows the form; handing the paper in from it is refused and changes nothing.
  await expect(tab.getByTestId("countdown")).toHaveText(/^剩余 \d 秒$/);
  tab.once("dialog", (d) => void d.accept());
  await tab.getByRole("button", { name: "交卷" }).click();
  await expect(tab.getByRole("alert")).toHaveText("本次作答已经结束，答案未保存");
  // The refusal brings the result with it: no stale form with a countdown left on screen.
  await expect(tab.getByTestId("result")).toContainText("作答时间已到，系统已按截止前保存的答案评分");
  await expect(tab.getByTestId("countdown")).toHaveCount(0);
  expect(items()).toEqual(unchanged);
  expect(attempt()).toEqual(graded);
  // Reloaded, it shows the same result as the first tab.
  await tab.reload();
  await expect(tab.getByTestId("result")).toContainText("作答时间已到，系统已按截止前保存的答案评分");
  await expect(tab.getByTestId("score")).toHaveText("50");
});
