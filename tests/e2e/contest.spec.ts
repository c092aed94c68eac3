import Database from "better-sqlite3";
import { type Page } from "@playwright/test";
import { openContestFactory } from "../contest-factories";
import { openQuizFactory } from "../quiz-factories";
import { expect, signInAs, test } from "./support/fixtures";
import { E2E_DB } from "./support/paths";
import { uniqueSuffix } from "./support/quiz-seed";

// A paper contest on the phone: enter, answer one question at a time (each answer goes to the intake
// and is kept once acknowledged), reload half-way and carry on where the paper was, hand in, and see
// the score, the place and the ranking. The standard bank's keys: single B (乙选项), multiple A+C
// (甲选项, 丙选项), judge true, fill 三会一课.

function seedContest(): { contestId: number; title: string } {
  const db = new Database(E2E_DB, { timeout: 5000, fileMustExist: true });
  try {
    const root = db.prepare("SELECT id FROM OrgUnit WHERE parentId IS NULL ORDER BY id LIMIT 1").get() as { id: number };
    const trainer = db.prepare("SELECT id FROM Person WHERE number = 'trainer'").get() as { id: number };
    const slug = `e2e-contest-${uniqueSuffix()}`;
    const title = `知识竞赛-${slug}`;
    return db
      .transaction(() => {
        const { bankId } = openQuizFactory(db).standardBank({ slug, unitId: root.id, perType: 1 });
        const contestId = openContestFactory(db).contest({
          title,
          unitId: root.id,
          createdById: trainer.id,
          timeLimitSec: 600,
          sections: [{ bankId, count: 4, pointsEach: 2500 }],
          audiences: [{ unitId: root.id }],
        });
        return { contestId, title };
      })
      .immediate();
  } finally {
    db.close();
  }
}

/**
 * Answers the question on screen, right or wrong when asked, and returns once the page has taken the
 * answer in: the count of answered questions has moved on (and with it the question shown).
 */
async function answerShown(page: Page, right = true) {
  const q = page.getByTestId("contest-question");
  const count = Number(/已答 (\d+)\//.exec((await page.getByText(/已答 \d+\/\d+ 题/).textContent()) ?? "")?.[1]);
  const label = (await q.textContent()) ?? "";
  if (label.includes("填空题")) await q.getByLabel("答案").fill(right ? "三会一课" : "不知道");
  else if (label.includes("判断题")) await q.getByRole("button", { name: right ? "正确" : "错误" }).click();
  else if (label.includes("多选题")) {
    for (const option of right ? ["甲选项", "丙选项"] : ["乙选项"]) await q.getByRole("button", { name: new RegExp(option) }).click();
  } else await q.getByRole("button", { name: new RegExp(right ? "乙选项" : "丁选项") }).click();
  const before = await q.getAttribute("data-position");
  const answered = page.waitForResponse((r) => r.url().endsWith("/api/contests/answer") && r.status() === 200);
  await q.getByRole("button", { name: "确定" }).click();
  await answered;
  await expect(page.getByText(new RegExp(`已答 ${count + 1}/\\d+ 题`))).toBeVisible();
  return before;
}

test("a participant answers a contest on the phone, reloads half-way, hands in and sees the place", async ({ page, db }) => {
  const { contestId, title } = seedContest();
  await signInAs(page, "cadre", "吴处长");
  await page.goto("/contests");
  await page.getByRole("link", { name: new RegExp(title) }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await page.getByRole("button", { name: "开始答题" }).click();

  await expect(page.getByText("已答 0/4 题")).toBeVisible();
  const first = await answerShown(page);
  await expect(page.getByText("已答 1/4 题")).toBeVisible();
  await expect(page.getByTestId("contest-question")).not.toHaveAttribute("data-position", first!);
  await answerShown(page);
  await expect(page.getByText("已答 2/4 题")).toBeVisible();

  // A reload (or another phone) picks up where the paper was: two answered, the next one open.
  await page.reload();
  await expect(page.getByText("已答 2/4 题")).toBeVisible();
  await expect(page.getByTestId("contest-question").getByRole("button", { name: "确定" })).toBeVisible();
  await answerShown(page, false);
  await answerShown(page);
  await expect(page.getByText("已答 4/4 题")).toBeVisible();

  await page.getByRole("button", { name: "交卷" }).click();
  await expect(page.getByTestId("contest-score")).toContainText("75");
  await expect(page.getByText("答对 3/4 题")).toBeVisible();
  await expect(page.getByTestId("contest-place")).toHaveText(/当前排名 第 1 名（共 1 人交卷）/);

  const stored = db()
    .prepare("SELECT COUNT(*) AS n, SUM(a.correct) AS right FROM ContestAnswer a JOIN ContestEntry e ON e.id = a.entryId WHERE e.contestId = ?")
    .get(contestId);
  expect(stored).toEqual({ n: 4, right: 3 });
});
