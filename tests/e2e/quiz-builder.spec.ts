import { type Locator, type Page } from "@playwright/test";
import { expect, signInAs, test } from "./support/fixtures";
import { seedBuilderBank, uniqueSuffix } from "./support/quiz-seed";

// A trainer builds a quiz in the browser: creates it, sets its time limit, attempts and pass mark,
// puts a random draw and a fixed question on the paper, invites one branch and publishes. The learner
// in that branch (王积极, 计算机学院本科生第一党支部) sees it and can take it; a learner of a sibling
// branch of the same college (周党员, 教职工第一党支部) does not, not even by its address; nobody sees
// it while it is a draft. The e2e database has no shipped banks, so the test seeds a bank at the root
// (where the shipped ones sit) with one question whose stem the trainer searches for.

const AUDIENCE_UNIT = "计算机学院本科生第一党支部";

/** Chooses the <option> whose visible text (tree indentation aside) is `text`, as a person picks it. */
async function choose(select: Locator, text: string | RegExp) {
  const option = select.locator("option").filter({ hasText: typeof text === "string" ? new RegExp(`^\\s*${text}$`) : text });
  await expect(option).toHaveCount(1);
  await select.selectOption((await option.getAttribute("value"))!);
}

async function expectNotListed(page: Page, title: string) {
  await page.goto("/quizzes");
  await expect(page.getByRole("heading", { name: "我的测验" })).toBeVisible();
  await expect(page.getByRole("link", { name: new RegExp(title) })).toHaveCount(0);
}

test("a trainer builds and publishes a quiz; learners in its audience see it, others do not @desktop", async ({ page, db, newContext, consoleErrors }) => {
  // The outsider's direct visit is answered 404, which the browser notes in the console.
  consoleErrors.allow(/status of 404/);
  const marker = uniqueSuffix();
  const bank = seedBuilderBank(marker);
  const title = `组卷测试-${test.info().project.name}-${marker}`;

  await signInAs(page, "trainer", "钱教员");
  await page.getByRole("banner").getByRole("link", { name: "管理" }).click();
  await page.getByRole("navigation", { name: "管理" }).getByRole("link", { name: "测试" }).click();
  await expect(page).toHaveURL(/\/manage\/quizzes$/);
  await expect(page.getByRole("heading", { name: "测试管理" })).toBeVisible();

  // Create: a name and the unit that owns it.
  await page.getByLabel("测试名称").fill(title);
  await choose(page.getByLabel("所属党组织"), "示范大学党委");
  await page.getByRole("button", { name: "新建测试" }).click();
  await expect(page).toHaveURL(/\/manage\/quizzes\/\d+$/);
  const quizId = Number(/(\d+)$/.exec(new URL(page.url()).pathname)![1]);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByText(/^草稿 · 示范大学党委 · 共 0 题/)).toBeVisible();

  // Settings: 10 minutes, two attempts, pass mark 70.
  const settings = page.getByRole("region", { name: "基本设置" });
  await settings.getByLabel("限时（分钟，留空为不限时）").fill("10");
  await settings.getByLabel("可作答次数").fill("2");
  await settings.getByLabel("及格线（百分制）").fill("70");
  await choose(settings.getByLabel("查看答案"), "交卷后可查看答案与解析");
  await settings.getByRole("button", { name: "保存设置" }).click();
  await expect(page.getByRole("status")).toHaveText("设置已保存");

  // The paper: two questions drawn at random from the bank, then one fixed question found by search.
  const paper = page.getByRole("region", { name: "试卷" });
  await choose(paper.getByLabel("题库"), new RegExp(`^${bank.title}（5 题）$`));
  await paper.getByLabel("抽题数量").fill("2");
  await paper.getByLabel("每题分值").fill("10");
  await paper.getByRole("button", { name: "加入随机抽题" }).click();
  await expect(page.getByRole("status")).toHaveText("已加入试卷");
  await expect(paper.getByTestId("slots")).toContainText(`1. 从「${bank.title}」随机抽 2 题（每题 10 分）`);

  await paper.getByLabel("搜索题目").fill(`组卷专用填空题${marker}`);
  await paper.getByRole("button", { name: "搜索" }).click();
  const hit = paper.getByRole("listitem").filter({ hasText: bank.stem });
  await expect(hit).toHaveCount(1);
  await hit.getByLabel("分值").fill("10");
  await hit.getByRole("button", { name: "加入" }).click();
  await expect(page.getByRole("status")).toHaveText("已加入试卷");
  await expect(paper.getByTestId("slots")).toContainText(`2. 【填空】${bank.stem}（每题 10 分）`);
  await expect(page.getByText(/^草稿 · 示范大学党委 · 共 3 题，满分 30 分/)).toBeVisible();

  // The audience: one branch, everybody in it.
  const audience = page.getByRole("region", { name: "参加范围" });
  await choose(audience.getByLabel("党组织", { exact: true }), AUDIENCE_UNIT);
  await choose(audience.getByLabel("政治面貌"), "全体人员");
  await audience.getByRole("button", { name: "添加" }).click();
  await expect(page.getByRole("status")).toHaveText("已添加参加范围");
  await expect(audience.getByTestId("audiences")).toContainText(`${AUDIENCE_UNIT}（含下级） · 全体人员`);

  // A draft is nobody's yet, not even the invited learner's.
  const learner = await (await newContext()).newPage();
  await signInAs(learner, "activist", "王积极");
  await expectNotListed(learner, title);

  await page.getByRole("button", { name: "发布" }).click();
  await expect(page.getByRole("status")).toHaveText("测试已发布，参加范围内的人员可以作答");
  await expect(page.getByText(/^已发布 · 示范大学党委 · 共 3 题，满分 30 分/)).toBeVisible();
  expect(db().prepare("SELECT status, timeLimitSec, maxAttempts, passPercent, reviewPolicy FROM Quiz WHERE id = ?").get(quizId)).toEqual({
    status: "published",
    timeLimitSec: 600,
    maxAttempts: 2,
    passPercent: 70,
    reviewPolicy: "after_submit",
  });

  // The invited learner finds it among the open quizzes, with the trainer's settings, and can take it.
  await learner.goto("/quizzes");
  await learner
    .getByRole("region", { name: "进行中" })
    .getByRole("link", { name: new RegExp(title) })
    .click();
  await expect(learner.getByRole("heading", { name: title })).toBeVisible();
  await expect(learner.getByText("10 分钟", { exact: true })).toBeVisible();
  await expect(learner.getByText(/^共 2 次，/)).toBeVisible();
  await expect(learner.getByText("70 分", { exact: true })).toBeVisible();
  await learner.getByRole("button", { name: "开始作答" }).click();
  await expect(learner).toHaveURL(new RegExp(`/quizzes/${quizId}/attempts/\\d+$`));
  await expect(learner.getByTestId("question")).toHaveCount(3);
  await expect(learner.getByTestId("question").filter({ hasText: bank.stem })).toHaveCount(1);
  await expect(learner.getByTestId("countdown")).toHaveText(/剩余 (10|9) 分钟/);

  // A learner of another branch of the same college neither sees it nor reaches it by its address.
  const outsider = await (await newContext()).newPage();
  await signInAs(outsider, "member", "周党员");
  await expectNotListed(outsider, title);
  const direct = await outsider.goto(`/quizzes/${quizId}`);
  expect(direct?.status()).toBe(404);
  await expect(outsider.getByRole("alert")).toContainText("没有找到这个测验，或它不面向您");
  expect(db().prepare("SELECT COUNT(*) AS n FROM QuizAttempt WHERE quizId = ?").get(quizId)).toEqual({ n: 1 });
});
