import path from "node:path";
import { axeViolations } from "./support/axe";
import { expect, signInAs, test } from "./support/fixtures";
import { uniqueSuffix } from "./support/quiz-seed";

// The four-in-one pages (decision 051): the college secretary posts a news item with a photo on the
// college's page from a desktop; a member finds it from her phone's home page, through her college's
// page, and her read is counted once.

const PHOTO = path.resolve(import.meta.dirname, "..", "fixtures", "media", "tiny.png");

test("a college's news with a photo reaches a member's phone through her three levels", async ({ page, newContext }) => {
  const title = `学院党员先锋岗揭牌-${uniqueSuffix()}`;
  const desk = await newContext({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  const manage = await desk.newPage();
  await signInAs(manage, "secretary", "孙书记");
  await manage.goto("/manage/pages");
  await manage.getByRole("link", { name: "计算机学院党委", exact: true }).click();
  await manage.getByLabel("发布到栏目").selectOption({ label: "院系风采" });
  await manage.getByLabel("标题").fill(title);
  await manage.getByLabel("正文").fill("学院在实验中心设立党员先锋岗。\n\n首批12名党员上岗服务。");
  await manage.getByRole("button", { name: "发布", exact: true }).click();
  await expect(manage.getByRole("status")).toHaveText("文章已发布");
  await manage.getByRole("link", { name: title }).click();
  await manage.getByLabel(/上传图片/).setInputFiles(PHOTO);
  await manage.getByLabel("图片说明").fill("揭牌仪式");
  await manage.getByRole("button", { name: "上传", exact: true }).click();
  await expect(manage.getByRole("status")).toHaveText("图片已上传");
  expect(await axeViolations(manage), "the article editor").toEqual([]);
  await manage.getByRole("link", { name: "计算机学院党委 · 主页管理" }).click();
  expect(await axeViolations(manage), "a unit's page for its managers").toEqual([]);

  await signInAs(page, "member", "周党员");
  const levels = page.getByRole("navigation", { name: "我的党组织主页" });
  await expect(levels.getByRole("link")).toHaveCount(4);
  await levels.getByRole("link", { name: /计算机学院党委/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("计算机学院党委");
  await expect(page.getByRole("region", { name: /院系风采/ })).toContainText(title);
  expect(await axeViolations(page), "a unit's page").toEqual([]);
  await page.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.getByText("首批12名党员上岗服务。")).toBeVisible();
  const photo = page.getByRole("img", { name: "揭牌仪式" });
  await expect(photo).toBeVisible();
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(page.getByTestId("read-count")).toHaveText("阅读 1");
  expect(await axeViolations(page), "an article").toEqual([]);
  await page.reload();
  await expect(page.getByTestId("read-count")).toHaveText("阅读 1");
});
