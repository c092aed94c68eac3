import type Database from "better-sqlite3";

// Builders for contests, entries (with their papers and answers) and live rounds, written straight into
// a SQLite file like tests/quiz-factories.ts (same timestamp format). Banks and questions come from
// tests/quiz-factories.ts. Nothing is validated here: a test states the rows it needs.

const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");

export type ContestInput = {
  title: string;
  unitId: number;
  createdById: number;
  status?: "draft" | "published" | "archived";
  opensAt?: Date;
  closesAt?: Date;
  timeLimitSec?: number;
  creditHours?: number | null;
  sections?: { bankId: number; count: number; pointsEach: number; tag?: string; difficulty?: number }[];
  audiences?: { unitId: number; politicalStatus?: string }[];
};

export type EntryInput = {
  contestId: number;
  personId: number;
  /** The paper: question ids in order, each worth `points` (hundredths). */
  items: { questionId: number; points: number; optionOrder?: string[] }[];
  startedAt?: Date;
  deadlineAt?: Date;
  state?: "in_progress" | "submitted" | "expired";
  finishedAt?: Date | null;
  score?: number | null;
  correct?: number | null;
  durationMs?: number | null;
  showName?: boolean;
  /** Answers already stored: position (1-based), response in bank letters, and their grade. */
  answers?: { position: number; response: unknown; correct: boolean; points: number; receivedAt?: Date }[];
};

export function openContestFactory(db: Database.Database) {
  const now = () => ts(new Date());
  const insertContest = db.prepare(
    `INSERT INTO Contest (title, description, unitId, createdById, status, opensAt, closesAt, timeLimitSec, creditHours, createdAt, updatedAt)
     VALUES (@title, NULL, @unitId, @createdById, @status, @opensAt, @closesAt, @timeLimitSec, @creditHours, @now, @now)`,
  );
  const insertSection = db.prepare(`INSERT INTO ContestSection (contestId, position, bankId, tag, difficulty, count, pointsEach) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const insertAudience = db.prepare(`INSERT INTO ContestAudience (contestId, unitId, politicalStatus) VALUES (?, ?, ?)`);
  const insertEntry = db.prepare(
    `INSERT INTO ContestEntry (contestId, personId, seed, state, startedAt, deadlineAt, finishedAt, maxScore, score, correct, durationMs, showName)
     VALUES (@contestId, @personId, @seed, @state, @startedAt, @deadlineAt, @finishedAt, @maxScore, @score, @correct, @durationMs, @showName)`,
  );
  const insertItem = db.prepare(`INSERT INTO ContestItem (entryId, position, questionId, optionOrder, points) VALUES (?, ?, ?, ?, ?)`);
  const insertAnswer = db.prepare(`INSERT INTO ContestAnswer (entryId, position, response, correct, points, receivedAt) VALUES (?, ?, ?, ?, ?, ?)`);

  /** A contest, published and open for a day around now unless told otherwise. */
  function contest(input: ContestInput): number {
    const id = Number(
      insertContest.run({
        title: input.title,
        unitId: input.unitId,
        createdById: input.createdById,
        status: input.status ?? "published",
        opensAt: ts(input.opensAt ?? new Date(Date.now() - 3600_000)),
        closesAt: ts(input.closesAt ?? new Date(Date.now() + 24 * 3600_000)),
        timeLimitSec: input.timeLimitSec ?? 900,
        creditHours: input.creditHours ?? null,
        now: now(),
      }).lastInsertRowid,
    );
    (input.sections ?? []).forEach((s, i) => insertSection.run(id, i + 1, s.bankId, s.tag ?? null, s.difficulty ?? null, s.count, s.pointsEach));
    for (const a of input.audiences ?? []) insertAudience.run(id, a.unitId, a.politicalStatus ?? null);
    return id;
  }

  /** An entry with its paper and any answers, in one transaction. */
  const entry = db.transaction((input: EntryInput): number => {
    const startedAt = input.startedAt ?? new Date();
    const id = Number(
      insertEntry.run({
        contestId: input.contestId,
        personId: input.personId,
        seed: "test-seed",
        state: input.state ?? "in_progress",
        startedAt: ts(startedAt),
        deadlineAt: ts(input.deadlineAt ?? new Date(startedAt.getTime() + 900_000)),
        finishedAt: input.finishedAt ? ts(input.finishedAt) : null,
        maxScore: input.items.reduce((s, i) => s + i.points, 0),
        score: input.score ?? null,
        correct: input.correct ?? null,
        durationMs: input.durationMs ?? null,
        showName: input.showName ? 1 : 0,
      }).lastInsertRowid,
    );
    input.items.forEach((item, i) => insertItem.run(id, i + 1, item.questionId, item.optionOrder ? JSON.stringify(item.optionOrder) : null, item.points));
    for (const a of input.answers ?? []) {
      insertAnswer.run(id, a.position, JSON.stringify(a.response), a.correct ? 1 : 0, a.points, ts(a.receivedAt ?? new Date()));
    }
    return id;
  });

  return { contest, entry };
}

export type ContestFactory = ReturnType<typeof openContestFactory>;
