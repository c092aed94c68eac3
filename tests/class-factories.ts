import type Database from "better-sqlite3";
import { DEFAULT_GRADING_RULE, type GradingRule } from "~/lib/class-grading";

// Builders for party-school classes and what their results are read from (schedule items, sessions
// with attendance, exam grades, finished lessons, assignments with graded submissions), written
// straight into a SQLite file like tests/factories.ts, with the same timestamp format.

const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");

export type ClassInput = {
  kind: "activist" | "target" | "probationary" | "member" | "cadre";
  title: string;
  term: number;
  unitId: number;
  createdById: number;
  rule?: GradingRule | string;
  status?: string;
};

export function openClassFactory(db: Database.Database) {
  const now = () => ts(new Date());
  const insertClass = db.prepare(
    `INSERT INTO TrainingClass (kind, title, term, unitId, startsOn, endsOn, gradingRule, status, createdById, createdAt, updatedAt)
     VALUES (@kind, @title, @term, @unitId, @startsOn, @endsOn, @gradingRule, @status, @createdById, @now, @now)`,
  );
  const insertMember = db.prepare(
    `INSERT INTO ClassMember (classId, personId, status, source, groupId, createdAt, updatedAt) VALUES (?, ?, ?, 'organiser', ?, ?, ?)`,
  );
  const insertGroup = db.prepare(`INSERT INTO ClassGroup (classId, name) VALUES (?, ?)`);
  const insertTutor = db.prepare(`INSERT INTO ClassTutor (groupId, personId) VALUES (?, ?)`);
  const insertItem = db.prepare(`INSERT INTO ClassItem (classId, position, kind, courseId, activityId, quizId, required) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const insertActivity = db.prepare(
    `INSERT INTO Activity (unitId, kind, title, startsAt, endsAt, checkinOpensAt, checkinClosesAt, hours, codeSecret, status, createdById, createdAt, updatedAt)
     VALUES (@unitId, 'party_school', @title, @at, @at, @at, @at, 400, 'secret', @status, @createdById, @now, @now)`,
  );
  const insertAttendance = db.prepare(`INSERT INTO ActivityAttendance (activityId, personId, source, at, removedAt) VALUES (?, ?, 'checkin', ?, ?)`);
  const upsertGrade = db.prepare(
    `INSERT INTO QuizGrade (quizId, personId, percent, passed, attempts, updatedAt) VALUES (?, ?, ?, ?, 1, ?)
     ON CONFLICT ("quizId", "personId") DO UPDATE SET "percent" = excluded."percent", "passed" = excluded."passed"`,
  );
  const insertProgress = db.prepare(
    `INSERT INTO LessonProgress (personId, lessonId, watched, watchedSeconds, readSeconds, checkpoints, completedAt, createdAt, updatedAt)
     VALUES (?, ?, '[]', 0, 600, '{}', ?, ?, ?)`,
  );
  const insertAssignment = db.prepare(
    `INSERT INTO Assignment (classId, kind, title, prompt, opensAt, dueAt, rubric, createdById, createdAt, updatedAt)
     VALUES (?, 'essay', ?, '谈谈你的体会', ?, ?, ?, ?, ?, ?)`,
  );
  const insertSubmission = db.prepare(
    `INSERT INTO Submission (assignmentId, personId, status, text, chars, version, submittedAt, score, gradedAt, createdAt, updatedAt)
     VALUES (?, ?, ?, '心得正文', 4, 1, ?, ?, ?, ?, ?)`,
  );

  function trainingClass(input: ClassInput): number {
    const start = new Date(Date.now() - 30 * 86400_000);
    const rule = input.rule ?? DEFAULT_GRADING_RULE;
    return Number(
      insertClass.run({
        kind: input.kind,
        title: input.title,
        term: input.term,
        unitId: input.unitId,
        startsOn: ts(start),
        endsOn: ts(new Date()),
        gradingRule: typeof rule === "string" ? rule : JSON.stringify(rule),
        status: input.status ?? "running",
        createdById: input.createdById,
        now: now(),
      }).lastInsertRowid,
    );
  }

  function group(classId: number, name: string, tutorIds: number[] = []): number {
    const id = Number(insertGroup.run(classId, name).lastInsertRowid);
    for (const t of tutorIds) insertTutor.run(id, t);
    return id;
  }

  function member(classId: number, personId: number, opts: { status?: string; groupId?: number | null } = {}) {
    insertMember.run(classId, personId, opts.status ?? "enrolled", opts.groupId ?? null, now(), now());
  }

  let position = 0;
  function item(classId: number, kind: "course" | "session" | "exam", ref: number, required = true): void {
    insertItem.run(classId, ++position, kind, kind === "course" ? ref : null, kind === "session" ? ref : null, kind === "exam" ? ref : null, required ? 1 : 0);
  }

  function session(input: { unitId: number; createdById: number; title: string; status?: string }): number {
    return Number(insertActivity.run({ ...input, status: input.status ?? "confirmed", at: now(), now: now() }).lastInsertRowid);
  }

  function attend(activityId: number, personId: number, opts: { removed?: boolean } = {}) {
    insertAttendance.run(activityId, personId, now(), opts.removed ? now() : null);
  }

  /** A quiz grade in percent (e.g. 72.5), stored in tenths as QuizGrade holds it. */
  function grade(quizId: number, personId: number, percent: number) {
    upsertGrade.run(quizId, personId, Math.round(percent * 10), percent >= 60 ? 1 : 0, now());
  }

  function finishLessons(personId: number, lessonIds: number[]) {
    for (const l of lessonIds) insertProgress.run(personId, l, now(), now(), now());
  }

  /** An essay whose rubric totals `max` hundredths (criteria as [{ label, max }]). */
  function assignment(input: { classId: number; title: string; createdById: number; max?: number }): number {
    const max = input.max ?? 10000;
    const rubric = JSON.stringify([
      { label: "内容", max: max / 2 },
      { label: "表达", max: max / 2 },
    ]);
    const due = new Date(Date.now() - 86400_000);
    return Number(
      insertAssignment.run(input.classId, input.title, ts(new Date(due.getTime() - 14 * 86400_000)), ts(due), rubric, input.createdById, now(), now())
        .lastInsertRowid,
    );
  }

  /** A submission; `score` in hundredths makes it graded. */
  function submission(assignmentId: number, personId: number, score: number | null, status = score === null ? "submitted" : "graded") {
    insertSubmission.run(assignmentId, personId, status, now(), score, score === null ? null : now(), now(), now());
  }

  return { trainingClass, group, member, item, session, attend, grade, finishLessons, assignment, submission };
}

export type ClassFactory = ReturnType<typeof openClassFactory>;
