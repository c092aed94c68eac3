import { axeViolations } from "./support/axe";
import { expect, signInAs, test } from "./support/fixtures";

// The one search box (issue 18 item 5) on a phone, in the demo university: the header's box leads to
// /search, where the activist finds her own training course by a word of its summary and not the
// course meant for development targets (decision 050, amended). The demo seed writes courses straight
// to the database; the server's start indexed them.

test.describe("search from the header @phone", () => {
  test("finds the courses she may open, and only those", async ({ page }) => {
    await signInAs(page, "activist", "王积极");
    const box = page.getByRole("searchbox", { name: "全站搜索" });
    await box.fill("培训班");
    await box.press("Enter");
    await expect(page).toHaveURL(/\/search\?q=/);
    const results = page.getByRole("main").getByRole("listitem");
    await expect(page.getByRole("link", { name: "入党积极分子培训班" })).toBeVisible();
    await expect(page.getByRole("link", { name: "发展对象培训班" })).toHaveCount(0);
    await expect(results.filter({ hasText: "发展对象培训班" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: /^课程 \d+$/ })).toBeVisible();
    expect(await axeViolations(page), "/search").toEqual([]);
  });
});
