import AxeBuilder from "@axe-core/playwright";
import { expect, signInAs, test } from "./support/fixtures";

// A college secretary at a desk works through the college's people (decision 065): the page uses the
// window's width, the 学号 column sorts both ways on the server, the page size and the numbered pages
// change what is listed, and a search keeps the chosen order and size.

const IN_COLLEGE = `
  SELECT p.number, p.name FROM Person p
  JOIN OrgUnit u ON u.id = p.unitId
  JOIN OrgUnit c ON u.path LIKE c.path || '%'
  WHERE c.name = '计算机学院党委' AND p.disabledAt IS NULL`;

test("a secretary sorts, pages and searches the people table on a desk @desktop", async ({ page, db }) => {
  const people = db().prepare(`${IN_COLLEGE} ORDER BY p.number`).all() as { number: string; name: string }[];
  expect(people.length).toBeGreaterThan(40);
  const numbers = () => page.getByTestId("person-row").locator("td:nth-child(2)").allTextContents();

  await signInAs(page, "secretary", "孙书记");
  await page.goto("/manage/people");
  await expect(page.getByTestId("table-total")).toHaveText(`共 ${people.length} 人`);
  // The management area is not held to the learners' 1,024 px column: it takes the window's width (on a
  // 1,280 px desk as on a phone), less the page's own margins.
  const viewport = page.viewportSize()!.width;
  expect((await page.locator("main").boundingBox())!.width).toBeGreaterThan(viewport - 40);

  // 20 a page.
  await page.getByRole("link", { name: "每页 20 人" }).click();
  await expect(page).toHaveURL(/size=20/);
  await expect(page.getByTestId("person-row")).toHaveCount(20);

  // By number, ascending then descending; the header says which.
  const header = page.getByRole("columnheader", { name: /学号\/工号/ });
  await header.getByRole("link").click();
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  await expect.poll(numbers).toEqual(people.slice(0, 20).map((p) => p.number));
  await header.getByRole("link").click();
  await expect(header).toHaveAttribute("aria-sort", "descending");
  await expect.poll(numbers).toEqual(
    people
      .slice(-20)
      .reverse()
      .map((p) => p.number),
  );

  // The second page continues the order.
  await page.getByRole("navigation", { name: "分页" }).getByRole("link", { name: "第 2 页" }).click();
  await expect(page.getByRole("navigation", { name: "分页" }).locator('[aria-current="page"]')).toHaveText("2");
  await expect.poll(numbers).toEqual(
    people
      .slice(-40, -20)
      .reverse()
      .map((p) => p.number),
  );

  // A search keeps the order and the size, and starts again at page 1.
  const someone = people[Math.floor(people.length / 2)];
  await page.getByRole("searchbox", { name: "姓名或学号/工号" }).fill(someone.number);
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page).toHaveURL(/sort=number/);
  await expect(page).toHaveURL(/size=20/);
  await expect(page).not.toHaveURL(/page=2/);
  await expect(page.getByTestId("person-row").first()).toContainText(someone.name);
  await expect(header).toHaveAttribute("aria-sort", "descending");

  // The table and its paging pass axe (names, contrast of the disabled controls).
  await page.goto("/manage/people?size=20&page=1");
  const result = await new AxeBuilder({ page }).include('[data-testid="people-table"]').withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
});
