import { expect, signInAs, test } from "./support/fixtures";

// A college secretary sees the people of their own college and nobody else, even by editing the URL.

type Row = { id: number; name: string };

const IN_COLLEGE = `
  SELECT p.id, p.name FROM Person p
  JOIN OrgUnit u ON u.id = p.unitId
  JOIN OrgUnit c ON u.path LIKE c.path || '%'
  WHERE c.name = ? AND p.disabledAt IS NULL`;

test("a college secretary cannot open a person of another college by editing the URL @desktop", async ({ page, db, consoleErrors }) => {
  // The browser notes the 403 answer in the console; that one is expected.
  consoleErrors.allow(/status of 403/);
  const stranger = db().prepare(`${IN_COLLEGE} ORDER BY p.id LIMIT 1`).get("机械工程学院党委") as Row;
  const colleague = db().prepare(`${IN_COLLEGE} AND p.number NOT IN ('secretary') ORDER BY p.id DESC LIMIT 1`).get("计算机学院党委") as Row;
  const collegeSize = (db().prepare(`SELECT COUNT(*) AS n FROM (${IN_COLLEGE})`).get("计算机学院党委") as { n: number }).n;
  expect(stranger).toBeDefined();
  expect(colleague).toBeDefined();

  await signInAs(page, "secretary", "孙书记");
  await page.getByRole("banner").getByRole("link", { name: "管理" }).click();
  await page.getByRole("navigation", { name: "管理" }).getByRole("link", { name: "人员管理" }).click();
  await expect(page).toHaveURL(/\/manage\/people$/);
  await expect(page.getByRole("heading", { name: "人员管理" })).toBeVisible();
  await expect(page.getByTestId("table-total")).toHaveText(`共 ${collegeSize} 人`);

  // A person from the list opens.
  const first = page.getByTestId("person-row").first().getByRole("link");
  const firstName = (await first.textContent())!.trim();
  await first.click();
  await expect(page).toHaveURL(/\/manage\/people\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(firstName);

  // A person of another college does not, and nothing of them shows.
  const refused = await page.goto(`/manage/people/${stranger.id}`);
  expect(refused?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "没有权限" })).toBeVisible();
  await expect(page.getByText("您没有权限查看此页面")).toBeVisible();
  await expect(page.getByText(stranger.name, { exact: true })).toHaveCount(0);

  // A person of their own college, typed into the address bar the same way, opens.
  const allowed = await page.goto(`/manage/people/${colleague.id}`);
  expect(allowed?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(colleague.name);
});

test("a branch secretary's list holds their branch only; a learner cannot open the management pages @desktop", async ({
  page,
  db,
  consoleErrors,
  newContext,
}) => {
  consoleErrors.allow(/status of 403/);
  const branchSize = (
    db()
      .prepare(
        `SELECT COUNT(*) AS n FROM Person p JOIN OrgUnit u ON u.id = p.unitId JOIN OrgUnit b ON u.path LIKE b.path || '%' WHERE b.name = ? AND p.disabledAt IS NULL`,
      )
      .get("计算机学院本科生第一党支部") as { n: number }
  ).n;
  await signInAs(page, "branchsec", "李支书");
  await page.goto("/manage/people");
  await expect(page.getByTestId("table-total")).toHaveText(`共 ${branchSize} 人`);

  const learner = await (await newContext()).newPage();
  await signInAs(learner, "target", "郑发展");
  const res = await learner.goto("/manage/people");
  expect(res?.status()).toBe(403);
  await expect(learner.getByRole("heading", { name: "没有权限" })).toBeVisible();
});
