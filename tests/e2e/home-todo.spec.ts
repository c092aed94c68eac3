import { DEMO_USERS, expect, signInAs, test } from "./support/fixtures";

// The home page as a to-do list for every demo account, on a 390 px phone: a heading, the list first
// (at least one item each), and no horizontal scroll; the calendar's feed URL made, fetched, and
// revoked by 重新生成. The items each account sees are written to the report's annotations and the output.

test.describe("the home page's to-do list @phone", () => {
  for (const user of DEMO_USERS) {
    test(`${user.username} sees a to-do list first`, async ({ page }) => {
      await signInAs(page, user.username, user.name);
      await expect(page.getByRole("heading", { level: 1, name: `您好，${user.name}` })).toBeVisible();
      await expect(page.getByRole("heading", { name: "我的待办" })).toBeVisible();
      const items = page.getByTestId("todo-item");
      await expect(items.first()).toBeVisible();
      const texts = (await items.allInnerTexts()).map((t) => t.replace(/\s+/g, " "));
      const duties = (await page.getByTestId("duty").allInnerTexts()).map((t) => t.replace(/\s+/g, " "));
      const seen = `${user.username}: ${texts.join(" | ")}${duties.length ? ` || 待我处理: ${duties.join(" | ")}` : ""}`;
      test.info().annotations.push({ type: "todo", description: seen });
      console.info(seen);
      if (user.manages && user.username !== "trainer") await expect(page.getByRole("heading", { name: "待我处理" })).toBeVisible();
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
      expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    });
  }

  test("the calendar makes a feed URL, and 重新生成 revokes the old one", async ({ page }) => {
    await signInAs(page, "member", "周党员");
    await page.goto("/calendar");
    await expect(page.getByRole("heading", { level: 1, name: "我的日程" })).toBeVisible();
    await page.getByRole("button", { name: /生成订阅链接|重新生成/ }).click();
    const first = await page.getByLabel("日历订阅链接").inputValue();
    expect(first).toMatch(/\/calendar\/feed\/[A-Za-z0-9_-]{32}\.ics$/);
    const feed = await page.request.get(first);
    expect(feed.status()).toBe(200);
    expect(feed.headers()["content-type"]).toContain("text/calendar");
    expect(await feed.text()).toContain("BEGIN:VEVENT");
    await page.getByRole("button", { name: "重新生成" }).click();
    await expect(page.getByLabel("日历订阅链接")).not.toHaveValue(first);
    expect((await page.request.get(first)).status()).toBe(404);
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  });
});
