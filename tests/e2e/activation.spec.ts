import { expect, signInAs, test } from "./support/fixtures";

// A person who was imported without a password gets a code from their branch secretary and, on
// their phone, sets their own password with it and lands signed in (decision 030).

test("a person activates their account with a code on a phone and lands signed in", async ({ page, db, newContext }) => {
  // The last person of 李支书's branch who never had a password: no other spec touches them.
  const person = db()
    .prepare(
      `SELECT p.id, p.number, p.name FROM Person p JOIN OrgUnit u ON u.id = p.unitId
       WHERE u.name = '计算机学院本科生第一党支部' AND p.disabledAt IS NULL AND p.id NOT IN (SELECT personId FROM Password)
         AND NOT EXISTS (SELECT 1 FROM RoleGrant g WHERE g.personId = p.id)
       ORDER BY p.number DESC LIMIT 1`,
    )
    .get() as { id: number; number: string; name: string };
  expect(person).toBeDefined();

  await signInAs(page, "branchsec", "李支书");
  await page.goto(`/manage/people/${person.id}`);
  await expect(page.getByTestId("account-state")).toContainText("未激活");
  await page.getByRole("button", { name: "生成激活码" }).click();
  const shown = page.getByTestId("activation-code");
  await expect(shown).toHaveText(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
  const code = (await shown.textContent())!;
  await expect(page.getByRole("img", { name: "扫码激活账号" })).toBeVisible();

  // The person, on their own phone, from the sign-in page.
  const phone = await (await newContext()).newPage();
  await phone.goto("/login");
  await phone.getByRole("link", { name: "首次登录？激活账号" }).click();
  await expect(phone.getByRole("heading", { name: "激活账号" })).toBeVisible();
  await phone.getByLabel("学号/工号").fill(person.number);
  await phone.getByLabel(/^激活码/).fill(code.toLowerCase());
  await phone.getByLabel(/^设置密码/).fill("MyOwnPass2026");
  await phone.getByLabel("确认密码").fill("MyOwnPass2026");
  await phone.getByRole("button", { name: "激活并登录" }).click();

  await expect(phone).toHaveURL(/\/$/);
  await expect(phone.getByRole("banner").getByRole("link", { name: person.name })).toBeVisible();

  // The code was used up; the secretary's page says the account is active.
  await page.reload();
  await expect(page.getByTestId("account-state")).toContainText("正常");
  await expect(page.getByTestId("account-state")).toContainText("已用激活码激活");
});
