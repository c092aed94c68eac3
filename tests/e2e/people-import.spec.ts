import { IMPORT_COLUMNS } from "../../app/lib/people-import";
import { expect, signInAs, test } from "./support/fixtures";

// A college secretary checks a roll before importing it: the dry run (预检) lists every row's
// problems in Chinese and writes nothing.

const HEADERS = IMPORT_COLUMNS.map((c) => c.header);

function csv(rows: Record<string, string>[]): Buffer {
  const line = (cells: string[]) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",");
  const body = [line(HEADERS), ...rows.map((r) => line(HEADERS.map((h) => r[h] ?? "")))].join("\r\n");
  // With a BOM, as Excel saves "CSV UTF-8".
  return Buffer.from(`\uFEFF${body}\r\n`, "utf8");
}

const person = (number: string, name: string, extra: Record<string, string> = {}) => ({
  "学号/工号": number,
  姓名: name,
  性别: "女",
  人员类别: "学生",
  所在党组织: "计算机学院本科生第一党支部",
  政治面貌: "入党积极分子",
  政治面貌起始日期: "2025-03-01",
  ...extra,
});

test("an import dry run lists each row's problems in Chinese and writes nothing @desktop", async ({ page, db }) => {
  const existing = db().prepare("SELECT number FROM Person WHERE number LIKE '202207%' ORDER BY number LIMIT 1").get() as { number: string };
  // Passwords of the file's numbers only: another spec activating an account meanwhile adds one of its own.
  const counts = () =>
    db()
      .prepare(
        "SELECT (SELECT COUNT(*) FROM Person) AS people, (SELECT COUNT(*) FROM Password WHERE personId IN (SELECT id FROM Person WHERE number LIKE '2099070%')) AS passwords",
      )
      .get();
  const before = counts();

  const file = csv([
    person("2099070001", "预检甲"), // row 2: good
    person("2099070002", "预检乙", { 所在党组织: "不存在党支部" }), // row 3: unknown unit
    person("2099070003", "预检丙", { 政治面貌: "党外人士" }), // row 4: not a political status the system knows
    person("2099070004", "预检丁"), // row 5: number repeated in the file…
    person("2099070004", "预检戊"), // row 6: …here
    person(existing.number, "预检己"), // row 7: number already taken
    person("2099070007", "预检庚", { 所在党组织: "机械工程学院本科生第一党支部" }), // row 8: another college
  ]);

  await signInAs(page, "secretary", "孙书记");
  await page.goto("/manage/people");
  await page.getByRole("link", { name: "批量导入" }).click();
  await expect(page.getByRole("heading", { name: "批量导入人员" })).toBeVisible();

  await page.getByLabel("导入文件（.xlsx 或 .csv）").setInputFiles({ name: "名单.csv", mimeType: "text/csv", buffer: file });
  await page.getByRole("button", { name: "预检" }).click();

  const results = page.getByRole("region", { name: "预检结果" });
  await expect(results.getByRole("heading", { name: "预检结果：名单.csv" })).toBeVisible();
  await expect(results.getByTestId("import-summary")).toHaveText("共 7 行，6 行有问题");

  const row = (n: number) => results.getByTestId("problem-row").filter({ has: page.getByRole("cell", { name: `第 ${n} 行`, exact: true }) });
  await expect(results.getByTestId("problem-row")).toHaveCount(6);
  await expect(row(2)).toHaveCount(0);
  await expect(row(3)).toContainText("E 列「所在党组织」：找不到“不存在党支部”，或该组织不在您的管理范围内");
  await expect(row(4)).toContainText("F 列「政治面貌」：“党外人士”无法识别");
  await expect(row(5)).toContainText("A 列「学号/工号」：“2099070004”在文件中重复（另见第 6 行）");
  await expect(row(6)).toContainText("A 列「学号/工号」：“2099070004”在文件中重复（另见第 5 行）");
  await expect(row(7)).toContainText(`A 列「学号/工号」：“${existing.number}”已存在于系统中`);
  await expect(row(8)).toContainText("E 列「所在党组织」：找不到“机械工程学院本科生第一党支部”，或该组织不在您的管理范围内");

  // Nothing can be confirmed while rows have problems, and nothing was written.
  await expect(page.getByRole("button", { name: /确认导入/ })).toHaveCount(0);
  expect(counts()).toEqual(before);
  expect(db().prepare("SELECT COUNT(*) AS n FROM Person WHERE number LIKE '2099070%'").get()).toEqual({ n: 0 });

  // With the good row alone the dry run passes and offers the import — still without writing.
  await page.getByLabel("导入文件（.xlsx 或 .csv）").setInputFiles({ name: "名单.csv", mimeType: "text/csv", buffer: csv([person("2099070001", "预检甲")]) });
  await page.getByRole("button", { name: "预检" }).click();
  await expect(page.getByText("预检通过：共 1 行，可以导入。")).toBeVisible();
  await expect(results.getByTestId("preview-row")).toHaveCount(1);
  await expect(results.getByTestId("preview-row")).toContainText("预检甲");
  await expect(page.getByRole("button", { name: "确认导入 1 人" })).toBeVisible();
  expect(counts()).toEqual(before);
});
