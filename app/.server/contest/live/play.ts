import { type LiveQuestionType } from "~/lib/live-events";
import { speedPoints } from "~/lib/live-scoring";
import { gradeQuestion } from "~/lib/quiz-grading";
import { prisma, sqlDb } from "../../db";
import { keyOf } from "../../quiz/paper";
import { type SqlRunner, sql } from "../../sql";
import { contestInAudience } from "./audience";
import { AppError } from "~/lib/app-error";
import { publishState, scheduleStats } from "./publish";
import { type QuestionRow, questionView, readQuestion, readRound } from "./snapshot";

// A player's side: joining with the code, and answering. Answers arrive in bursts (200 phones within a
// second of each other), so they are written as raw SQL, each in one transaction that reads the round
// (locked against the host's move: `forShare()` on PostgreSQL, the IMMEDIATE transaction on SQLite),
// checks it and writes (decisions 015 and 074). Everything is decided by the server's clock: an answer counts while now ≤ deadlineAt,
// and a right one scores by the time from questionAt to its arrival. The first answer stands; a retry
// of it (the primary key) changes nothing.

/**
 * Joins the open round of the contest with this code, with the player's consent (or not) to be shown
 * by name on the big screen and the leaderboards (decision 033). The audience is checked here.
 */
export async function joinRound(personId: number, contestId: number, code: string, showName: boolean) {
  if (!/^\d{6}$/.test(code)) throw new AppError("malformed", "请输入大屏幕上的 6 位数字加入码");
  const round = await prisma.liveRound.findFirst({ where: { code, contestId, state: { not: "finished" } }, select: { id: true } });
  if (!round) throw new AppError("bad_code", "加入码不正确，请核对大屏幕上的加入码");
  if (!(await contestInAudience(personId, contestId))) throw new AppError("not_eligible", "您不在本场竞赛的参赛范围内，不能加入");
  // 200 finalists join within seconds of the code appearing: one raw statement, not a Prisma upsert
  // (an implicit transaction, which holds every other query of the process while it is open).
  // Joining again keeps the player's place and score and takes the consent given this time.
  await sqlDb().run(
    sql`INSERT INTO "LivePlayer" ("roundId", "personId", "joinedAt", "score", "showName") VALUES (${round.id}, ${personId}, ${new Date()}, 0, ${showName})
      ON CONFLICT ("roundId", "personId") DO UPDATE SET "showName" = excluded."showName"`,
  );
  scheduleStats(round.id);
  return round.id;
}

/** A player changes their consent; a leaderboard on the screens shows the change at once. */
export async function setLiveShowName(personId: number, contestId: number, showName: boolean) {
  const roundId = await roundOfPlayer(personId, contestId);
  if (roundId === null) throw new AppError("not_joined", "您还没有加入这一轮，请先输入加入码");
  await sqlDb().run(sql`UPDATE "LivePlayer" SET "showName" = ${showName} WHERE "roundId" = ${roundId} AND "personId" = ${personId}`);
  // Shown only on the leaderboards of the reveal and the end: a new version of the round there.
  const shown = await sqlDb().run(sql`UPDATE "LiveRound" SET "version" = "version" + 1 WHERE "id" = ${roundId} AND "state" IN ('reveal', 'finished')`);
  if (shown > 0) await publishState(roundId);
}

const isPlayer = async (roundId: number, personId: number, db: SqlRunner = sqlDb()) =>
  (await db.get(sql`SELECT 1 FROM "LivePlayer" WHERE "roundId" = ${roundId} AND "personId" = ${personId}`)) !== undefined;

/** The round a phone shows: the contest's latest round, if the person plays in it. */
export async function roundOfPlayer(personId: number, contestId: number): Promise<number | null> {
  const round = await prisma.liveRound.findFirst({ where: { contestId }, orderBy: { id: "desc" }, select: { id: true } });
  if (!round) return null;
  return (await isPlayer(round.id, personId)) ? round.id : null;
}

/** What the phone sent (option values) → the response in bank form, or a refusal. */
function toResponse(q: QuestionRow, values: string[]): unknown {
  const malformed = new AppError("malformed", "答案格式不正确，请重新选择");
  const allowed = new Set(questionView(q).options.map((o) => o.value));
  const given = values.map((v) => v.trim()).filter((v) => v !== "");
  if (given.length === 0) throw new AppError("malformed", "请先选择答案");
  if (!given.every((v) => allowed.has(v)) || new Set(given).size !== given.length) throw malformed;
  const type = q.type as LiveQuestionType;
  if (type === "multiple") return [...given].sort();
  if (given.length !== 1) throw malformed;
  return type === "judge" ? given[0] === "true" : given[0];
}

export type AnswerResult = { position: number; duplicate: boolean };

export async function submitAnswer(
  personId: number,
  contestId: number,
  roundId: number,
  position: number,
  values: string[],
  now = new Date(),
): Promise<AnswerResult> {
  return sqlDb().transaction(async (tx): Promise<AnswerResult> => {
    const round = await readRound(roundId, tx, true);
    if (!round || round.contestId !== contestId) throw new AppError("not_found", "没有找到这一轮现场赛");
    if (!(await isPlayer(roundId, personId, tx))) throw new AppError("not_joined", "您还没有加入这一轮，请先输入加入码");
    if (round.state !== "question") throw new AppError("no_question", "现在不是答题时间");
    if (position !== round.current) throw new AppError("wrong_question", "这道题已经结束，请看当前题目");
    const deadline = Date.parse(round.deadlineAt!);
    if (now.getTime() > deadline) throw new AppError("deadline", "本题作答时间已到，答案未被计分");
    const q = (await readQuestion(roundId, position, tx))!;
    const response = toResponse(q, values);
    const { correct } = gradeQuestion(keyOf(q.type, q.answer), response, q.points);
    const questionAt = Date.parse(round.questionAt!);
    const elapsedMs = Math.max(0, now.getTime() - questionAt);
    const points = correct ? speedPoints(q.points, elapsedMs, q.seconds * 1000) : 0;
    const inserted = await tx.run(
      sql`INSERT INTO "LiveAnswer" ("roundId", "position", "personId", "response", "correct", "points", "receivedAt", "elapsedMs")
          VALUES (${roundId}, ${position}, ${personId}, ${JSON.stringify(response)}, ${correct}, ${points}, ${now}, ${elapsedMs}) ON CONFLICT DO NOTHING`,
    );
    if (inserted === 0) return { position, duplicate: true };
    await tx.run(sql`UPDATE "LivePlayer" SET "score" = "score" + ${points} WHERE "roundId" = ${roundId} AND "personId" = ${personId}`);
    scheduleStats(roundId);
    return { position, duplicate: false };
  });
}
