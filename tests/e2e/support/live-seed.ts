import Database from "better-sqlite3";
import { openContestFactory } from "../../contest-factories";
import { openQuizFactory } from "../../quiz-factories";
import { E2E_DB } from "./paths";
import { uniqueSuffix } from "./quiz-seed";

// Per-test data for the live-round spec, written into the shared e2e database while the server runs:
// a bank at the root (where the demo trainer's grant is) with the standard questions (first by id: a
// single choice keyed B "乙选项1", then a multiple choice keyed A+C), and a published contest of the
// root unit whose audience is the players' unit. Unique titles keep parallel runs apart.

export type SeededLiveContest = { contestId: number; bankId: number; title: string };

export function seedLiveContest(playerNumbers: string[]): SeededLiveContest {
  const db = new Database(E2E_DB, { timeout: 5000, fileMustExist: true });
  try {
    const root = db.prepare("SELECT id FROM OrgUnit WHERE parentId IS NULL ORDER BY id LIMIT 1").get() as { id: number };
    const trainer = db.prepare("SELECT id FROM Person WHERE number = 'trainer'").get() as { id: number };
    const units = [...new Set(playerNumbers.map((n) => (db.prepare("SELECT unitId FROM Person WHERE number = ?").get(n) as { unitId: number }).unitId))];
    const slug = `e2e-live-${uniqueSuffix()}`;
    const title = `现场赛-${slug}`;
    return db
      .transaction(() => {
        const { bankId } = openQuizFactory(db).standardBank({ slug, unitId: root.id, perType: 1 });
        const contestId = openContestFactory(db).contest({ title, unitId: root.id, createdById: trainer.id, audiences: units.map((unitId) => ({ unitId })) });
        return { contestId, bankId, title };
      })
      .immediate();
  } finally {
    db.close();
  }
}
