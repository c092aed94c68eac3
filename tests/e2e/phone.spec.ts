import { expect, signInAs, test } from "./support/fixtures";

// Learners use their phones. Tagged @phone: only the mobile project runs these.

async function horizontalOverflow(page: import("@playwright/test").Page) {
  return page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
}

test.describe("on a phone @phone", () => {
  test("the login page fits the screen with no horizontal scroll", async ({ page }) => {
    await page.goto("/login");
    await expect(page.getByRole("button", { name: "登录" })).toBeVisible();
    const { scrollWidth, innerWidth } = await horizontalOverflow(page);
    expect(innerWidth).toBe(390);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    // The form can be filled in by touch.
    await page.getByLabel("学号/工号").tap();
    await expect(page.getByLabel("学号/工号")).toBeFocused();
  });

  test("a learner's home page fits the screen with no horizontal scroll", async ({ page }) => {
    await signInAs(page, "activist", "王积极");
    const { scrollWidth, innerWidth } = await horizontalOverflow(page);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  });
});
