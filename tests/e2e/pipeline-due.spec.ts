import fs from "node:fs";
import { readSheet } from "read-excel-file/node";
import { expect, signInAs, test } from "./support/fixtures";

// The 组织部 at a desk (issue 14): opens the whole school's due list, narrows it to one college, sees an
// overdue step with the rule it comes from, and downloads the college's workbook, which opens as a
// spreadsheet holding the same college's rows.

const COLLEGE = "计算机学院党委";

test("the 组织部 narrows the due list to a college and downloads its workbook @desktop", async ({ page }) => {
  await signInAs(page, "admin", "赵组织");
  await page.goto("/manage/pipeline");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("发展党员待办");

  await page.getByRole("combobox", { name: "院系" }).selectOption({ label: COLLEGE });
  await page.getByRole("button", { name: "查看" }).click();
  await expect(page).toHaveURL(/\/manage\/pipeline\?unitId=\d+$/);
  const intro = page.getByText(`${COLLEGE} · 截至`);
  await expect(intro).toBeVisible();
  const today = (await intro.textContent())!.match(/截至 (\d{4}-\d{2}-\d{2})/)![1];

  // Every row is the college's; an overdue one says which rule it comes from.
  const rows = page.getByTestId("due-rows").locator("li");
  await expect(rows.first()).toBeVisible();
  await expect(rows.filter({ hasNotText: `${COLLEGE} · ` })).toHaveCount(0);
  const overdue = rows.filter({ hasText: "已逾期" }).first();
  await expect(overdue).toBeVisible();
  await expect(overdue.locator("p").last()).toHaveText(/(《细则》|《中国共产党章程》)第.+条|本校规定/);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "导出 Excel" }).click()]);
  expect(download.suggestedFilename()).toBe(`发展党员待办-${COLLEGE}-${today}.xlsx`);
  const bytes = fs.readFileSync(await download.path());
  const sheet = await readSheet(bytes);
  expect(sheet[0]).toEqual(["院系", "党支部", "姓名", "学号/工号", "步骤", "状态", "期限", "依据"]);
  const body = sheet.slice(1);
  expect(body.length).toBeGreaterThan(0);
  expect(new Set(body.map((r) => r[0]))).toEqual(new Set([COLLEGE]));
  expect(body.some((r) => r[5] === "已逾期")).toBe(true);
});
