import { expect, signInAs, test } from "./support/fixtures";
import { uniqueSuffix } from "./support/quiz-seed";

// The monthly 主题党日 (issue 6): the branch secretary creates it and puts the projector page up; a
// member scans the code (opens the link the QR code carries) on a phone and is checked in; the screen's
// count follows; the secretary adds someone who came without a phone, confirms the list, and the
// member finds the hours on the phone.

test("a member checks in with the projector's code and gets the hours once the secretary confirms", async ({ page, newContext }) => {
  test.setTimeout(60_000);
  const title = `十一月主题党日-${uniqueSuffix()}`;

  const desk = await newContext({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  const screen = await desk.newPage();
  await signInAs(screen, "branchsec", "李支书");
  await screen.goto("/manage/activities");
  await screen.getByLabel("活动名称").fill(title);
  await screen.getByLabel("活动类型").selectOption({ label: "主题党日" });
  await screen.getByLabel("每人学时").fill("2");
  await screen.getByRole("button", { name: "创建活动" }).click();
  await expect(screen.getByRole("heading", { name: title })).toBeVisible();
  await expect(screen.getByTestId("checkin-qr")).toBeVisible();
  await expect(screen.getByTestId("checkin-count")).toHaveText("已签到 0 人");
  const url = await screen.getByTestId("checkin-link").getAttribute("data-checkin-url");
  expect(url).toMatch(/\/checkin\/\d+-[A-Za-z0-9_-]{10}$/);

  // The phone (this test's own page, a phone viewport) opens the code's link.
  await signInAs(page, "target", "郑发展");
  await page.goto(url!);
  await expect(page.getByTestId("checkin-result")).toContainText("签到成功");
  await page.goto(url!);
  await expect(page.getByTestId("checkin-result")).toContainText("已签到");

  // The projector's count follows without anyone touching it.
  await expect(screen.getByTestId("checkin-count")).toHaveText("已签到 1 人");
  await expect(screen.getByTestId("attendance-row")).toContainText("郑发展");

  // Someone who was there without a phone is added with a reason.
  await screen.getByLabel("查找人员").fill("activist");
  await screen.getByRole("button", { name: "查找" }).click();
  await expect(screen.getByTestId("person-match")).toContainText("王积极");
  await screen.getByLabel("补登王积极的原因").fill("未带手机");
  await screen.getByRole("button", { name: "补登" }).click();
  await expect(screen.getByRole("status")).toHaveText("已补登");
  await expect(screen.getByTestId("checkin-count")).toHaveText("已签到 2 人");

  await screen.getByRole("button", { name: "确认名单并记入学时" }).click();
  await expect(screen.getByRole("status")).toHaveText("签到名单已确认，2 人记入学时");
  await expect(screen.getByTestId("activity-status")).toHaveText("已确认");

  // The member sees the hours.
  await page.goto("/hours");
  const entry = page.getByRole("listitem").filter({ hasText: `主题党日：${title}` });
  await expect(entry).toContainText("+2");
});
