import { type Request } from "@playwright/test";
import { expect, signInAs, test } from "./support/fixtures";
import { uniqueSuffix } from "./support/quiz-seed";

// The lesson editor's live preview while the server is slow to answer: text typed while a preview
// is on its way waits for it rather than cutting it off (an abort that lands while Remix decodes the
// answer is logged as an error in the page: stop 29's CI), and the preview ends on the last text.

test("typing while a slow preview is on its way cuts no request off, and the preview shows the last text @desktop", async ({ page }) => {
  const marker = uniqueSuffix();
  await signInAs(page, "trainer", "钱教员");
  await page.goto("/manage/courses");
  await page.getByLabel("课程名称").fill(`预览-${marker}`);
  await page.getByLabel("课程编号").fill(`yulan-${marker}`);
  await page.getByLabel("课程分类").selectOption("党课");
  const unit = page.getByLabel("所属党组织");
  await unit.selectOption((await unit.locator("option", { hasText: "示范大学党委" }).first().getAttribute("value"))!);
  await page.getByRole("button", { name: "新建课程" }).click();
  await expect(page).toHaveURL(/\/manage\/courses\/\d+$/);

  // Every preview is held for 1.5 s on its way, as a busy compile queue would hold it. One the page
  // gives up on while it is held was cut off (a request failing once answered is only its reader
  // letting go of a body already read).
  const previews: string[] = [];
  const held = new Set<Request>();
  const cutOff: string[] = [];
  await page.route(/\/lessons\/[^/]+\.data$/, async (route) => {
    const request = route.request();
    if (request.method() !== "POST" || !request.postData()?.includes("preview")) return route.continue();
    previews.push(new URLSearchParams(request.postData() ?? "").get("body") ?? "");
    held.add(request);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    held.delete(request);
    await route.continue().catch(() => {});
  });
  page.on("requestfailed", (request) => {
    if (held.has(request)) cutOff.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
  });

  await page.getByRole("link", { name: /01 第一课/ }).click();
  const body = page.getByLabel(/^正文/);
  await expect(page.getByRole("heading", { name: /预览/ })).toContainText("正在生成");
  // Four edits, each after the 600 ms pause that sends a preview, all while the first is held.
  for (const n of [1, 2, 3, 4]) {
    await body.fill(`## 学习要点\n\n第 ${n} 稿。${marker}`);
    await page.waitForTimeout(700);
  }
  await expect(page.getByTestId("preview")).toContainText(`第 4 稿。${marker}`, { timeout: 20_000 });
  await expect(page.getByRole("heading", { name: /预览/ })).not.toContainText("正在生成");
  expect(cutOff).toEqual([]);
  // The page's first preview, then at most one per edit; the last one sent carries the last text.
  expect(previews.length).toBeLessThanOrEqual(5);
  expect(previews.at(-1)).toContain(`第 4 稿`);
});
