import type { Page } from "@playwright/test";
import sharp from "sharp";
import { toLocalInput } from "../../app/lib/quiz-settings";
import { axeViolations } from "./support/axe";
import { expect, signInAs, test } from "./support/fixtures";
import { seedMeetingUnit } from "./support/meeting-seed";
import { uniqueSuffix } from "./support/quiz-seed";

// A member's meetings on her phone (decision 056): she finds the coming 主题党日 under 我的会议 and asks
// for leave; the secretary approves it on the desk; for a meeting she missed, the secretary writes the
// minutes and assigns 补学, which she completes on the phone and finds in her 学时, once. Every page of
// organisation life, the calendars and the notification pages pass axe on a phone and at a desk.

const HOUR = 3600_000;
const DESK = { viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 };

async function planMeeting(desk: Page, unitId: number, title: string, startsAt: Date) {
  await desk.goto("/manage/activities");
  await desk.getByLabel("党组织").selectOption(String(unitId));
  await desk.getByLabel("活动名称").fill(title);
  await desk.getByLabel("活动类型").selectOption({ label: "主题党日" });
  await desk.getByLabel("开始时间").fill(toLocalInput(startsAt));
  await desk.getByLabel("结束时间").fill(toLocalInput(new Date(startsAt.getTime() + 2 * HOUR)));
  await desk.getByLabel("签到开始").fill(toLocalInput(new Date(startsAt.getTime() - HOUR)));
  await desk.getByLabel("签到截止").fill(toLocalInput(new Date(startsAt.getTime() + 2 * HOUR)));
  await desk.getByLabel("每人学时").fill("2");
  await desk.getByLabel("地点").fill("学生活动中心 201 室");
  await desk.getByLabel("议程（每行一项）").fill("学习党章\n交流体会");
  await desk.getByRole("button", { name: "创建活动" }).click();
  await expect(desk.getByRole("heading", { name: title })).toBeVisible();
  return Number(/\/manage\/activities\/(\d+)$/.exec(desk.url())![1]);
}

test("a member asks leave on her phone, and completes a 补学 that credits the meeting's hours", async ({ page, newContext }) => {
  test.setTimeout(90_000);
  const { unitId, secretary, member } = await seedMeetingUnit();
  const desk = await (await newContext(DESK)).newPage();
  await signInAs(desk, secretary.username, secretary.name);

  // Leave for a meeting two days ahead.
  const coming = `十二月主题党日-${uniqueSuffix()}`;
  const comingId = await planMeeting(desk, unitId, coming, new Date(Date.now() + 48 * HOUR));
  await signInAs(page, member.username, member.name);
  await page.goto("/meetings");
  await page
    .getByTestId("upcoming-meetings")
    .getByRole("link", { name: new RegExp(coming) })
    .click();
  await expect(page.getByText("学生活动中心 201 室")).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "交流体会" })).toBeVisible();
  await page.getByLabel("请假原因").fill("参加专业课考试");
  await page.getByRole("button", { name: "提交请假" }).click();
  await expect(page.getByTestId("leave-state")).toContainText("请假申请待书记审批");
  // The page fits the phone: nothing wider than the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  await desk.goto(`/manage/activities/${comingId}/meeting`);
  await desk.getByTestId("leave-list").getByRole("button", { name: "批准", exact: true }).click();
  await expect(desk.getByRole("status")).toHaveText("已批准请假");
  await page.reload();
  await expect(page.getByTestId("leave-state")).toContainText("请假已批准");

  // A meeting held now without her: confirmed, minutes written, 补学 assigned.
  const missed = `补学主题党日-${uniqueSuffix()}`;
  const missedId = await planMeeting(desk, unitId, missed, new Date(Date.now() - HOUR / 2));
  await desk.getByRole("button", { name: "确认名单并记入学时" }).click();
  await expect(desk.getByTestId("activity-status")).toHaveText("已确认");
  await desk.goto(`/manage/activities/${missedId}/meeting`);
  await desk.getByLabel("纪要", { exact: true }).fill("会议学习了党章总纲，党员交流了学习体会。");
  await desk.getByLabel("议定事项（每行一项）").fill("下周完成网上学习");
  await desk.getByRole("button", { name: "保存纪要" }).click();
  await expect(desk.getByRole("status")).toHaveText("会议纪要已保存");
  await desk.getByRole("button", { name: "为全部缺席人员布置补学" }).click();
  await expect(desk.getByRole("status")).toHaveText("已为 1 名缺席人员布置补学");

  await page.goto("/meetings");
  const row = page.getByTestId("past-meetings").getByRole("link", { name: new RegExp(missed) });
  await expect(row).toContainText("待补学");
  await row.click();
  await expect(page.getByTestId("minutes")).toContainText("党员交流了学习体会");
  await page.getByRole("button", { name: "完成补学" }).click();
  await expect(page.getByRole("status")).toHaveText("补学已完成，学时已记入");
  await expect(page.getByTestId("makeup")).toContainText("补学已完成");

  await page.goto("/hours");
  const entry = page.getByRole("listitem").filter({ hasText: `主题党日：${missed}` });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText("+2");
});

test("the pages of organisation life, the calendars and notifications pass axe on a phone and at a desk", async ({ page, newContext }) => {
  test.setTimeout(150_000);
  const { unitId, secretary, member } = await seedMeetingUnit();
  const desk = await (await newContext(DESK)).newPage();
  await signInAs(desk, secretary.username, secretary.name);
  // A meeting under way with a leave waiting, a photo among the minutes' files and the minutes written: every section of its record page shows.
  const title = `无障碍主题党日-${uniqueSuffix()}`;
  const coming = await planMeeting(desk, unitId, `${title}-下周`, new Date(Date.now() + 7 * 24 * HOUR));
  const held = await planMeeting(desk, unitId, title, new Date(Date.now() - HOUR / 2));
  await signInAs(page, member.username, member.name);
  await page.goto(`/meetings/${coming}`);
  await page.getByLabel("请假原因").fill("参加专业课考试");
  await page.getByRole("button", { name: "提交请假" }).click();
  await expect(page.getByTestId("leave-state")).toContainText("请假申请待书记审批");
  await desk.goto(`/manage/activities/${held}/meeting`);
  await desk.getByLabel("纪要", { exact: true }).fill("会议学习了党章总纲，党员交流了学习体会。");
  await desk.getByRole("button", { name: "保存纪要" }).click();
  await expect(desk.getByRole("status")).toHaveText("会议纪要已保存");
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#c00" } })
    .png()
    .toBuffer();
  await desk.getByLabel("选择照片或附件").setInputFiles({ name: "现场.png", mimeType: "image/png", buffer: photo });
  await desk.getByRole("button", { name: "上传", exact: true }).click();
  await expect(desk.getByRole("status")).toHaveText("照片已上传");

  const year = new Date(Date.now() + 8 * HOUR).getUTCFullYear();
  const pages: [string, string, boolean][] = [
    // [path, who reads it, a secretary's page]
    ["/meetings", "member", false],
    [`/meetings/${held}`, "member", false],
    [`/meetings/${coming}`, "member", false],
    ["/calendar", "member", false],
    [`/manage/activities/${coming}/meeting`, "secretary", true],
    [`/manage/activities/${held}/meeting`, "secretary", true],
    ["/manage/meetings/compliance", "secretary", true],
    [`/manage/meetings/record/${unitId}?year=${year}`, "secretary", true],
    [`/manage/calendar?unitId=${unitId}`, "secretary", true],
    ["/notifications", "secretary", true],
    ["/account/notifications", "secretary", true],
  ];
  const phoneSecretary = await (await newContext()).newPage();
  await signInAs(phoneSecretary, secretary.username, secretary.name);
  const deskMember = await (await newContext(DESK)).newPage();
  await signInAs(deskMember, member.username, member.name);
  const found: Record<string, Awaited<ReturnType<typeof axeViolations>>> = {};
  for (const [path, who] of pages) {
    for (const [viewport, p] of [
      ["phone", who === "member" ? page : phoneSecretary],
      ["desk", who === "member" ? deskMember : desk],
    ] as const) {
      const res = await p.goto(path);
      expect(res?.status(), `${path} on a ${viewport}`).toBe(200);
      // What a details element hides is checked open too (the leave form, the removal of a file, the attendee picker, postponing).
      await p.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
      const violations = await axeViolations(p);
      if (violations.length) found[`${path} on a ${viewport}`] = violations;
    }
  }
  // Every page is checked before any is reported, so one run shows all that is wrong.
  expect(found).toEqual({});
  // The demo member's inbox, seeded with notices of every kind, read and unread.
  const demo = await (await newContext(DESK)).newPage();
  await signInAs(demo, "member", "周党员");
  await demo.goto("/notifications");
  await expect(demo.getByText("请假已批准")).toBeVisible();
  expect(await axeViolations(demo), "the demo member's inbox at a desk").toEqual([]);
});
