import { type Page } from "@playwright/test";
import { axeViolations } from "./support/axe";
import { expect, signInAs, test } from "./support/fixtures";
import { uniqueSuffix } from "./support/quiz-seed";

// Publishing review (decision 052), from a desk: the college secretary requires review for one of her
// branches and posts a notice there; it waits; the school's administrator returns it with a reason,
// the secretary edits and resubmits it, the administrator approves it. The branch is set back to
// follow its college at the end, so the demo's other pages publish as before.

const BRANCH = "计算机学院研究生党支部";

async function chooseUnit(page: Page, label: string, name: string) {
  const select = page.getByLabel(label);
  const value = await select.locator("option", { hasText: name }).first().getAttribute("value");
  await select.selectOption(value!);
}

test("a notice waits for a second person's approval, is returned with a reason, and goes out once approved @desktop", async ({ newContext }) => {
  const title = `研究生党支部组织生活会通知-${uniqueSuffix()}`;
  const desk = { viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 };
  const author = await (await newContext(desk)).newPage();
  const reviewer = await (await newContext(desk)).newPage();
  await signInAs(author, "secretary", "孙书记");
  await signInAs(reviewer, "admin", "赵组织");

  await author.goto("/manage/review");
  await chooseUnit(author, "党组织", BRANCH);
  await author.getByLabel("审核要求").selectOption("required");
  await author.getByRole("button", { name: "保存设置" }).click();
  await expect(author.getByRole("status")).toHaveText("审核设置已保存");
  await expect(author.getByText(`${BRANCH}：需要审核`)).toBeVisible();
  try {
    await author.goto("/manage/notices");
    await chooseUnit(author, "发布范围", BRANCH);
    await author.getByLabel("标题").fill(title);
    await author.getByLabel("正文").fill("时间：周三下午");
    await author.getByRole("button", { name: "发布", exact: true }).click();
    await expect(author.getByRole("status")).toContainText("已提交审核");
    await author.goto("/manage/review");
    const mine = author.getByRole("region", { name: "我提交的" }).getByRole("listitem").filter({ hasText: title });
    await expect(mine).toContainText("待审核");
    // Her own item is not among those waiting for her.
    await expect(author.getByRole("region", { name: "待我审核" })).not.toContainText(title);

    await reviewer.goto("/manage/review");
    await reviewer.getByRole("region", { name: "待我审核" }).getByRole("link", { name: title }).click();
    await expect(reviewer.getByRole("region", { name: "待发布内容" })).toContainText("时间：周三下午");
    expect(await axeViolations(reviewer), "an item under review").toEqual([]);
    await reviewer.getByRole("button", { name: "退回修改" }).click();
    await expect(reviewer.getByText("请填写退回理由")).toBeVisible();
    await reviewer.getByLabel("退回理由").fill("请写明地点");
    await reviewer.getByRole("button", { name: "退回修改" }).click();
    await expect(reviewer.getByRole("status")).toHaveText("已退回，作者可修改后重新提交");

    await author.reload();
    await expect(mine).toContainText("已退回");
    await expect(mine).toContainText("退回理由：请写明地点");
    expect(await axeViolations(author), "the review list").toEqual([]);
    await mine.getByRole("link", { name: title }).click();
    await author.getByLabel("正文").fill("时间：周三下午\n地点：图书馆报告厅");
    await author.getByRole("button", { name: "重新提交审核" }).click();
    await expect(author.getByRole("status")).toHaveText("已重新提交审核");
    await expect(author.getByRole("heading", { level: 1 })).toContainText("待审核");

    await reviewer.reload();
    await expect(reviewer.getByRole("note")).toContainText("上次退回理由：请写明地点");
    await reviewer.getByRole("button", { name: "审核通过并发布" }).click();
    await expect(reviewer.getByRole("status")).toHaveText("已审核通过，内容已发布");
    await expect(reviewer.getByRole("heading", { level: 1 })).toContainText("已通过");

    await author.goto("/manage/notices");
    await expect(author.getByRole("listitem").filter({ hasText: title })).toBeVisible();
  } finally {
    await author.goto("/manage/review");
    await chooseUnit(author, "党组织", BRANCH);
    await author.getByLabel("审核要求").selectOption("inherit");
    await author.getByRole("button", { name: "保存设置" }).click();
    await expect(author.getByRole("status")).toHaveText("审核设置已保存");
  }
});

// Decision 053, from a desk: a branch no other spec publishes to requires review; a trainer's 发布 of
// a new course there is submitted, not published; the administrator reads the course and its lesson on
// the review page and approves it, and the studio shows the first revision. The branch is set back to
// follow its parent at the end.
test("a course revision waits for review and is published by the reviewer's approval @desktop", async ({ newContext, db }) => {
  const marker = uniqueSuffix();
  const title = `审核中的微党课-${marker}`;
  const desk = { viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 };
  const trainer = await (await newContext(desk)).newPage();
  const reviewer = await (await newContext(desk)).newPage();
  await signInAs(trainer, "trainer", "钱教员");
  await signInAs(reviewer, "admin", "赵组织");
  const UNIT = "党校教研室党支部";

  await reviewer.goto("/manage/review");
  await chooseUnit(reviewer, "党组织", UNIT);
  await reviewer.getByLabel("审核要求").selectOption("required");
  await reviewer.getByRole("button", { name: "保存设置" }).click();
  await expect(reviewer.getByRole("status")).toHaveText("审核设置已保存");
  try {
    await trainer.goto("/manage/courses");
    await trainer.getByLabel("课程名称").fill(title);
    await trainer.getByLabel("课程编号").fill(`shenhe-${marker}`);
    await trainer.getByLabel("课程分类").selectOption("党课");
    await chooseUnit(trainer, "所属党组织", UNIT);
    await trainer.getByRole("button", { name: "新建课程" }).click();
    await expect(trainer).toHaveURL(/\/manage\/courses\/\d+$/);
    const courseUrl = new URL(trainer.url()).pathname;
    const settings = trainer.getByRole("region", { name: "课程设置" });
    await settings.getByLabel("简介").fill("一节须经审核的微党课");
    await settings.getByRole("button", { name: "保存草稿" }).click();
    await expect(trainer.getByRole("status")).toContainText("已保存为草稿");
    await trainer.getByRole("link", { name: /01 第一课/ }).click();
    await trainer.getByLabel(/^正文/).fill(`## 学习要点\n\n审核通过后才能学习。${marker}`);
    await trainer.getByRole("button", { name: "保存草稿" }).click();
    await expect(trainer.getByRole("status")).toContainText("已保存为草稿");

    await trainer.goto(courseUrl);
    await trainer.getByRole("button", { name: "提交发布审核" }).click();
    await expect(trainer.getByRole("status")).toContainText("已提交审核");
    await expect(trainer.getByRole("list", { name: "课程发布审核" })).toContainText("待审核");
    await expect(trainer.getByTestId("course-status")).toContainText("未发布");

    await reviewer.goto("/manage/review");
    await reviewer.getByRole("region", { name: "待我审核" }).getByRole("link", { name: title }).click();
    const comparison = reviewer.getByRole("region", { name: "课程对比" });
    await expect(comparison).toContainText("尚未发布过");
    await expect(comparison).toContainText("新增课时");
    await expect(comparison).toContainText(`审核通过后才能学习。${marker}`);
    expect(await axeViolations(reviewer), "a course revision under review").toEqual([]);
    await reviewer.getByRole("button", { name: "审核通过并发布" }).click();
    await expect(reviewer.getByRole("status")).toHaveText("已审核通过，内容已发布");

    await trainer.reload();
    await expect(trainer.getByTestId("revisions")).toContainText("第 1 版 · 发布");
    await expect(trainer.getByRole("list", { name: "课程发布审核" })).toHaveCount(0);
    expect(db().prepare("SELECT status, revision FROM Course WHERE title = ?").get(title)).toEqual({ status: "published", revision: 1 });
  } finally {
    await reviewer.goto("/manage/review");
    await chooseUnit(reviewer, "党组织", UNIT);
    await reviewer.getByLabel("审核要求").selectOption("inherit");
    await reviewer.getByRole("button", { name: "保存设置" }).click();
    await expect(reviewer.getByRole("status")).toHaveText("审核设置已保存");
  }
});
