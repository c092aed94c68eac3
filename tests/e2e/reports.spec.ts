import { expect, signInAs, test } from "./support/fixtures";

// 学时统计 on a college secretary's phone: the page fits the screen, the organisation comparison chart
// switches between its three measures, and the Excel export downloads. The demo seed credits 12 学时
// in 2026 to 周党员 (计算机学院教职工第一党支部) and nobody else in the college, so no branch has
// met its requirement, while her branch has taken part.

test("a secretary compares the branches on a phone and downloads the sheet", async ({ page }) => {
  await signInAs(page, "secretary", "孙书记");
  await page.goto("/manage/reports?year=2026");
  await expect(page.getByRole("heading", { name: "计算机学院党委 · 2026 年" })).toBeVisible();

  const comparison = page.locator("section").filter({ has: page.getByRole("heading", { name: "党组织对比图" }) });
  const measure = (name: string) => comparison.getByRole("button", { name, exact: true });
  const ticks = comparison.locator(".recharts-xAxis-tick-labels text");
  const barWidths = () =>
    comparison.locator(".recharts-bar-rectangle path.recharts-rectangle").evaluateAll((paths) => paths.map((p) => p.getBoundingClientRect().width));

  // The chart draws after hydration, with every branch on its own row (in the order of the measure, decision 065).
  const branchTick = (name: string) => comparison.locator(".recharts-yAxis-tick-labels text").filter({ hasText: name }).first();
  await expect(branchTick("本科生第一党支部")).toBeVisible();
  await expect(branchTick("教职工第一党支部")).toBeVisible();
  await expect(measure("完成率")).toHaveAttribute("aria-pressed", "true");
  await expect(ticks.last()).toHaveText("100%");

  await measure("参学率").click();
  await expect(measure("参学率")).toHaveAttribute("aria-pressed", "true");
  await expect(measure("完成率")).toHaveAttribute("aria-pressed", "false");
  await expect.poll(async () => (await barWidths()).filter((w) => w > 0).length).toBeGreaterThan(0);

  await measure("人均学时").click();
  await expect(ticks.first()).toHaveText("0");
  expect((await ticks.allTextContents()).some((t) => t.includes("%"))).toBe(false);

  // Nothing makes the page scroll sideways: wide tables scroll inside their own box.
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "导出 Excel" }).click()]);
  expect(download.suggestedFilename()).toBe("计算机学院党委-2026年学时统计.xlsx");
});
