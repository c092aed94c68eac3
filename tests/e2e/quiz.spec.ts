import Database from "better-sqlite3";
import { openQuizFactory } from "../quiz-factories";
import { expect, signInAs, test } from "./support/fixtures";
import { E2E_DB } from "./support/paths";
import { seedTwoQuestionQuiz } from "./support/quiz-seed";

// A learner takes a quiz on the phone: answers save as they are given, a reload in the middle keeps
// them, and submitting shows the score. The quiz is seeded here, into the e2e database, for the
// demo learner's own unit.

const TITLE = "手机端作答测验";

test.beforeAll(() => {
  const db = new Database(E2E_DB, { timeout: 5000 });
  try {
    const exists = db.prepare("SELECT id FROM Quiz WHERE title = ?").get(TITLE);
    if (exists) return;
    const learner = db.prepare("SELECT id, unitId FROM Person WHERE number = 'activist'").get() as { id: number; unitId: number };
    const qf = openQuizFactory(db);
    const { ids } = qf.standardBank({ slug: "e2e-phone-quiz", unitId: learner.unitId, perType: 1 });
    qf.quiz({
      title: TITLE,
      unitId: learner.unitId,
      createdById: learner.id,
      opensAt: new Date(Date.now() - 3600_000),
      closesAt: new Date(Date.now() + 24 * 3600_000),
      timeLimitSec: 1800,
      shuffleQuestions: false,
      shuffleOptions: false,
      slots: [ids.single[0], ids.judge[0], ids.fill[0]].map((questionId) => ({ questionId, markEach: 1000 })),
      audiences: [{ unitId: learner.unitId }],
    });
  } finally {
    db.close();
  }
});

test("a learner takes a quiz on the phone, reloads mid-way and submits", async ({ page }) => {
  await signInAs(page, "activist", "王积极");
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "答题" }).click();
  await expect(page).toHaveURL(/\/quizzes$/);
  await page.getByRole("link", { name: new RegExp(TITLE) }).click();
  await page.getByRole("button", { name: "开始作答" }).click();
  await expect(page).toHaveURL(/\/quizzes\/\d+\/attempts\/\d+$/);
  await expect(page.getByTestId("countdown")).toContainText(/剩余 (30|29) 分钟/);

  const questions = page.getByTestId("question");
  await expect(questions).toHaveCount(3);
  // An answer is one request: a saved answer does not make the page reload its data.
  const reloads: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "GET" && /\.data(\?|$)/.test(r.url())) reloads.push(r.url());
  });
  // Without shuffling the paper is in slot order: single (answer B), judge (true), fill.
  await questions
    .nth(0)
    .getByLabel(/乙选项1/)
    .check();
  await expect(questions.nth(0).getByTestId("save-status")).toHaveText("已保存");
  await questions.nth(1).getByLabel("正确").check();
  await expect(questions.nth(1).getByTestId("save-status")).toHaveText("已保存");

  expect(reloads).toEqual([]);
  await page.reload();
  await expect(questions.nth(0).getByLabel(/乙选项1/)).toBeChecked();
  await expect(questions.nth(1).getByLabel("正确")).toBeChecked();

  await questions.nth(2).getByRole("textbox").fill("三会一课");
  await questions.nth(2).getByRole("textbox").blur();
  await expect(questions.nth(2).getByTestId("save-status")).toHaveText("已保存");

  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "交卷" }).click();
  await expect(page.getByTestId("score")).toHaveText("100");
  await expect(page.getByText("已通过")).toBeVisible();
  await expect(page.getByTestId("review-item")).toHaveCount(3);
});

// A phone may show the paper before the page's script has loaded. An answer tapped then shows as
// chosen; it is saved as soon as the script runs, not only when the paper is handed in.
test("an answer given before the page's script has loaded is saved once it has", async ({ page, db }) => {
  const quiz = seedTwoQuestionQuiz("cadre", "加载前作答测验");
  await signInAs(page, "cadre", "吴处长");
  await page.goto(`/quizzes/${quiz.quizId}`);
  await page.getByRole("button", { name: "开始作答" }).click();
  await expect(page).toHaveURL(/\/attempts\/\d+$/);
  const attemptId = Number(/(\d+)$/.exec(page.url())![1]);

  // The page is opened again with its scripts held back until the answer has been given.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/assets\/.+\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.reload({ waitUntil: "commit" });
  const first = page.getByTestId("question").nth(0);
  await first.getByLabel(/乙选项1/).check();
  await expect(first.getByTestId("save-status")).toHaveText("");
  release();

  await expect(first.getByTestId("save-status")).toHaveText("已保存");
  expect(db().prepare("SELECT response FROM AttemptItem WHERE attemptId = ? AND position = 1").get(attemptId)).toEqual({ response: '"B"' });
});
