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
  const ticks = comparison.getByTestId("comparison-ticks").locator("span");
  const rows = comparison.getByTestId("comparison-row");
  const barWidths = () => comparison.getByTestId("comparison-bar").evaluateAll((bars) => bars.map((b) => b.getBoundingClientRect().width));

  // The chart is drawn by the server, every branch on its own row with its value (in the order of the measure, decision 065).
  const branch = (name: string) => rows.filter({ has: page.getByTestId("comparison-name").filter({ hasText: name }) }).first();
  await expect(branch("本科生第一党支部")).toBeVisible();
  await expect(branch("教职工第一党支部")).toBeVisible();
  await expect(measure("完成率")).toHaveAttribute("aria-pressed", "true");
  await expect(ticks.last()).toHaveText("100%");
  // Nobody has met the requirement yet: every completion bar is empty and says 0.0%.
  expect((await barWidths()).every((w) => w === 0)).toBe(true);
  await expect(branch("教职工第一党支部").getByTestId("comparison-value")).toHaveText("0.0%");

  await measure("参学率").click();
  await expect(measure("参学率")).toHaveAttribute("aria-pressed", "true");
  await expect(measure("完成率")).toHaveAttribute("aria-pressed", "false");
  // 周党员's branch has taken part: its bar now has a length and the first place.
  await expect.poll(async () => (await barWidths()).filter((w) => w > 0).length).toBeGreaterThan(0);
  await expect(rows.first().getByTestId("comparison-name")).toContainText("教职工第一党支部");

  await measure("人均学时").click();
  await expect(ticks.first()).toHaveText("0");
  expect((await ticks.allTextContents()).some((t) => t.includes("%"))).toBe(false);

  // Nothing makes the page scroll sideways: wide tables scroll inside their own box.
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "导出 Excel" }).click()]);
  expect(download.suggestedFilename()).toBe("计算机学院党委-2026年学时统计.xlsx");
});
