import fs from "node:fs";
import { expect, signInAs, test } from "./support/fixtures";

// A person's own data in Chromium (decision 033): the privacy notice from the sign-in page, then
// "我的个人信息" from the account page with its download, and the course search history switched off
// and back on from the catalogue.

test("a member reads the privacy notice, sees and downloads their data, and switches the search history", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("link", { name: "隐私说明" }).click();
  await expect(page.getByRole("heading", { name: "隐私说明", level: 1 })).toBeVisible();
  await expect(page.getByTestId("privacy-item").filter({ hasText: "身份证号" })).toContainText("不保存");

  await signInAs(page, "branchsec", "李支书");
  await page.goto("/account");
  await page.getByRole("link", { name: "查看和下载我的个人信息" }).click();
  await expect(page.getByRole("heading", { name: "我的个人信息" })).toBeVisible();
  await expect(page.getByTestId("data-profile")).toContainText("李支书");
  await page
    .getByTestId("data-grants")
    .getByText(/管理权限/)
    .click();
  await expect(page.getByTestId("data-grants")).toContainText("计算机学院本科生第一党支部");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "下载全部信息（JSON）" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^个人信息-branchsec-\d{4}-\d{2}-\d{2}\.json$/);
  const data = JSON.parse(fs.readFileSync((await download.path())!, "utf8")) as { person: { name: string }; sections: { id: string }[] };
  expect(data.person.name).toBe("李支书");
  expect(data.sections.map((s) => s.id)).toContain("audit");

  await page.goto("/courses");
  await page.getByText("搜索记录", { exact: true }).click();
  await page.getByRole("button", { name: "关闭搜索记录" }).click();
  await expect(page.getByRole("status")).toContainText("已关闭搜索记录");
  await expect(page.getByTestId("search-history")).toContainText("搜索记录已关闭");
  await page.getByRole("button", { name: "开启搜索记录" }).click();
  await expect(page.getByTestId("search-history")).toContainText("搜索记录已开启");
});
