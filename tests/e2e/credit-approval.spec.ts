import { expect, signInAs, test } from "./support/fixtures";
import { uniqueSuffix } from "./support/quiz-seed";

// Nobody credits 学时 to themselves (decision 028): the trainer who gives a quiz its hours is told that
// their own attempt will not count until another manager approves; the committee's admin opens the
// quiz and approves the settings, and the page says who did.

test("a trainer's credit settings are approved by another manager of the unit", async ({ page, newContext }) => {
  const title = `学时审核-${test.info().project.name}-${uniqueSuffix()}`;
  await signInAs(page, "trainer", "钱教员");
  await page.goto("/manage/quizzes");
  await page.getByLabel("测试名称").fill(title);
  const unit = page.getByLabel("所属党组织");
  await unit.selectOption(
    (await unit
      .locator("option")
      .filter({ hasText: /^\s*示范大学党委$/ })
      .getAttribute("value"))!,
  );
  await page.getByRole("button", { name: "新建测试" }).click();
  await expect(page).toHaveURL(/\/manage\/quizzes\/\d+$/);
  const quizUrl = new URL(page.url()).pathname;

  const settings = page.getByRole("region", { name: "基本设置" });
  await settings.getByLabel("及格后计学时（留空为不计）").fill("1.5");
  await settings.getByRole("button", { name: "保存设置" }).click();
  await expect(page.getByRole("status")).toHaveText("设置已保存");
  const own = page.getByTestId("credit-approval");
  await expect(own).toContainText("及格线和学时设置人：钱教员；待其他管理员审核");
  await expect(own).toContainText("您本人参加本测试照常评分，但不记入学时");
  await expect(own.getByRole("button", { name: "审核通过学时设置" })).toHaveCount(0);

  const office = await (await newContext()).newPage();
  await signInAs(office, "admin", "赵组织");
  await office.goto(quizUrl);
  await office.getByTestId("credit-approval").getByRole("button", { name: "审核通过学时设置" }).click();
  await expect(office.getByRole("status")).toHaveText("学时设置已审核通过");
  await expect(office.getByTestId("credit-approval")).toContainText("已由 赵组织 审核");

  await page.reload();
  await expect(page.getByTestId("credit-approval")).toContainText("已由 赵组织 审核");
  await expect(page.getByTestId("credit-approval")).not.toContainText("不记入学时");
});
