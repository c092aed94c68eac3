import { expect, signInAs, test } from "./support/fixtures";
import { uniqueSuffix } from "./support/quiz-seed";

// Notifications (issue 19, item 2) on a phone: a reply to her letter appears in the header's count and
// in her inbox; opening it marks it read and shows the reply. She then turns the kind's push off and
// sets quiet hours, and the page keeps what she chose.

test("a reply to her letter reaches her inbox; she opens it and sets what she receives", async ({ page, newContext }) => {
  const subject = `食堂营业时间建议-${uniqueSuffix()}`;
  await signInAs(page, "activist", "王积极");
  await page.goto("/mailbox");
  await page.getByLabel("写给").selectOption({ label: "计算机学院党委书记信箱（5 个工作日内答复）" });
  await page.getByLabel("主题").fill(subject);
  await page.getByLabel(/内容/).fill("希望食堂晚上营业到九点。");
  await page.getByRole("button", { name: "发送" }).click();
  await expect(page.getByRole("status")).toContainText("信已送达");

  const desk = await newContext({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  const handler = await desk.newPage();
  await signInAs(handler, "secretary", "孙书记");
  await handler.goto("/manage/mailbox");
  await handler.getByTestId("desk-letter").filter({ hasText: subject }).getByRole("link").click();
  await handler.getByLabel("答复（来信人可见）").fill("已与后勤处沟通，下周起营业到九点。");
  await handler.getByRole("button", { name: "发送答复" }).click();
  await expect(handler.getByRole("status")).toHaveText("已答复，来信人可以看到");

  await page.goto("/");
  await expect(page.getByTestId("unread-count")).toBeVisible();
  await page.getByTestId("inbox-link").click();
  await expect(page.getByRole("heading", { name: "消息通知" })).toBeVisible();
  const item = page.getByTestId("notification").filter({ hasText: subject });
  await expect(item).toContainText("您的来信有了回复");
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  await item.getByRole("button").click();
  await expect(page.getByTestId("letter-entry")).toContainText("已与后勤处沟通，下周起营业到九点。");
  await page.goto("/notifications");
  await expect(page.getByTestId("notification").filter({ hasText: subject }).getByLabel("未读")).toHaveCount(0);

  await page.getByRole("link", { name: "通知设置" }).click();
  const push = page.getByLabel("书记信箱来信得到回复：手机/浏览器推送");
  await expect(push).toBeChecked();
  await push.uncheck();
  await page.getByLabel("开始").fill("21:30");
  await page.getByRole("button", { name: "保存设置" }).click();
  await expect(page.getByText("设置已保存。")).toBeVisible();
  await expect(page.getByLabel("书记信箱来信得到回复：手机/浏览器推送")).not.toBeChecked();
  await expect(page.getByLabel("开始")).toHaveValue("21:30");
  await expect(page.getByRole("button", { name: "在本设备接收推送" })).toBeVisible();
});
