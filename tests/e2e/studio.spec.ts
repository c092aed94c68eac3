import { type Locator } from "@playwright/test";
import { expect, signInAs, test } from "./support/fixtures";
import { uniqueSuffix } from "./support/quiz-seed";

// A trainer writes a course in the browser and publishes it as required for the 入党积极分子 of one
// branch, visible to nobody else: the lesson's MDX is previewed by the server as it is typed (a
// <script> is named with its line), the first publish is refused until the course has a summary, and
// the published lesson reaches 王积极 of 计算机学院本科生第一党支部 but not 周党员 of another branch.

const BRANCH = "计算机学院本科生第一党支部";

async function choose(select: Locator, text: string) {
  const option = select.locator("option").filter({ hasText: new RegExp(`^\\s*${text}$`) });
  await expect(option).toHaveCount(1);
  await select.selectOption((await option.getAttribute("value"))!);
}

test("a trainer writes, previews and publishes a required lesson; the assigned branch sees it, another does not @desktop", async ({
  page,
  db,
  newContext,
  consoleErrors,
}) => {
  // The outsider's direct visit is a 404 and the refused first publish a 400: the browser notes both.
  consoleErrors.allow(/status of 404/);
  consoleErrors.allow(/status of 400/);
  const marker = uniqueSuffix();
  const title = `微党课-${test.info().project.name}-${marker}`;
  const slug = `weidangke-${test.info().project.name}-${marker}`;

  await signInAs(page, "trainer", "钱教员");
  await page.goto("/manage/courses");
  await page.getByLabel("课程名称").fill(title);
  await page.getByLabel("课程编号").fill(slug);
  await page.getByLabel("课程分类").selectOption("党课");
  await choose(page.getByLabel("所属党组织"), "示范大学党委");
  await page.getByRole("button", { name: "新建课程" }).click();
  await expect(page).toHaveURL(/\/manage\/courses\/\d+$/);
  const courseUrl = new URL(page.url()).pathname;
  await expect(page.getByTestId("course-status")).toContainText("未发布");

  // The lesson: the preview follows the text, and names what is refused.
  await page.getByRole("link", { name: /01 第一课/ }).click();
  const body = page.getByLabel(/^正文/);
  await body.fill("## 学习要点\n\n第一段\n\n<script>alert(1)</script>");
  await expect(page.getByTestId("preview-problems")).toContainText("第 5 行：不支持的标签 <script>");
  await body.fill(`## 学习要点\n\n党的宗旨是全心全意为人民服务。${marker}\n\n<Callout type="tip">联系自身实际思考。</Callout>`);
  await expect(page.getByTestId("preview")).toContainText(`党的宗旨是全心全意为人民服务。${marker}`);
  await expect(page.getByTestId("preview").getByText("联系自身实际思考。")).toBeVisible();
  await expect(page.getByTestId("preview-problems")).toHaveCount(0);
  await page.getByLabel("标题").fill("第一课 党的宗旨");
  await page.getByRole("button", { name: "保存草稿" }).click();
  await expect(page.getByRole("status")).toContainText("已保存为草稿");

  // Publishing names what is missing, and publishes nothing.
  await page.goto(courseUrl);
  await page.getByRole("button", { name: "发布", exact: true }).click();
  await expect(page.getByTestId("publish-problems")).toContainText("课程设置：summary：请填写课程简介");

  // Settings: a summary, visible only to those it is required of.
  const settings = page.getByRole("region", { name: "课程设置" });
  await settings.getByLabel("简介").fill("一节关于党的宗旨的微党课");
  await settings.getByLabel("仅限下方“必修布置”的人员可见").check();
  await settings.getByRole("button", { name: "保存草稿" }).click();
  await expect(page.getByRole("status")).toContainText("已保存为草稿");

  // Required for the activists of one branch, by a date.
  const assign = page.getByRole("region", { name: "必修布置（规定动作）" });
  await choose(assign.getByLabel("党组织"), BRANCH);
  await assign.getByLabel("政治面貌").selectOption({ label: "入党积极分子" });
  await assign.getByLabel("完成期限").fill("2027-06-30");
  await assign.getByRole("button", { name: "布置为必修" }).click();
  await expect(page.getByRole("status")).toHaveText("已布置为必修课程");
  await expect(assign.getByTestId("assignments")).toContainText(`${BRANCH} · 入党积极分子 · 2027-06-30 前完成`);

  await page.getByRole("button", { name: "发布", exact: true }).click();
  await expect(page.getByRole("status")).toHaveText("已发布第 1 版，学员现在看到的是这一版");
  await expect(page.getByTestId("revisions")).toContainText("第 1 版 · 发布");
  expect(db().prepare("SELECT status, revision, audienceStatuses FROM Course WHERE slug = ?").get(slug)).toEqual({
    status: "published",
    revision: 1,
    audienceStatuses: "[]",
  });

  // The activist of that branch finds it first, required, with its date, and reads the lesson.
  const learner = await (await newContext()).newPage();
  await signInAs(learner, "activist", "王积极");
  await learner.goto("/courses");
  const required = learner.getByRole("region", { name: "必修课程（规定动作）" });
  await expect(required.getByTestId("course-card").filter({ hasText: title })).toContainText("必修 · 2027-06-30 前完成");
  await required.getByRole("link", { name: title }).click();
  await learner.getByRole("link", { name: "第一课 党的宗旨" }).first().click();
  await expect(learner.getByRole("heading", { name: "第一课 党的宗旨" })).toBeVisible();
  await expect(learner.getByText(`党的宗旨是全心全意为人民服务。${marker}`)).toBeVisible();

  // A member of another branch sees nothing of it, not even by its address.
  const outsider = await (await newContext()).newPage();
  await signInAs(outsider, "member", "周党员");
  await outsider.goto("/courses");
  await expect(outsider.getByRole("heading", { name: "学习" })).toBeVisible();
  await expect(outsider.getByRole("link", { name: title })).toHaveCount(0);
  const direct = await outsider.goto(`/courses/${slug}`);
  expect(direct?.status()).toBe(404);
});
