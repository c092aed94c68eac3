import crypto from "node:crypto";
import Database from "better-sqlite3";
import { openClassFactory } from "../../class-factories";
import { openQuizFactory } from "../../quiz-factories";
import { E2E_DB } from "./paths";

// Per-test class data for the end-to-end class specs, written into the shared e2e database while the
// server runs: a class of its own (a random term, so the mobile and desktop projects never meet) with
// an exam, the learner graded on it and a classmate who did not sit it.

export type SeededClass = { classId: number; title: string };

export function seedClassToGraduate(organiserNumber: string, learnerNumber: string, classmateNumber: string): SeededClass {
  const db = new Database(E2E_DB, { timeout: 5000, fileMustExist: true });
  try {
    const person = (n: string) => db.prepare("SELECT p.id, p.unitId FROM Person p WHERE p.number = ?").get(n) as { id: number; unitId: number };
    const organiser = person(organiserNumber);
    const learner = person(learnerNumber);
    const classmate = person(classmateNumber);
    const unit = db.prepare("SELECT unitId FROM RoleGrant WHERE personId = ? ORDER BY id LIMIT 1").get(organiser.id) as { unitId: number };
    const term = 1000 + crypto.randomInt(1_000_000);
    const title = `第 ${term} 期入党积极分子培训班`;
    return db
      .transaction(() => {
        const cf = openClassFactory(db);
        const exam = openQuizFactory(db).quiz({ title: `${title}结业考试`, unitId: unit.unitId, createdById: organiser.id });
        const classId = cf.trainingClass({ kind: "activist", title, term, unitId: unit.unitId, createdById: organiser.id });
        cf.item(classId, "exam", exam);
        cf.member(classId, learner.id);
        cf.member(classId, classmate.id);
        cf.grade(exam, learner.id, 92);
        return { classId, title };
      })
      .immediate();
  } finally {
    db.close();
  }
}
