import crypto from "node:crypto";
import { axeViolations } from "./support/axe";
import { expect, signInAs, test } from "./support/fixtures";

// A party-school class from its creation to the activist's phone (issue 14): the college's secretary
// opens a class for one branch at a desk, the branch secretary nominates the activist, the college
// approves and puts a face-to-face session on the schedule; the activist finds the class on her phone
// and sees what is next, on a page that fits 390 px with no accessibility violation.

test("a class opened at a desk shows on the activist's phone with what is next", async ({ page, newContext, db }) => {
  test.setTimeout(60_000);
  const term = 1000 + crypto.randomInt(8999);
  const title = `第 ${term} 期入党积极分子培训班`;
  const { unitId: branchId } = db().prepare("SELECT unitId FROM Person WHERE number = 'activist'").get() as { unitId: number };
  const desk = { viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 };

  const college = await (await newContext(desk)).newPage();
  await signInAs(college, "secretary", "孙书记");
  await college.goto("/manage/classes");
  await college.getByLabel("期次（第几期）").fill(String(term));
  await college.getByLabel("名称").fill(title);
  await college.getByLabel("面向的党组织（可多选，含下级组织）").selectOption(String(branchId));
  await college.getByRole("button", { name: "创建培训班" }).click();
  await expect(college.getByRole("heading", { name: title })).toBeVisible();
  await expect(college.getByTestId("class-status")).toHaveText("筹备中");
  await college.getByRole("button", { name: "开始报名" }).click();
  await expect(college.getByTestId("class-status")).toHaveText("报名中");
  const classUrl = new URL(college.url()).pathname;

  const branch = await (await newContext(desk)).newPage();
  await signInAs(branch, "branchsec", "李支书");
  await branch.goto(classUrl);
  await branch.getByTestId("nominate").getByRole("listitem").filter({ hasText: "王积极" }).getByRole("button", { name: "推荐" }).click();
  await expect(branch.getByRole("status")).toHaveText("已推荐王积极，待主办方审核");

  await college.reload();
  await college.getByTestId("members-nominated").getByRole("listitem").filter({ hasText: "王积极" }).getByRole("button", { name: "通过" }).click();
  await expect(college.getByRole("status")).toHaveText("已通过推荐");
  await expect(college.getByTestId("members-enrolled")).toContainText("王积极");
  const start = new Date(Date.now() + 2 * 86_400_000);
  const local = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16);
  const schedule = college.getByTestId("schedule");
  await schedule.getByLabel("面授课名称").fill("第一讲 党的性质和宗旨");
  await schedule.getByLabel("开始时间").fill(local(start));
  await schedule.getByLabel("结束时间").fill(local(new Date(start.getTime() + 2 * 3600_000)));
  await schedule.getByRole("button", { name: "加入面授课" }).click();
  await expect(college.getByRole("status")).toHaveText("已加入面授课，签到二维码在活动页面");
  await expect(college.getByTestId("schedule-item")).toContainText("第一讲 党的性质和宗旨");
  expect(await axeViolations(college), "/manage/classes/:id").toEqual([]);

  // The activist's phone: this test's own page.
  await signInAs(page, "activist", "王积极");
  await page
    .getByRole("navigation", { name: "学习入口" })
    .getByRole("link", { name: /培训班/ })
    .tap();
  await expect(page.getByRole("heading", { name: "我的培训班" })).toBeVisible();
  expect(await axeViolations(page), "/classes").toEqual([]);
  await page.getByRole("link", { name: title }).tap();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await expect(page.getByTestId("done-count")).toHaveText("0");
  await expect(page.getByTestId("next-item")).toContainText("第一讲 党的性质和宗旨");
  await expect(page.getByTestId("due-items")).toContainText("第一讲 党的性质和宗旨");
  await expect(page.getByTestId("class-item")).toHaveAttribute("data-state", "todo");
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  expect(innerWidth).toBe(390);
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  expect(await axeViolations(page), "/classes/:id").toEqual([]);
});

// At a desk (issue 14): the school's trainer opens a class for one branch and starts its 报名; the
// branch secretary nominates one of her activists; the trainer approves; the activist is on the
// class's roster, as the trainer and the branch secretary each see it.
test("a branch secretary's nomination, approved by the organiser, puts the activist on the roster @desktop", async ({ page, newContext, db }) => {
  test.setTimeout(60_000);
  const term = 1000 + crypto.randomInt(8999);
  const title = `第 ${term} 期入党积极分子培训班（校党校）`;
  const { unitId: branchId } = db().prepare("SELECT unitId FROM Person WHERE number = 'branchsec'").get() as { unitId: number };
  const { id: rootId } = db().prepare(`SELECT "id" FROM "OrgUnit" WHERE "parentId" IS NULL ORDER BY "id" LIMIT 1`).get() as { id: number };
  // One of the branch's activists other than the demo's own (the phone test above nominates her).
  const activist = db()
    .prepare(
      `SELECT "id", "name", "number" FROM "Person" WHERE "unitId" = ? AND "politicalStatus" = 'activist' AND "number" <> 'activist' AND "disabledAt" IS NULL ORDER BY "number" LIMIT 1`,
    )
    .get(branchId) as { id: number; name: string; number: string };
  expect(activist).toBeDefined();

  await signInAs(page, "trainer", "钱教员");
  await page.goto("/manage/classes");
  await page.getByLabel("期次（第几期）").fill(String(term));
  await page.getByLabel("名称").fill(title);
  await page.getByLabel("主办党校").selectOption(String(rootId));
  await page.getByLabel("面向的党组织（可多选，含下级组织）").selectOption(String(branchId));
  await page.getByRole("button", { name: "创建培训班" }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await page.getByRole("button", { name: "开始报名" }).click();
  await expect(page.getByTestId("class-status")).toHaveText("报名中");
  const classUrl = new URL(page.url()).pathname;

  const branch = await (await newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await signInAs(branch, "branchsec", "李支书");
  await branch.goto(classUrl);
  await branch.getByTestId("nominate").getByRole("listitem").filter({ hasText: activist.number }).getByRole("button", { name: "推荐" }).click();
  await expect(branch.getByRole("status")).toHaveText(`已推荐${activist.name}，待主办方审核`);
  await expect(branch.getByTestId("members-nominated")).toContainText(activist.number);

  // The trainer holds no people:sensitive: she sees the number masked, so she finds the nominee by name.
  await page.reload();
  await page.getByTestId("members-nominated").getByRole("listitem").filter({ hasText: activist.name }).getByRole("button", { name: "通过" }).click();
  await expect(page.getByRole("status")).toHaveText("已通过推荐");
  await expect(page.getByTestId("members-enrolled").getByRole("listitem").filter({ hasText: activist.name })).toContainText(
    `${activist.number.slice(0, 4)}****${activist.number.slice(-2)}`,
  );
  await expect(page.getByTestId("members-nominated")).toHaveCount(0);

  // The branch secretary sees her activist enrolled, and the activist's row says how she came in.
  await branch.reload();
  await expect(branch.getByTestId("members-enrolled").getByRole("listitem").filter({ hasText: activist.number })).toContainText("支部推荐");
  const classId = Number(classUrl.split("/").pop());
  expect(db().prepare(`SELECT "status", "source" FROM "ClassMember" WHERE "classId" = ? AND "personId" = ?`).get(classId, activist.id)).toEqual({
    status: "enrolled",
    source: "nomination",
  });
});
