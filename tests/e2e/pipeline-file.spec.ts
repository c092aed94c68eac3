import { expect, signInAs, test } from "./support/fixtures";

// The development file (issue 14): a branch secretary opens a person of the branch from the person
// page, records the application with the date of birth, and sees the next step with its deadline and
// article — on a 390 px phone and at a desk, the page never wider than the screen.

type Row = { id: number; name: string };

test("a branch secretary records an application on a person's development file @desktop", async ({ page, db }, testInfo) => {
  // Each project takes its own person, so the phone and the desk runs never meet.
  const people = db()
    .prepare(
      `SELECT p.id, p.name FROM Person p JOIN OrgUnit u ON u.id = p.unitId
       WHERE u.name = '计算机学院本科生第一党支部' AND p.politicalStatus = 'masses' AND p.disabledAt IS NULL
         AND NOT EXISTS (SELECT 1 FROM PipelineRecord r WHERE r.personId = p.id)
       ORDER BY p.id LIMIT 2`,
    )
    .all() as Row[];
  const person = people[testInfo.project.name === "mobile" ? 0 : 1];
  expect(person).toBeDefined();
  const day = (offset: number) => {
    const d = new Date(Date.now() + 8 * 3600_000 + offset * 24 * 3600_000);
    return d.toISOString().slice(0, 10);
  };
  const applied = day(-5);
  const deadline = new Date(`${applied}T00:00:00Z`);
  deadline.setUTCMonth(deadline.getUTCMonth() + 1);

  await signInAs(page, "branchsec", "李支书");
  await page.goto(`/manage/people/${person.id}`);
  await page.getByRole("link", { name: "发展党员档案" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${person.name}的发展党员档案`);
  await expect(page.getByTestId("timeline").locator("li[data-step]")).toHaveCount(29);

  const form = page.getByRole("region", { name: "记录步骤" });
  await form.getByRole("combobox", { name: "步骤" }).selectOption("apply");
  await form.getByLabel("日期", { exact: true }).fill(applied);
  await form.getByLabel("出生日期", { exact: true }).fill("2005-09-01");
  await form.getByRole("button", { name: "记录", exact: true }).click();
  await expect(page.getByRole("status")).toHaveText("已记录，政治面貌已更新为“入党申请人”");

  const apply = page.locator('li[data-step="apply"]');
  await expect(apply).toContainText("递交入党申请书 ✓");
  await expect(apply.getByTestId("record-apply")).toContainText(`${applied} · 李支书`);
  const talk = page.getByTestId("next-apply-talk");
  await expect(talk).toContainText(`待办 · 期限 ${deadline.toISOString().slice(0, 10)}`);
  await expect(talk).toContainText("《细则》第七条 党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话");

  // Nothing runs off the side of a phone (or of the desk).
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(page.viewportSize()!.width);
});
