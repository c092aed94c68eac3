import { type Page } from "@playwright/test";
import Database from "better-sqlite3";
import { openContestFactory } from "../../contest-factories";
import { openQuizFactory } from "../../quiz-factories";
import { E2E_DB } from "./paths";
import { uniqueSuffix } from "./quiz-seed";

// A paper contest of its own for one end-to-end test, and answering its paper, at the root unit for everybody: four questions
// (one of each type) from the standard bank, whose keys are single B (乙选项), multiple A+C (甲选项,
// 丙选项), judge true, fill 三会一课.

export function seedContest(): { contestId: number; title: string } {
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

/** Chooses or types the answer to the question on screen, right or wrong when asked, without confirming it. */
export async function fillShown(page: Page, right = true) {
  const q = page.getByTestId("contest-question");
  const label = (await q.textContent()) ?? "";
  if (label.includes("填空题")) await q.getByLabel("答案").fill(right ? "三会一课" : "不知道");
  else if (label.includes("判断题")) await q.getByLabel(right ? "正确" : "错误").check();
  else if (label.includes("多选题")) {
    for (const option of right ? ["甲选项", "丙选项"] : ["乙选项"]) await q.getByLabel(new RegExp(option)).check();
  } else await q.getByLabel(new RegExp(right ? "乙选项" : "丁选项")).check();
}
