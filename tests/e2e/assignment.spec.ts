import Database from "better-sqlite3";
import { axeViolations } from "./support/axe";
import { expect, signInAs, test } from "./support/fixtures";
import { E2E_DB } from "./support/paths";
import { sqliteTime, uniqueSuffix } from "./support/quiz-seed";

// Writing a 心得 on a phone (issue 14): the activist opens her class's assignment, sees the count as
// she types, her draft is kept when she leaves the box and reloads, a hand-in under the minimum is
// refused with the count, and a long enough one is handed in and waits for the tutor.

const DAY = 24 * 3600_000;

/** A class of the activist's own unit with her enrolled, and one essay of 20–200 字: its id and title. */
function seedAssignment(personNumber: string): { assignmentId: number; title: string } {
  const db = new Database(E2E_DB, { timeout: 5000, fileMustExist: true });
  try {
    return db.transaction(() => {
      const person = db.prepare(`SELECT "id", "unitId" FROM "Person" WHERE "number" = ?`).get(personNumber) as { id: number; unitId: number };
      const suffix = uniqueSuffix();
      const now = new Date();
      const term = 1000 + (parseInt(suffix, 16) % 1_000_000);
      const classId = db
        .prepare(
          `INSERT INTO "TrainingClass" ("kind", "title", "term", "unitId", "startsOn", "endsOn", "gradingRule", "status", "createdById", "createdAt", "updatedAt")
           VALUES ('activist', ?, ?, ?, ?, ?, '{}', 'running', ?, ?, ?) RETURNING "id"`,
        )
        .pluck()
        .get(
          `积极分子培训班-${suffix}`,
          term,
          person.unitId,
          sqliteTime(now),
          sqliteTime(new Date(now.getTime() + 30 * DAY)),
          person.id,
          sqliteTime(now),
          sqliteTime(now),
        ) as number;
      db.prepare(
        `INSERT INTO "ClassMember" ("classId", "personId", "status", "source", "createdAt", "updatedAt") VALUES (?, ?, 'enrolled', 'organiser', ?, ?)`,
      ).run(classId, person.id, sqliteTime(now), sqliteTime(now));
      const title = `学习心得-${suffix}`;
      const assignmentId = db
        .prepare(
          `INSERT INTO "Assignment" ("classId", "kind", "title", "prompt", "minChars", "maxChars", "opensAt", "dueAt", "allowAttachments", "rubric", "createdById", "createdAt", "updatedAt")
           VALUES (?, 'essay', ?, '谈谈你对入党动机的认识。', 20, 200, ?, ?, 0, '[{"label":"思想认识","max":10000}]', ?, ?, ?) RETURNING "id"`,
        )
        .pluck()
        .get(
          classId,
          title,
          sqliteTime(new Date(now.getTime() - DAY)),
          sqliteTime(new Date(now.getTime() + 7 * DAY)),
          person.id,
          sqliteTime(now),
          sqliteTime(now),
        ) as number;
      return { assignmentId, title };
    })();
  } finally {
    db.close();
  }
}

test("an activist writes her 心得 on her phone, keeps the draft and hands it in", async ({ page, consoleErrors }) => {
  // The refused hand-in is answered with 400, which the browser notes in its console.
  consoleErrors.allow(/status of 400 .*\/assignments\/\d+\.data/);
  const { assignmentId, title } = seedAssignment("activist");
  await signInAs(page, "activist", "王积极");
  await page.goto(`/assignments/${assignmentId}`);
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await expect(page.getByTestId("prompt")).toHaveText("谈谈你对入党动机的认识。");
  expect(await axeViolations(page)).toEqual([]);

  const box = page.getByLabel("正文");
  // 我的入党动机 (6) + 2026 (1) + 年 (1) + 学习 Party 章程 (2 + 1 + 2): 13 字, punctuation not counted.
  await box.fill("我的入党动机：2026年，学习 Party 章程。");
  await expect(page.getByTestId("word-count")).toHaveText("当前 13 字，还差 7 字");
  await box.blur();
  await expect(page.getByTestId("save-status")).toContainText("草稿已保存");
  await page.reload();
  await expect(box).toHaveValue("我的入党动机：2026年，学习 Party 章程。");

  page.on("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "提交", exact: true }).click();
  await expect(page.getByText("字数不足：要求至少 20 字，当前 13 字")).toBeVisible();

  const essay = "我的入党动机：通过培训，我认识到入党必须在思想上入党，要用党章规范自己的言行。";
  await box.fill(essay);
  await expect(page.getByTestId("word-count")).toHaveText("当前 35 字");
  await page.getByRole("button", { name: "提交", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("已提交第 1 稿（35 字）");
  await expect(page.getByTestId("standing")).toContainText("待批阅");
  await expect(page.getByTestId("versions")).toContainText("第 1 稿");
  await expect(box).toHaveCount(0);
  expect(await axeViolations(page)).toEqual([]);
});
