import path from "node:path";
import { expect, signInAs, test } from "./support/fixtures";
import { uniqueSuffix } from "./support/quiz-seed";

// Manual credit (issue 6): a member sends in external training with a photo of the certificate from
// the phone; the college secretary sees the photo, approves, and the member finds the claim approved
// and the hours counted.

const CERTIFICATE = path.resolve(import.meta.dirname, "..", "fixtures", "media", "tiny.png");

test("a member's external training is approved by the secretary and counted", async ({ page, newContext }) => {
  const title = `省委党校专题培训-${uniqueSuffix()}`;
  await signInAs(page, "member", "周党员");
  await page.goto("/hours");
  await page.getByRole("link", { name: "申请认定校外培训学时" }).click();
  await page.getByLabel("培训名称").fill(title);
  await page.getByLabel("主办单位（可选）").fill("省委党校");
  await page.getByLabel("学时类别").selectOption({ label: "党校培训" });
  await page.getByLabel("学时", { exact: true }).fill("8");
  await page.getByLabel("培训日期").fill("2026-03-10");
  await page.getByLabel(/证书或结业证明照片/).setInputFiles(CERTIFICATE);
  await page.getByRole("button", { name: "提交申请" }).click();
  await expect(page.getByRole("status")).toHaveText("申请已提交，请等待书记审核");
  await expect(page.getByTestId("claim-row").filter({ hasText: title })).toContainText("待审核");

  const desk = await newContext({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  const review = await desk.newPage();
  await signInAs(review, "secretary", "孙书记");
  await review.goto("/manage/claims");
  const claim = review.getByTestId("pending-claim").filter({ hasText: title });
  await expect(claim).toContainText("周党员");
  const image = claim.getByRole("img", { name: `${title}的证书` });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await claim.getByRole("button", { name: "通过并记入学时" }).click();
  await expect(review.getByRole("status")).toHaveText("已通过，学时已记入");

  await page.reload();
  await expect(page.getByTestId("claim-row").filter({ hasText: title })).toContainText("已通过");
  await page.goto("/hours");
  await expect(page.getByRole("listitem").filter({ hasText: `校外培训：${title}` })).toContainText("+8");
});
