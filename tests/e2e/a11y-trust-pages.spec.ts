import { axeViolations } from "./support/axe";
import { expect, signInAs, test } from "./support/fixtures";

// The pages of issue 12 a person reads on their phone (sign-in, activation, privacy notice, their own
// data) and the printed activation sheet, checked with axe-core: no serious or critical WCAG 2 A/AA
// violation, and none of axe's best practices broken. The sign-in page with campus SSO is checked in
// sso.spec.ts, the only run with SSO configured.

test("the sign-in, activation and privacy pages have no accessibility violations on a phone", async ({ page, consoleErrors }) => {
  // The refused code comes back as a 400, which the browser notes in its console.
  consoleErrors.allow(/status of 400/);
  await page.goto("/login");
  await expect(page.getByRole("link", { name: "首次登录？激活账号" })).toBeVisible();
  expect(await axeViolations(page), "/login").toEqual([]);

  await page.goto("/activate");
  await expect(page.getByRole("heading", { name: "激活账号" })).toBeVisible();
  expect(await axeViolations(page), "/activate").toEqual([]);

  // A code that was never issued: the form says so and keeps its fields.
  await page.goto("/activate/ABCD-EFGH-JKLM");
  await page.getByLabel("学号/工号").fill("20990001");
  await page.getByLabel(/^设置密码/).fill("MyOwnPass2026");
  await page.getByLabel("确认密码").fill("MyOwnPass2026");
  await page.getByRole("button", { name: "激活并登录" }).click();
  await expect(page.getByRole("alert").first()).toBeVisible();
  expect(await axeViolations(page), "/activate refused").toEqual([]);

  await page.goto("/privacy");
  await expect(page.getByRole("heading", { name: "隐私说明", level: 1 })).toBeVisible();
  expect(await axeViolations(page), "/privacy").toEqual([]);
});

test("a member's account and personal-data pages have no accessibility violations on a phone", async ({ page }) => {
  await signInAs(page, "member", "周党员");
  await page.goto("/account");
  await expect(page.getByRole("link", { name: "查看和下载我的个人信息" })).toBeVisible();
  expect(await axeViolations(page), "/account").toEqual([]);

  await page.goto("/account/data");
  await expect(page.getByRole("heading", { name: "我的个人信息" })).toBeVisible();
  expect(await axeViolations(page), "/account/data").toEqual([]);
  // The wide table scrolls sideways by keyboard too.
  await expect(page.getByRole("region", { name: /^基本信息/ })).toHaveAttribute("tabindex", "0");
});

test("the printed activation sheet names itself with a level-one heading", async ({ page }) => {
  // The demo university's smallest branch (15 people): a sheet of 700 slips, each with its QR code,
  // takes most of a test's time to make and draw, and what is checked here is the sheet's heading.
  await signInAs(page, "admin", "赵组织");
  await page.goto("/manage/people/activation");
  const unit = page.getByLabel("党组织");
  await unit.selectOption(
    (await unit
      .locator("option")
      .filter({ hasText: /^\s*国际教育学院教职工党支部$/ })
      .getAttribute("value"))!,
  );
  await page.getByRole("button", { name: "查看" }).click();
  await page.getByRole("button", { name: "生成并打印通知单" }).click();
  await expect(page.getByTestId("activation-slip").first()).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "激活通知单" })).toHaveCount(1);
});
