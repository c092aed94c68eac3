import Database from "better-sqlite3";
import { axeViolations } from "./support/axe";
import { expect, signInAs, test } from "./support/fixtures";
import { E2E_DB } from "./support/paths";
import { sqliteTime, uniqueSuffix } from "./support/quiz-seed";

// Writing a 心得 on a phone (issue 14): the activist opens her class's assignment, sees the count as
// she types, her draft is kept when she leaves the box and reloads, a hand-in under the minimum is
// refused with the count, and a long enough one is handed in and waits for the tutor.

const DAY = 24 * 3600_000;

/**
 * A class of the person's own unit with them enrolled (in a group tutored by `tutorNumber`, if given),
 * and one essay of 20–200 字 (already handed in with `handedIn`, if given): its id and title.
 */
function seedAssignment(personNumber: string, options: { tutorNumber?: string; handedIn?: string } = {}): { assignmentId: number; title: string } {
  const db = new Database(E2E_DB, { timeout: 5000, fileMustExist: true });
  try {
    return db
      .transaction(() => {
        const person = db.prepare(`SELECT "id", "unitId" FROM "Person" WHERE "number" = ?`).get(personNumber) as { id: number; unitId: number };
        const suffix = uniqueSuffix();
        const now = sqliteTime(new Date());
        const at = (days: number) => sqliteTime(new Date(Date.now() + days * DAY));
        const term = 1000 + (parseInt(suffix, 16) % 1_000_000);
        const classId = db
          .prepare(
            `INSERT INTO "TrainingClass" ("kind", "title", "term", "unitId", "startsOn", "endsOn", "gradingRule", "status", "createdById", "createdAt", "updatedAt")
           VALUES ('activist', ?, ?, ?, ?, ?, '{}', 'running', ?, ?, ?) RETURNING "id"`,
          )
          .pluck()
          .get(`积极分子培训班-${suffix}`, term, person.unitId, now, at(30), person.id, now, now) as number;
        let groupId: number | null = null;
        if (options.tutorNumber) {
          groupId = db.prepare(`INSERT INTO "ClassGroup" ("classId", "name") VALUES (?, '第一组') RETURNING "id"`).pluck().get(classId) as number;
          db.prepare(`INSERT INTO "ClassTutor" ("groupId", "personId") SELECT ?, "id" FROM "Person" WHERE "number" = ?`).run(groupId, options.tutorNumber);
        }
        db.prepare(
          `INSERT INTO "ClassMember" ("classId", "personId", "status", "source", "groupId", "createdAt", "updatedAt") VALUES (?, ?, 'enrolled', 'organiser', ?, ?, ?)`,
        ).run(classId, person.id, groupId, now, now);
        const title = `学习心得-${suffix}`;
        const rubric = JSON.stringify([
          { label: "思想认识", max: 6000 },
          { label: "文字表达", max: 4000 },
        ]);
        const assignmentId = db
          .prepare(
            `INSERT INTO "Assignment" ("classId", "kind", "title", "prompt", "minChars", "maxChars", "opensAt", "dueAt", "allowAttachments", "rubric", "createdById", "createdAt", "updatedAt")
           VALUES (?, 'essay', ?, '谈谈你对入党动机的认识。', 20, 200, ?, ?, 0, ?, ?, ?, ?) RETURNING "id"`,
          )
          .pluck()
          .get(classId, title, at(-1), at(7), rubric, person.id, now, now) as number;
        if (options.handedIn) {
          const text = options.handedIn;
          const submissionId = db
            .prepare(
              `INSERT INTO "Submission" ("assignmentId", "personId", "status", "text", "chars", "version", "submittedAt", "createdAt", "updatedAt")
             VALUES (?, ?, 'submitted', ?, ?, 1, ?, ?, ?) RETURNING "id"`,
            )
            .pluck()
            .get(assignmentId, person.id, text, text.length, now, now, now) as number;
          db.prepare(`INSERT INTO "SubmissionVersion" ("submissionId", "version", "text", "chars", "submittedAt") VALUES (?, 1, ?, ?, ?)`).run(
            submissionId,
            text,
            text.length,
            now,
          );
        }
        return { assignmentId, title };
      })
      .immediate();
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

test("a tutor grades a handed-in 心得 by the rubric at a desk, and the member reads the grade @desktop", async ({ page, newContext, consoleErrors }) => {
  // The refused grade is answered with 400, which the browser notes in its console.
  consoleErrors.allow(/status of 400 .*\/manage\/assignments\/\d+\.data/);
  const essay = "通过本期培训，我对党的性质和宗旨有了更深的认识，决心以实际行动争取早日入党。";
  const { assignmentId, title } = seedAssignment("target", { tutorNumber: "trainer", handedIn: essay });
  const desk = await newContext({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  const tutor = await desk.newPage();
  await signInAs(tutor, "trainer", "钱教员");
  await tutor.goto(`/manage/assignments/${assignmentId}`);
  await expect(tutor.getByRole("heading", { name: `批阅：${title}` })).toBeVisible();
  await tutor.getByTestId("queue-row").filter({ hasText: "郑发展" }).click();
  await expect(tutor.getByTestId("submission-text")).toHaveText(essay);
  await expect(tutor.getByRole("heading", { name: "查重结果" })).toBeVisible();
  await tutor.getByLabel("思想认识（0–60）").fill("55");
  await tutor.getByLabel("文字表达（0–40）").fill("41");
  await tutor.getByRole("button", { name: "提交评分" }).click();
  await expect(tutor.getByText("「文字表达」的得分应在 0 至 40 分之间（最多两位小数）")).toBeVisible();
  await tutor.getByLabel("文字表达（0–40）").fill("36.5");
  await tutor.getByLabel("评语").fill("认识深刻，联系实际。");
  await tutor.getByRole("button", { name: "提交评分" }).click();
  await expect(tutor.getByRole("status")).toHaveText("已评分：91.5 分");
  await expect(tutor.getByTestId("reviews")).toContainText("评分 91.5 分");

  await signInAs(page, "target", "郑发展");
  await page.goto(`/assignments/${assignmentId}`);
  await expect(page.getByTestId("grade")).toContainText("91.5");
  await expect(page.getByTestId("grade")).toContainText("认识深刻，联系实际。");
});
