import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, signInAs, test } from "./support/fixtures";

// The learner-facing pages of issue 12 (sign-in, activation, privacy notice, a person's own data)
// checked with axe-core on the phone: no serious or critical WCAG 2 A/AA violation.

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
}

test("the sign-in, activation and privacy pages have no serious accessibility violations on a phone", async ({ page, consoleErrors }) => {
  // The refused code comes back as a 400, which the browser notes in its console.
  consoleErrors.allow(/status of 400/);
  await page.goto("/login");
  await expect(page.getByRole("link", { name: "首次登录？激活账号" })).toBeVisible();
  expect(await seriousViolations(page), "/login").toEqual([]);

  await page.goto("/activate");
  await expect(page.getByRole("heading", { name: "激活账号" })).toBeVisible();
  expect(await seriousViolations(page), "/activate").toEqual([]);

  // A code that was never issued: the form says so and keeps its fields.
  await page.goto("/activate/ABCD-EFGH-JKLM");
  await page.getByLabel("学号/工号").fill("20990001");
  await page.getByLabel(/^设置密码/).fill("MyOwnPass2026");
  await page.getByLabel("确认密码").fill("MyOwnPass2026");
  await page.getByRole("button", { name: "激活并登录" }).click();
  await expect(page.getByRole("alert").first()).toBeVisible();
  expect(await seriousViolations(page), "/activate refused").toEqual([]);

  await page.goto("/privacy");
  await expect(page.getByRole("heading", { name: "隐私说明", level: 1 })).toBeVisible();
  expect(await seriousViolations(page), "/privacy").toEqual([]);
});

test("a member's account and personal-data pages have no serious accessibility violations on a phone", async ({ page }) => {
  await signInAs(page, "member", "周党员");
  await page.goto("/account");
  await expect(page.getByRole("link", { name: "查看和下载我的个人信息" })).toBeVisible();
  expect(await seriousViolations(page), "/account").toEqual([]);

  await page.goto("/account/data");
  await expect(page.getByRole("heading", { name: "我的个人信息" })).toBeVisible();
  expect(await seriousViolations(page), "/account/data").toEqual([]);
});
