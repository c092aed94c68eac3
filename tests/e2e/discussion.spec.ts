import { axeViolations } from "./support/axe";
import { seedCourse } from "./support/course-seed";
import { expect, signInAs, test } from "./support/fixtures";
import { uniqueSuffix } from "./support/quiz-seed";

// Discussion (issue 18, decision 049): on her phone a member finds 大家谈 from the home page, posts in
// her college's topic (Markdown shown formatted, a script shown as text and never run) and opens a
// lesson's discussion from the lesson; at a desk her college's secretary approves a post the word
// list held and hides hers with a reason, which she then reads on her phone.

test("a member posts from her phone; the secretary approves a held post and hides hers with a reason", async ({ page, newContext }) => {
  const marker = `实验室安全-${uniqueSuffix()}`;
  await signInAs(page, "member", "周党员");
  await page.getByRole("link", { name: /大家谈/ }).click();
  await page.getByRole("link", { name: /如何在科研和学习中发挥党员先锋模范作用/ }).click();
  await page.getByLabel("内容", { exact: true }).fill(`**${marker}** 要常抓不懈\n\n<script>window.__pwned = 1</script>`);
  await page.getByRole("button", { name: "发表" }).click();
  await expect(page.getByRole("status").first()).toHaveText("已发表");
  const mine = page.locator("article").filter({ hasText: marker });
  await expect(mine.locator("strong", { hasText: marker })).toBeVisible();
  await expect(mine).toContainText("<script>window.__pwned = 1</script>");
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await axeViolations(page), "thread").toEqual([]);
  // Phone first: nothing is wider than the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // Every post's like button posts through the page's one like form; replying opens a form under that post only.
  const lab = page.locator("article").filter({ hasText: "实验室里党员主动承担值日" });
  await lab.getByRole("button", { name: /^赞/ }).click();
  await expect(lab.getByRole("status")).toHaveText("已点赞");
  await expect(lab.getByRole("button", { name: /^已赞/ })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByLabel("回复内容")).toHaveCount(0);
  await lab.getByRole("link", { name: "回复", exact: true }).click();
  await expect(page.getByLabel("回复内容")).toHaveCount(1);
  const answer = `同意-${uniqueSuffix()}`;
  await lab.getByLabel("回复内容").fill(answer);
  await lab.getByLabel("引用这条").check();
  await lab.getByRole("button", { name: "回复", exact: true }).click();
  await expect(lab.getByRole("status")).toHaveText("已回复");
  await expect(page.locator("article").filter({ hasText: answer })).toContainText("引用 ");

  const desk = await newContext({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  const mod = await desk.newPage();
  await signInAs(mod, "secretary", "孙书记");
  await mod.goto("/manage");
  await mod.getByRole("link", { name: "讨论审核" }).click();
  // Checked once the queue is on screen, not the page the click left.
  await expect(mod.getByRole("heading", { level: 1 })).toHaveText("讨论审核");
  expect(await axeViolations(mod), "moderation queue").toEqual([]);
  const held = mod.getByRole("row").filter({ hasText: "刷学时" });
  await expect(held).toContainText("命中：刷学时");
  await held.getByRole("button", { name: "通过" }).click();
  await expect(mod.getByRole("status")).toHaveText("已审核通过");
  await expect(mod.getByRole("row").filter({ hasText: "刷学时" })).toHaveCount(0);

  await mod.goto("/discuss");
  await mod.getByRole("link", { name: /如何在科研和学习中发挥党员先锋模范作用/ }).click();
  const target = mod.locator("article").filter({ hasText: marker });
  await target.locator("summary", { hasText: "隐藏" }).click();
  await target.getByLabel("隐藏原因").fill("请围绕话题发言");
  await target.getByRole("button", { name: "隐藏" }).click();
  await expect(mod.locator("article").filter({ hasText: marker }).getByRole("status")).toHaveText("已隐藏");

  await page.reload();
  await expect(page.locator("article").filter({ hasText: marker })).toContainText("隐藏原因：请围绕话题发言");
  await expect(page.getByText("听说有人在群里帮别人刷学时")).toBeVisible();
});

test("a lesson links to its discussion", async ({ page }) => {
  const course = seedCourse({
    titlePrefix: "讨论课",
    lessons: [{ key: "intro", title: "党的性质", credit: 25, minutes: 1, tree: [{ t: "p", c: ["党的性质。"] }] }],
  });
  await signInAs(page, "activist", "王积极");
  await page.goto(course.lessons.intro.url);
  await page.getByRole("link", { name: "课时讨论 →" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("党的性质");
  await expect(page.getByText("课时讨论")).toBeVisible();
  await page.getByLabel("内容", { exact: true }).fill("第一次在课时下发言");
  await page.getByRole("button", { name: "发表" }).click();
  await expect(page.locator("article").filter({ hasText: "第一次在课时下发言" })).toBeVisible();
  await page.getByRole("link", { name: "返回课时" }).click();
  await expect(page).toHaveURL(course.lessons.intro.url);
});
