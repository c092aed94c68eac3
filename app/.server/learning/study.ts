import { AppError } from "~/lib/app-error";
import crypto from "node:crypto";
import { type Checkpoint, checkpointReveal } from "~/lib/course-format";
import { type QuestionKey, gradeQuestion } from "~/lib/quiz-grading";
import {
  type BeatVerdict,
  type Interval,
  type StudySession,
  coverage,
  furthestPoint,
  isTextComplete,
  isVideoComplete,
  judgeHeartbeat,
  judgeReadingBeat,
  refusalMessage,
  startSession,
} from "~/lib/watch-credit";
import { storedTimestamp } from "~/lib/timestamp";
import { prisma, sqlDb } from "../db";
import { type CreditInput, type CreditResult, creditHours, creditHoursOn } from "../hours/ledger";
import { publishedBySelf } from "../hours/self-credit";
import { type SqlRunner, forUpdate, raw, sql } from "../sql";
import { type StudyBatch, studyWriter } from "./study-writer";

// Study heartbeats on the server: the fair-credit rules of app/lib/watch-credit.ts applied to what is
// stored. This is the hot path (11,000 viewers at one heartbeat per 15 s is ~730 a second), so it runs
// as raw SQL (sqlDb(), decision 074): each request is a job (read the account's session and the
// lesson's progress, judge, write what changed) on the batch's transaction `tx`, run by the study
// writer's group commit (study-writer.ts: one transaction per short tick, a savepoint per job, answered
// after the commit), which also makes heartbeats of one account strictly one after another, as the
// rules require.
// Completion credits the lesson's 学时 through the ledger, once (the ledger's source key), in the same
// transaction: a completion is never stored without its hours (decision 034). Decisions 016 and 070.

type LessonFacts = {
  id: number;
  courseId: number;
  title: string;
  credit: number;
  minutes: number;
  duration: number | null;
  thresholdPercent: number;
  checkpoints: Checkpoint[];
  /** Who published the course's current revision (null for courses synced from files). */
  publishedById: number | null;
};

type SessionRow = { id: string; lessonId: number; lastBeatAt: string; lastSeq: number; allowance: number };
type ProgressRow = { watched: string; readSeconds: number; checkpoints: string; completedAt: string | null };
type CheckpointState = Record<string, { correct: boolean; at: string }>;

const ms = (s: string) => new Date(s).getTime();

async function lessonFacts(tx: SqlRunner, lessonId: number): Promise<LessonFacts> {
  const row = await tx.get<{
    id: number;
    courseId: number;
    title: string;
    credit: number;
    minutes: number;
    checkpoints: string;
    completionPermille: number;
    durationSec: number | null;
    publishedById: number | null;
  }>(
    sql`SELECT l."id", l."courseId", l."title", l."credit", l."minutes", l."checkpoints", c."completionPermille", m."durationSec", r."createdById" AS "publishedById"
       FROM "Lesson" l JOIN "Course" c ON c."id" = l."courseId"
       LEFT JOIN "MediaFile" m ON m."courseId" = l."courseId" AND m."path" = l."videoPath"
       LEFT JOIN "CourseRevision" r ON r."courseId" = c."id" AND r."number" = c."revision"
       WHERE l."id" = ${lessonId} AND l."archivedAt" IS NULL AND c."status" = 'published'`,
  );
  if (!row) throw new AppError("not_found", "课时不存在");
  return {
    id: row.id,
    courseId: row.courseId,
    title: row.title,
    credit: row.credit,
    minutes: row.minutes,
    duration: row.durationSec,
    thresholdPercent: row.completionPermille / 10,
    checkpoints: JSON.parse(row.checkpoints) as Checkpoint[],
    publishedById: row.publishedById,
  };
}

function toSession(row: SessionRow | undefined): StudySession | null {
  return row ? { id: row.id, lastBeatAt: ms(row.lastBeatAt), lastSeq: row.lastSeq, allowance: row.allowance } : null;
}

/**
 * The account's study session. In a batch it is read `forUpdate`: on PostgreSQL two nodes' heartbeats
 * of one account (two tabs) then judge one after the other, each seeing the other's sequence number
 * and allowance; on SQLite the batch's IMMEDIATE transaction already does (decision 074).
 */
function readSession(tx: SqlRunner, personId: number, lock: boolean) {
  return tx.get<SessionRow>(
    sql`SELECT "id", "lessonId", "lastBeatAt", "lastSeq", "allowance" FROM "StudySession" WHERE "personId" = ${personId}${lock ? forUpdate() : raw("")}`,
  );
}

function writeSession(tx: SqlRunner, personId: number, lessonId: number, s: StudySession) {
  return tx.run(
    sql`INSERT INTO "StudySession" ("personId", "id", "lessonId", "lastBeatAt", "lastSeq", "allowance")
      VALUES (${personId}, ${s.id}, ${lessonId}, ${new Date(s.lastBeatAt)}, ${s.lastSeq}, ${s.allowance})
       ON CONFLICT ("personId") DO UPDATE SET "id" = excluded."id", "lessonId" = excluded."lessonId", "lastBeatAt" = excluded."lastBeatAt",
         "lastSeq" = excluded."lastSeq", "allowance" = excluded."allowance"`,
  );
}

/** A judged heartbeat's session: the same id and lesson, its clock, sequence number and allowance moved on. */
function writeSessionClock(tx: SqlRunner, personId: number, s: StudySession) {
  return tx.run(
    sql`UPDATE "StudySession" SET "lastBeatAt" = ${new Date(s.lastBeatAt)}, "lastSeq" = ${s.lastSeq}, "allowance" = ${s.allowance}
      WHERE "personId" = ${personId} AND "id" = ${s.id}`,
  );
}

async function readProgress(tx: SqlRunner, personId: number, lessonId: number): Promise<ProgressRow> {
  return (
    (await tx.get<ProgressRow>(
      sql`SELECT "watched", "readSeconds", "checkpoints", "completedAt" FROM "LessonProgress" WHERE "personId" = ${personId} AND "lessonId" = ${lessonId}${forUpdate()}`,
    )) ?? { watched: "[]", readSeconds: 0, checkpoints: "{}", completedAt: null }
  );
}

function writeProgress(
  tx: SqlRunner,
  personId: number,
  lessonId: number,
  p: { watched: readonly Interval[]; readSeconds: number; checkpoints: CheckpointState; completedAt: string | null },
  now: Date,
) {
  const watchedSeconds = p.watched.reduce((s, [a, b]) => s + (b - a), 0);
  return tx.run(
    sql`INSERT INTO "LessonProgress" ("personId", "lessonId", "watched", "watchedSeconds", "readSeconds", "checkpoints", "completedAt", "createdAt", "updatedAt")
       VALUES (${personId}, ${lessonId}, ${JSON.stringify(p.watched)}, ${Math.round(watchedSeconds * 10) / 10}, ${p.readSeconds}, ${JSON.stringify(p.checkpoints)},
         ${p.completedAt}, ${now}, ${now})
       ON CONFLICT ("personId", "lessonId") DO UPDATE SET "watched" = excluded."watched", "watchedSeconds" = excluded."watchedSeconds",
         "readSeconds" = excluded."readSeconds", "checkpoints" = excluded."checkpoints", "completedAt" = excluded."completedAt", "updatedAt" = excluded."updatedAt"`,
  );
}

function isComplete(lesson: LessonFacts, watched: readonly Interval[], readSeconds: number, answered: CheckpointState): boolean {
  const answeredCount = lesson.checkpoints.filter((c) => answered[c.id]).length;
  if (lesson.duration) {
    return isVideoComplete({
      watched,
      duration: lesson.duration,
      thresholdPercent: lesson.thresholdPercent,
      checkpointsAnswered: answeredCount,
      checkpointsTotal: lesson.checkpoints.length,
    });
  }
  return isTextComplete(readSeconds, lesson.minutes * 60) && answeredCount >= lesson.checkpoints.length;
}

export type StudyStatus = {
  watched: Interval[];
  furthest: number;
  coverage: number;
  readSeconds: number;
  completed: boolean;
  /** 学时 credited by this request (hundredths), 0 when none. */
  credited: number;
};

function status(lesson: LessonFacts, p: ProgressRow & { watchedParsed: Interval[] }, credited: number): StudyStatus {
  return {
    watched: p.watchedParsed,
    furthest: furthestPoint(p.watchedParsed),
    coverage: lesson.duration ? coverage(p.watchedParsed, lesson.duration) : 0,
    readSeconds: p.readSeconds,
    completed: p.completedAt !== null,
    credited,
  };
}

/**
 * What a completed lesson earns: its 学时, once. The one rule for the heartbeat and the credit repair.
 * Nobody credits 学时 to themselves (decision 028): whoever published the course's current revision
 * set its lessons' hours, and is not credited for them until another trainer publishes it.
 */
function lessonCredit(
  personId: number,
  lesson: { id: number; title: string; credit: number; publishedById: number | null },
  completedAt: Date,
): CreditInput | null {
  if (lesson.credit <= 0 || lesson.publishedById === personId) return null;
  return { personId, amount: lesson.credit, category: "online", sourceKind: "lesson", sourceId: String(lesson.id), earnedAt: completedAt, note: lesson.title };
}

/** Inside the heartbeat's transaction: the hours credited by completing the lesson now (hundredths), 0 when none. */
async function creditCompletion(tx: SqlRunner, personId: number, lesson: LessonFacts, completedNow: boolean, now: Date): Promise<number> {
  const input = completedNow ? lessonCredit(personId, lesson, now) : null;
  return input && (await creditHoursOn(tx, input)).status === "credited" ? input.amount : 0;
}

/**
 * Credits a stored completion that has no entry in the ledger (one stored before crediting joined
 * the heartbeat's transaction): the credit repair's way in, by the same rule. A repeat changes nothing.
 */
export async function creditStoredCompletion(personId: number, lessonId: number): Promise<CreditResult | null> {
  const row = await prisma.lessonProgress.findUnique({
    where: { personId_lessonId: { personId, lessonId } },
    select: { completedAt: true, lesson: { select: { id: true, title: true, credit: true, courseId: true } } },
  });
  if (!row?.completedAt) return null;
  const self = await publishedBySelf(row.lesson.courseId, personId);
  const input = lessonCredit(personId, { ...row.lesson, publishedById: self ? personId : null }, row.completedAt);
  return input ? creditHours(input) : null;
}

/** A new study session for the account (a new tab, device or lesson): any older one stops counting. */
export function beginStudy(personId: number, lessonId: number): Promise<{ sessionId: string; status: StudyStatus }> {
  const id = crypto.randomBytes(12).toString("base64url");
  return studyWriter().submit(async ({ tx, now, once }) => {
    const lesson = await batchLesson(tx, once, lessonId);
    const session = startSession(toSession(await readSession(tx, personId, true)), id, now.getTime());
    await writeSession(tx, personId, lessonId, session);
    const progress = await readProgress(tx, personId, lessonId);
    return { sessionId: id, status: status(lesson, { ...progress, watchedParsed: JSON.parse(progress.watched) as Interval[] }, 0) };
  });
}

/** The lesson's facts, read once per batch: several heartbeats of a batch are for the same lesson. */
const batchLesson = (tx: SqlRunner, once: StudyBatch["once"], lessonId: number) => once(`lesson:${lessonId}`, () => lessonFacts(tx, lessonId));

export type BeatResult = { status: StudyStatus; newSeconds: number; superseded: boolean; messages: string[] };

type Judge = (session: StudySession | null, progress: ProgressRow) => { verdict: BeatVerdict<unknown>; watched: Interval[]; readSeconds: number };

/** Inside a batch: one heartbeat judged against what is stored, and what changed written. */
async function applyBeat(tx: SqlRunner, personId: number, lesson: LessonFacts, now: Date, judge: Judge): Promise<BeatResult> {
  const sessionRow = await readSession(tx, personId, true);
  // A session opened for another lesson does not count here: the account studies one thing at a time.
  const session = sessionRow && sessionRow.lessonId === lesson.id ? toSession(sessionRow) : null;
  const progress = await readProgress(tx, personId, lesson.id);
  const { verdict, watched, readSeconds } = judge(session, progress);
  const answered = JSON.parse(progress.checkpoints) as CheckpointState;
  // A judged heartbeat moves the session's clock, sequence number and allowance on; nothing else of it changes.
  if (verdict.session && verdict.session !== session) await writeSessionClock(tx, personId, verdict.session);
  const counted = verdict.newSeconds > 0 || readSeconds !== progress.readSeconds;
  const completedNow = progress.completedAt === null && isComplete(lesson, watched, readSeconds, answered);
  const completedAt = completedNow ? storedTimestamp(now) : progress.completedAt;
  if (counted || completedNow) await writeProgress(tx, personId, lesson.id, { watched, readSeconds, checkpoints: answered, completedAt }, now);
  const credited = await creditCompletion(tx, personId, lesson, completedNow, now);
  return {
    status: status(lesson, { ...progress, readSeconds, completedAt, watchedParsed: watched }, credited),
    newSeconds: verdict.newSeconds,
    superseded: verdict.superseded,
    messages: verdict.refused.map(refusalMessage),
  };
}

/**
 * Whether the account's current study session is this one, for this lesson. The session was opened
 * by `beginStudy` after the caller's access to the lesson was checked, so its heartbeats need not
 * check it again (a heartbeat's hot path); any other heartbeat goes through the full check.
 */
export async function holdsStudySession(personId: number, lessonId: number, sessionId: string): Promise<boolean> {
  const row = await readSession(sqlDb(), personId, false);
  return row !== undefined && row.lessonId === lessonId && row.id === sessionId;
}

/** A video heartbeat: the intervals played since the previous one. */
export function videoBeat(personId: number, lessonId: number, beat: { sessionId: string; seq: number; intervals: Interval[] }): Promise<BeatResult> {
  return studyWriter().submit(async ({ tx, now, once }) => {
    const lesson = await batchLesson(tx, once, lessonId);
    const duration = lesson.duration;
    if (!duration) throw new AppError("invalid", "这个课时没有视频");
    return applyBeat(tx, personId, lesson, now, (session, p) => {
      const v = judgeHeartbeat({ watched: JSON.parse(p.watched) as Interval[] }, session, beat, now.getTime(), duration);
      return { verdict: v, watched: [...v.state.watched], readSeconds: p.readSeconds };
    });
  });
}

/** A reading heartbeat: seconds the text lesson was visible since the previous one. */
export function readingBeat(personId: number, lessonId: number, beat: { sessionId: string; seq: number; visibleSeconds: number }): Promise<BeatResult> {
  return studyWriter().submit(async ({ tx, now, once }) =>
    applyBeat(tx, personId, await batchLesson(tx, once, lessonId), now, (session, p) => {
      const v = judgeReadingBeat({ readSeconds: p.readSeconds }, session, beat, now.getTime());
      return { verdict: v, watched: JSON.parse(p.watched) as Interval[], readSeconds: v.state.readSeconds };
    }),
  );
}

export type CheckpointResult = { correct: boolean; answer: string[]; explanation: string | null; status: StudyStatus };

/**
 * Answers a checkpoint. Any answer counts as answered (it is a pause to think, not a test); the key
 * and the explanation come back only now, after the learner has committed to an answer. The first
 * answer stands.
 */
export function answerCheckpoint(personId: number, lessonId: number, checkpointId: string, values: string[]): Promise<CheckpointResult> {
  return studyWriter().submit(async ({ tx, now, once }) => {
    const lesson = await batchLesson(tx, once, lessonId);
    const cp = lesson.checkpoints.find((c) => c.id === checkpointId);
    if (!cp) throw new AppError("not_found", "检查点不存在");
    if (values.length === 0) throw new AppError("invalid", "请先选择答案");
    const response = cp.type === "single" ? values[0] : cp.type === "multiple" ? values : values[0] === "true";
    const graded = gradeQuestion({ type: cp.type, answer: cp.answer } as QuestionKey, response, 100).correct;
    const p = await readProgress(tx, personId, lessonId);
    const answered = JSON.parse(p.checkpoints) as CheckpointState;
    answered[checkpointId] ??= { correct: graded, at: storedTimestamp(now) };
    // The first answer stands, and its result is the one told (a second try after seeing the key is not "correct").
    const correct = answered[checkpointId].correct;
    const watched = JSON.parse(p.watched) as Interval[];
    const completedNow = p.completedAt === null && isComplete(lesson, watched, p.readSeconds, answered);
    const completedAt = completedNow ? storedTimestamp(now) : p.completedAt;
    await writeProgress(tx, personId, lessonId, { watched, readSeconds: p.readSeconds, checkpoints: answered, completedAt }, now);
    const credited = await creditCompletion(tx, personId, lesson, completedNow, now);
    return { correct, ...checkpointReveal(cp), status: status(lesson, { ...p, completedAt, watchedParsed: watched }, credited) };
  });
}
