import { type Page } from "@playwright/test";
import { expect, signInAs, test } from "./support/fixtures";
import { type SeededQuiz, seedTwoQuestionQuiz, setQuizClosesAt } from "./support/quiz-seed";

// The review policy decides when a learner sees the key and the explanations: never, right after
// submitting, or once the quiz has closed. What is hidden must be absent from what the server sends,
// not just from the screen: the rendered DOM, the raw HTML of the page and the data Remix fetches
// (`.data`) are all searched for the questions' explanation strings and the review's fields.
// During the attempt nothing of the key is sent whatever the policy.
//
// Each quiz has two questions of 10 points in a fixed order (single choice, key B; judgement, key
// 正确); the learner gets the first wrong (A) and the second right: 50 分, and the review, when shown,
// says 正确答案：B against 您的答案：A.

type Sources = { dom: string; html: string; data: string };

/** Everything of the current page a person (or a curious one, with the developer tools) can read. */
async function sources(page: Page): Promise<Sources> {
  const url = new URL(page.url());
  const html = await page.request.get(url.pathname);
  const data = await page.request.get(`${url.pathname}.data`);
  expect(html.status()).toBe(200);
  expect(data.status()).toBe(200);
  return { dom: await page.content(), html: await html.text(), data: await data.text() };
}

/** The strings only a review with the key carries: the explanations, the field names, the label. */
const keyMarkers = (quiz: SeededQuiz) => [quiz.explanations.single, quiz.explanations.judge, "correctAnswer", "explanation", "正确答案"];

async function expectNoKey(page: Page, quiz: SeededQuiz) {
  const s = await sources(page);
  for (const [where, text] of Object.entries(s)) {
    for (const marker of keyMarkers(quiz)) expect(text, `${where} must not contain ${marker}`).not.toContain(marker);
  }
}

async function expectKey(page: Page, quiz: SeededQuiz) {
  const s = await sources(page);
  for (const [where, text] of Object.entries(s)) {
    for (const marker of [quiz.explanations.single, quiz.explanations.judge]) expect(text, `${where} must contain ${marker}`).toContain(marker);
  }
}

/** Takes the quiz: checks the paper carries no key, answers (one wrong, one right), submits. */
async function takeAndSubmit(page: Page, quiz: SeededQuiz) {
  await signInAs(page, "activist", "王积极");
  await page.goto("/quizzes");
  await page.getByRole("link", { name: new RegExp(quiz.title) }).click();
  await expect(page.getByRole("heading", { name: quiz.title })).toBeVisible();
  await expectNoKey(page, quiz);
  await page.getByRole("button", { name: "开始作答" }).click();
  await expect(page).toHaveURL(/\/attempts\/\d+$/);

  const questions = page.getByTestId("question");
  await expect(questions).toHaveCount(2);
  await expectNoKey(page, quiz);
  await questions
    .nth(0)
    .getByLabel(/甲选项1/)
    .check();
  await expect(questions.nth(0).getByTestId("save-status")).toHaveText("已保存");
  await questions.nth(1).getByLabel("正确").check();
  await expect(questions.nth(1).getByTestId("save-status")).toHaveText("已保存");
  // With answers saved (the learner's own are sent back to resume), still nothing of the key.
  await page.reload();
  await expect(questions.nth(0).getByLabel(/甲选项1/)).toBeChecked();
  await expectNoKey(page, quiz);

  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "交卷" }).click();
  await expect(page.getByTestId("score")).toHaveText("50");
  await expect(page.getByTestId("result")).toContainText("未通过");
  await expect(page.getByTestId("result")).toContainText("（10 / 20，及格线 60 分）");
}

async function expectFullReview(page: Page, quiz: SeededQuiz) {
  const items = page.getByTestId("review-item");
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText("错误（0 / 10 分）");
  await expect(items.nth(0)).toContainText("您的答案：A");
  await expect(items.nth(0)).toContainText("正确答案：B");
  await expect(items.nth(0)).toContainText(`解析：${quiz.explanations.single}`);
  // The right option is marked as the key in the list, the learner's wrong one as their choice (decision 064).
  await expect(items.nth(0).getByRole("listitem").filter({ hasText: "乙选项1" })).toContainText("正确答案");
  await expect(items.nth(0).getByRole("listitem").filter({ hasText: "甲选项1" })).toContainText("您的选择");
  await expect(items.nth(0).getByRole("listitem").filter({ hasText: "甲选项1" })).not.toContainText("正确答案");
  await expect(items.nth(1)).toContainText("正确（10 / 10 分）");
  await expect(items.nth(1)).toContainText(`解析：${quiz.explanations.judge}`);
  await expectKey(page, quiz);
}

test("review policy never: the score only, and the key is nowhere in the page, even after the quiz closes", async ({ page }) => {
  const quiz = seedTwoQuestionQuiz("activist", "不公布答案测验", { reviewPolicy: "never" });
  await takeAndSubmit(page, quiz);
  await expect(page.getByTestId("result")).toContainText("本测验不公布答案与解析。");
  await expect(page.getByTestId("review-item")).toHaveCount(0);
  await expect(page.getByText("正确答案")).toHaveCount(0);
  await expectNoKey(page, quiz);

  setQuizClosesAt(quiz.quizId, new Date(Date.now() - 60_000));
  await page.reload();
  await expect(page.getByTestId("score")).toHaveText("50");
  await expect(page.getByTestId("result")).toContainText("本测验不公布答案与解析。");
  await expect(page.getByTestId("review-item")).toHaveCount(0);
  await expectNoKey(page, quiz);
});

test("review policy after_submit: the key and the explanations right after submitting", async ({ page }) => {
  const quiz = seedTwoQuestionQuiz("activist", "交卷后公布答案测验", { reviewPolicy: "after_submit" });
  await takeAndSubmit(page, quiz);
  await expect(page.getByTestId("result")).not.toContainText("可查看答案与解析");
  await expectFullReview(page, quiz);
});

test("review policy after_close: hidden while the quiz is open, shown once it has closed", async ({ page }) => {
  const closesAt = new Date(Date.now() + 24 * 3600_000);
  const quiz = seedTwoQuestionQuiz("activist", "截止后公布答案测验", { reviewPolicy: "after_close", closesAt });
  await takeAndSubmit(page, quiz);
  await expect(page.getByTestId("result")).toContainText(/测验结束后（\d{4}-\d{2}-\d{2} \d{2}:\d{2}）可查看答案与解析。/);
  await expect(page.getByTestId("review-item")).toHaveCount(0);
  await expect(page.getByText("正确答案")).toHaveCount(0);
  await expectNoKey(page, quiz);

  // The quiz closes (its closing time moved to a minute ago): the same address now shows the review.
  setQuizClosesAt(quiz.quizId, new Date(Date.now() - 60_000));
  await page.reload();
  await expect(page.getByTestId("score")).toHaveText("50");
  await expect(page.getByTestId("result")).not.toContainText("可查看答案与解析");
  await expectFullReview(page, quiz);
});
