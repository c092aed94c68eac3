import { axeViolations } from "./support/axe";
import { expect, signInAs, test } from "./support/fixtures";
import { uniqueSuffix } from "./support/quiz-seed";

// 书记信箱 (issue 18): a student writes anonymously to her college's mailbox from her phone; the
// college secretary, at a desk, reads it without her name and replies; she finds the reply.

test("an anonymous letter from the phone is answered at the desk and the writer reads the reply", async ({ page, newContext }) => {
  const subject = `希望延长图书馆开放时间-${uniqueSuffix()}`;
  await signInAs(page, "activist", "王积极");
  await page.goto("/");
  await page.getByRole("link", { name: /信箱/ }).click();
  await expect(page.getByRole("heading", { name: "书记信箱", level: 1 })).toBeVisible();
  await page.getByLabel("写给").selectOption({ label: "计算机学院党委书记信箱（5 个工作日内答复）" });
  await page.getByLabel("主题").fill(subject);
  await page.getByLabel(/内容/).fill("期末周图书馆晚上十点闭馆，\n希望延长到十二点。");
  await page.getByLabel(/匿名写信/).check();
  await page.getByRole("button", { name: "发送" }).click();
  await expect(page.getByRole("status")).toContainText("信已送达计算机学院党委书记信箱");
  await expect(page.getByTestId("letter-status")).toHaveText("待处理");
  expect(await axeViolations(page), "the writer's letter").toEqual([]);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);

  const desk = await newContext({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  const handler = await desk.newPage();
  await signInAs(handler, "secretary", "孙书记");
  await handler.goto("/manage");
  await handler.getByRole("link", { name: "书记信箱" }).click();
  await handler.getByTestId("desk-letter").filter({ hasText: subject }).getByRole("link").click();
  await expect(handler.getByTestId("letter-author")).toHaveText("匿名");
  await expect(handler.locator("body")).not.toContainText("王积极");
  expect(await axeViolations(handler), "the handler's letter").toEqual([]);
  await handler.getByLabel("答复（来信人可见）").fill("已与图书馆协调，期末两周开放到零点。");
  await handler.getByRole("button", { name: "发送答复" }).click();
  await expect(handler.getByRole("status")).toHaveText("已答复，来信人可以看到");

  await page.reload();
  await expect(page.getByTestId("letter-status")).toHaveText("已答复");
  await expect(page.getByTestId("letter-entry")).toContainText("已与图书馆协调，期末两周开放到零点。");
});
