import { seedClassToGraduate } from "./support/class-seed";
import { expect, signInAs, test } from "./support/fixtures";

// The end of a class: the college secretary sets the grading rule on the results page and publishes
// the 结业 list; the graduate, on a 390 px phone, issues their 结业证书; whoever is handed the paper
// scans its QR code, signed out, and sees a genuine 结业证书.

test("a secretary grades and publishes a class, and the graduate's 结业证书 checks back @desktop", async ({ page, newContext, consoleErrors }) => {
  // A weight typed wrong is refused in the browser once the page has loaded, by the server (400) before.
  consoleErrors.allow(/status of 400 .*\/manage\/classes\/\d+\/results/);
  const { classId, title } = seedClassToGraduate("secretary", "activist", "member");

  await signInAs(page, "secretary", "孙书记");
  await page.goto(`/manage/classes/${classId}/results`);
  await expect(page.getByRole("heading", { name: `${title}（第` })).toBeVisible();

  // Only the exam counts here: the default rule's 学习 and 心得 weights go.
  await page.getByLabel("学习权重（%）").fill("");
  await page.getByLabel("心得权重（%）").fill("");
  await page.getByLabel("考试权重（%）").fill("90");
  await page.getByRole("button", { name: "保存评分规则" }).click();
  await expect(page.getByText("各部分权重之和须为 100%，现为 90%")).toBeVisible();
  await page.getByLabel("考试权重（%）").fill("100");
  await page.getByLabel("优秀学员分数线（留空则不评优秀）").fill("90");
  await page.getByLabel("优秀比例（合格学员的前 %，留空不限）").fill("");
  await page.getByRole("button", { name: "保存评分规则" }).click();
  await expect(page.getByRole("status")).toHaveText("评分规则已保存");
  await expect(page.getByTestId("rule-text")).toHaveText("考试 100%（考试 ≥ 60）；总分 ≥ 60 合格；优秀学员：总分 ≥ 90");

  const learnerRow = page.getByTestId("results-table").getByRole("row", { name: /王积极/ });
  await expect(learnerRow.getByTestId("total")).toHaveText("92");
  await expect(
    page
      .getByTestId("results-table")
      .getByRole("row", { name: /周党员/ })
      .getByTestId("reasons"),
  ).toHaveText("未参加结业考试");
  await page.getByRole("button", { name: "发布结业名单" }).click();
  await expect(page.getByRole("status")).toHaveText("已发布结业名单：共 2 人，结业 1 人，优秀学员 1 人");
  await expect(learnerRow.getByTestId("outcome")).toHaveText("结业优秀学员");

  // The graduate, on a phone.
  const phone = await (await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  await signInAs(phone, "activist", "王积极");
  await phone.goto(`/classes/${classId}/certificate`);
  await phone.getByRole("button", { name: "开具结业证书" }).click();
  await expect(phone.getByRole("heading", { name: "结业证书" })).toBeVisible();
  await expect(phone.getByTestId("certificate-class")).toHaveText(title);
  await expect(phone.getByTestId("certificate-excellent")).toHaveText("优秀学员");
  await expect(phone.getByTestId("certificate-qr")).toBeVisible();
  // Nothing runs off the side of the phone.
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const target = (await phone.getByTestId("verify-url").textContent())!.trim();

  const reader = await (await newContext()).newPage();
  const genuine = await reader.goto(target);
  expect(genuine?.status()).toBe(200);
  await expect(reader.getByRole("heading", { name: "真实有效" })).toBeVisible();
  await expect(reader.getByTestId("verify-kind")).toHaveText("结业证书");
  await expect(reader.getByTestId("verify-class")).toHaveText(`${title}（第 ${title.match(/\d+/)![0]} 期）`);
  await expect(reader.getByTestId("verify-outcome")).toHaveText("结业，优秀学员");
  await expect(reader.getByTestId("verify-name")).toHaveText("王*极");
});
