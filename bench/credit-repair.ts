import fs from "node:fs";
import path from "node:path";
import { migrate } from "../scripts/lib/migrate";

// `npx tsx bench/credit-repair.ts`: what decision 034 costs, against a fresh migrated SQLite file.
// 1. A lesson completion's credit: through Prisma after the commit (before) and inside the
//    heartbeat's raw transaction (now), 2,000 new sources each way, three rounds.
// 2. A credit-repair pass over a large, fully credited database (12,000 people: 600,000 completed
//    lessons, 240,000 passed quiz grades, 60,000 contest entries, 120,000 attendances, 10,000
//    approved claims, each with its ledger entry): slices, their times per source, the whole pass.
// Prints figures; asserts nothing about time (only that a credited database needs no repair).

const root = path.resolve(import.meta.dirname, "..");
const tmp = path.join(root, "bench", ".tmp");
fs.mkdirSync(tmp, { recursive: true });
const dbFile = path.join(tmp, `credit-repair-${process.pid}.db`);
const removeDb = () => ["", "-wal", "-shm"].forEach((s) => fs.rmSync(dbFile + s, { force: true }));
removeDb();
migrate(dbFile);
// The app's modules read DATABASE_URL when first imported: set it before importing them.
process.env.DATABASE_URL = `file:${dbFile}`;
const { default: Database } = await import("better-sqlite3");
const { creditHours, creditHoursOn } = await import("../app/.server/hours/ledger");
const { CreditRepair } = await import("../app/.server/credit-repair");
const { prismaReady, sqlDb } = await import("../app/.server/db");

const PEOPLE = 12_000;
const LESSONS = 50;
const QUIZZES = 20;
const CONTESTS = 5;
const ACTIVITIES = 600;
const PER_ACTIVITY = 200;
const CLAIMS = 10_000;
const ts = new Date().toISOString().replace("Z", "+00:00");

const db = new Database(dbFile);
db.pragma("journal_mode = WAL");
let t = performance.now();
db.transaction(() => {
  db.prepare(
    `INSERT INTO OrgUnit (id, name, kind, path, depth, sortOrder, createdAt, updatedAt) VALUES (1, '基准大学党委', 'committee', '/1/', 0, 0, ?, ?)`,
  ).run(ts, ts);
  const person = db.prepare(
    `INSERT INTO Person (id, number, name, category, unitId, politicalStatus, cadreLevel, isCommitteeMember, createdAt, updatedAt) VALUES (?, ?, '学员', 'student', 1, 'member', 'none', 0, ?, ?)`,
  );
  for (let p = 1; p <= PEOPLE; p++) person.run(p, `b${p}`, ts, ts);
  const entry = db.prepare(
    `INSERT INTO HoursEntry (personId, year, month, amount, category, sourceKind, sourceId, earnedAt, createdAt) VALUES (?, 2026, 1, ?, ?, ?, ?, ?, ?)`,
  );
  db.prepare(
    `INSERT INTO Course (id, slug, source, unitId, title, summary, category, tags, completionPermille, body, bodyHash, status, revision, createdAt, updatedAt)
     VALUES (1, 'bench', 'studio', 1, '课程', '', '党课', '[]', 950, '', '', 'published', 0, ?, ?)`,
  ).run(ts, ts);
  const lesson = db.prepare(
    `INSERT INTO Lesson (id, courseId, key, position, title, minutes, credit, checkpoints, body, bodyHash, createdAt, updatedAt) VALUES (?, 1, ?, ?, '课时', 1, 25, '[]', '', '', ?, ?)`,
  );
  const progress = db.prepare(`INSERT INTO LessonProgress (personId, lessonId, completedAt, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)`);
  for (let l = 1; l <= LESSONS; l++) lesson.run(l, `k${l}`, l, ts, ts);
  for (let p = 1; p <= PEOPLE; p++) {
    for (let l = 1; l <= LESSONS; l++) {
      progress.run(p, l, ts, ts, ts);
      entry.run(p, 25, "online", "lesson", String(l), ts, ts);
    }
  }
  const quiz = db.prepare(
    `INSERT INTO Quiz (id, title, unitId, createdById, status, creditHours, createdAt, updatedAt) VALUES (?, '测验', 1, 1, 'published', 50, ?, ?)`,
  );
  const grade = db.prepare(`INSERT INTO QuizGrade (quizId, personId, percent, passed, attempts, updatedAt) VALUES (?, ?, 800, 1, 1, ?)`);
  for (let q = 1; q <= QUIZZES; q++) {
    quiz.run(q, ts, ts);
    for (let p = 1; p <= PEOPLE; p++) {
      grade.run(q, p, ts);
      entry.run(p, 50, "quiz", "quiz", String(q), ts, ts);
    }
  }
  const contest = db.prepare(
    `INSERT INTO Contest (id, title, unitId, createdById, status, opensAt, closesAt, timeLimitSec, creditHours, createdAt, updatedAt) VALUES (?, '竞赛', 1, 1, 'published', ?, ?, 900, 25, ?, ?)`,
  );
  const contestEntry = db.prepare(
    `INSERT INTO ContestEntry (contestId, personId, seed, state, startedAt, deadlineAt, finishedAt, maxScore) VALUES (?, ?, 's', 'submitted', ?, ?, ?, 100)`,
  );
  for (let c = 1; c <= CONTESTS; c++) {
    contest.run(c, ts, ts, ts, ts);
    for (let p = 1; p <= PEOPLE; p++) {
      contestEntry.run(c, p, ts, ts, ts);
      entry.run(p, 25, "contest", "contest", String(c), ts, ts);
    }
  }
  const activity = db.prepare(
    `INSERT INTO Activity (id, unitId, kind, title, startsAt, endsAt, checkinOpensAt, checkinClosesAt, hours, codeSecret, status, createdById, createdAt, updatedAt)
     VALUES (?, 1, 'party_lecture', '党课', ?, ?, ?, ?, 100, 's', 'confirmed', 1, ?, ?)`,
  );
  const attendance = db.prepare(`INSERT INTO ActivityAttendance (activityId, personId, source, at) VALUES (?, ?, 'checkin', ?)`);
  for (let a = 1; a <= ACTIVITIES; a++) {
    activity.run(a, ts, ts, ts, ts, ts, ts);
    for (let k = 0; k < PER_ACTIVITY; k++) {
      const p = ((a * PER_ACTIVITY + k) % PEOPLE) + 1;
      attendance.run(a, p, ts);
      entry.run(p, 100, "offline", "activity", String(a), ts, ts);
    }
  }
  const claim = db.prepare(
    `INSERT INTO CreditClaim (personId, title, category, hours, earnedOn, filePath, fileMime, status, createdAt) VALUES (?, '培训', 'offline', 100, ?, 'f', 'image/png', 'approved', ?)`,
  );
  for (let c = 1; c <= CLAIMS; c++) {
    const p = (c % PEOPLE) + 1;
    entry.run(p, 100, "offline", "claim", String(claim.run(p, ts, ts).lastInsertRowid), ts, ts);
  }
})();
const rows = db.prepare(`SELECT (SELECT COUNT(*) FROM HoursEntry) AS n`).get() as { n: number };
db.close();
console.log(`setup: ${rows.n} ledger entries in ${Math.round(performance.now() - t)} ms`);
await prismaReady();

const credit = (kind: string, i: number) => ({ personId: 1, amount: 25, category: "online" as const, sourceKind: kind, sourceId: String(i), note: "课时" });
const N = 2000;
for (const round of [1, 2, 3]) {
  t = performance.now();
  for (let i = 0; i < N; i++) await creditHours(credit(`prisma-${round}`, i));
  const before = (performance.now() - t) / N;
  t = performance.now();
  for (let i = 0; i < N; i++) {
    await sqlDb().transaction((tx) => creditHoursOn(tx, credit(`raw-${round}`, i)));
  }
  const now = (performance.now() - t) / N;
  console.log(
    `credit, round ${round}: through Prisma after the commit ${(before * 1000).toFixed(0)} µs; inside a raw transaction ${(now * 1000).toFixed(0)} µs (with its own commit)`,
  );
}

for (const round of [1, 2]) {
  const repair = new CreditRepair();
  const bySource = new Map<string, number[]>();
  let credited = 0;
  const start = performance.now();
  do {
    const kind = repair.walking ?? "lesson";
    const s = performance.now();
    // A budget of 1 ms stops after the first slice: each call's time is one slice's.
    credited += await repair.run(1);
    bySource.set(kind, [...(bySource.get(kind) ?? []), performance.now() - s]);
  } while (repair.walking);
  const all = [...bySource.values()].flat().sort((a, b) => a - b);
  console.log(
    `repair pass ${round}: ${all.length} slices in ${Math.round(performance.now() - start)} ms, slice p50 ${all[all.length >> 1].toFixed(1)} ms, max ${all[all.length - 1].toFixed(1)} ms; credited ${credited}`,
  );
  for (const [kind, times] of bySource) {
    times.sort((a, b) => a - b);
    console.log(
      `  ${kind.padEnd(8)} ${String(times.length).padStart(4)} slices, p50 ${times[times.length >> 1].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`,
    );
  }
  if (credited !== 0) throw new Error(`a fully credited database needed ${credited} repairs`);
}
removeDb();
process.exit(0);
