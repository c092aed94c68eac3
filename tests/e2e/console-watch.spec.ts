import { expect, test } from "./support/fixtures";

// The shared fixture fails a test on errors in the page's console. This checks that it really sees
// them: an inline script without the page's nonce is refused by the Content-Security-Policy, and the
// browser reports the refusal in the console.
test("the console watch sees a Content-Security-Policy violation", async ({ page, consoleErrors }) => {
  consoleErrors.allow(/Content Security Policy/);
  await page.goto("/login");
  await page.evaluate(() => {
    const s = document.createElement("script");
    s.textContent = "window.__ran = true";
    document.body.append(s);
  });
  await expect.poll(() => consoleErrors.seen.join("\n")).toContain("Content Security Policy");
  expect(await page.evaluate(() => (window as unknown as { __ran?: boolean }).__ran)).toBeUndefined();
});
