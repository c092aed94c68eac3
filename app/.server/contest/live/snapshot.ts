import {
  LEADERBOARD_SIZE,
  anonymousPlayerLabel,
  type LiveMeEvent,
  type LiveQuestionType,
  type LiveQuestionView,
  type LiveReveal,
  type LiveState,
  type LiveStateEvent,
  type LiveStatsEvent,
} from "~/lib/live-events";
import { rankScores } from "~/lib/live-scoring";
import { sqlDb } from "../../db";
import { type SqlRunner, forShare, raw, sql } from "../../sql";

// The round as the screens see it, read as raw SQL (decision 017: reads that thousands of phones make
// at once stay off Prisma; decision 074: `sqlDb()`, or the caller's transaction where one is given). The key enters a snapshot only in the reveal and finished
// states; while a question is open, a snapshot has its stem and options and nothing else.

export type RoundRow = {
  id: number;
  contestId: number | null;
  title: string;
  code: string;
  state: LiveState;
  current: number;
  questionAt: string | null;
  deadlineAt: string | null;
  total: number;
  /** Bumped by every change the screens show (decision 077): a stream is sent only a newer one. */
  version: number;
};

/**
 * The round. `lock` (in a transaction that decides on its state: an answer) reads it `forShare()`, so
 * on PostgreSQL the host's move waits for that transaction and the screens then count its answer.
 */
export async function readRound(roundId: number, db: SqlRunner = sqlDb(), lock = false): Promise<RoundRow | null> {
  return (
    (await db.get<RoundRow>(
      sql`SELECT r."id", r."contestId", r."title", r."code", r."state", r."current", r."questionAt", r."deadlineAt", r."version",
        (SELECT count(*) FROM "LiveQuestion" q WHERE q."roundId" = r."id") AS "total" FROM "LiveRound" r WHERE r."id" = ${roundId}${lock ? forShare() : raw("")}`,
    )) ?? null
  );
}

export type QuestionRow = { position: number; seconds: number; points: number; type: LiveQuestionType; stem: string; options: string | null; answer: string };

export async function readQuestion(roundId: number, position: number, db: SqlRunner = sqlDb()): Promise<QuestionRow | null> {
  return (
    (await db.get<QuestionRow>(
      sql`SELECT lq."position", lq."seconds", lq."points", q."type", q."stem", q."options", q."answer"
        FROM "LiveQuestion" lq JOIN "Question" q ON q."id" = lq."questionId" WHERE lq."roundId" = ${roundId} AND lq."position" = ${position}`,
    )) ?? null
  );
}

/** The options as everyone sees them: bank letters in order, or 正确/错误 for a judgement. */
export function questionView(q: QuestionRow): LiveQuestionView {
  const options =
    q.type === "judge"
      ? [
          { value: "true", label: "正确" },
          { value: "false", label: "错误" },
        ]
      : Object.entries(JSON.parse(q.options ?? "{}") as Record<string, string>)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([value, label]) => ({ value, label }));
  return { position: q.position, type: q.type, stem: q.stem, options, seconds: q.seconds, points: q.points };
}

/** The key as option values (["B"], ["A","C"], ["true"]). */
export function keyValues(q: Pick<QuestionRow, "type" | "answer">): string[] {
  const answer = JSON.parse(q.answer) as unknown;
  return ([] as unknown[]).concat(answer).map(String);
}

const answeredCount = async (roundId: number, position: number) =>
  (await sqlDb().get<{ n: number; correct: number }>(
    sql`SELECT count(*) AS "n", coalesce(sum(CASE WHEN "correct" THEN 1 ELSE 0 END), 0) AS "correct"
      FROM "LiveAnswer" WHERE "roundId" = ${roundId} AND "position" = ${position}`,
  ))!;

async function reveal(round: RoundRow, q: QuestionRow): Promise<LiveReveal> {
  const answer = keyValues(q);
  const view = questionView(q);
  const counts = new Map(view.options.map((o) => [o.value, 0]));
  const distribution = await sqlDb().all<{ response: string; n: number }>(
    sql`SELECT "response", count(*) AS "n" FROM "LiveAnswer" WHERE "roundId" = ${round.id} AND "position" = ${q.position} GROUP BY "response"`,
  );
  for (const row of distribution) {
    for (const value of ([] as unknown[]).concat(JSON.parse(row.response) as unknown).map(String)) {
      if (counts.has(value)) counts.set(value, counts.get(value)! + row.n);
    }
  }
  const answered = await answeredCount(round.id, q.position);
  return {
    answer,
    distribution: view.options.map((o) => ({ value: o.value, count: counts.get(o.value)!, correct: answer.includes(o.value) })),
    unanswered: Math.max(0, (await playerCount(round.id)) - answered.n),
    correctCount: answered.correct,
  };
}

export async function playerCount(roundId: number): Promise<number> {
  return (await sqlDb().get<{ n: number }>(sql`SELECT count(*) AS "n" FROM "LivePlayer" WHERE "roundId" = ${roundId}`))!.n;
}

export async function stats(roundId: number, position: number): Promise<LiveStatsEvent> {
  const answered = position > 0 ? (await answeredCount(roundId, position)).n : 0;
  return { players: await playerCount(roundId), answered };
}

/** `showName` is 1/0 on SQLite, a boolean on PostgreSQL. */
type PlayerRow = { personId: number; score: number; showName: number | boolean; joinedAt: string; name: string; unit: string };

/** `name` is what the screens may show: the person's name with their consent, otherwise an anonymous label. */
export type RankedPlayer = { personId: number; score: number; name: string; unit: string; place: number };

/** Players numbered in the order they joined: the number of an anonymous label, stable while the round lasts. */
function seats(rows: readonly Pick<PlayerRow, "personId" | "joinedAt">[]): Map<number, number> {
  const byJoin = [...rows].sort((a, b) => a.joinedAt.localeCompare(b.joinedAt) || a.personId - b.personId);
  return new Map(byJoin.map((r, i) => [r.personId, i + 1]));
}

/** Every player with a place, best first. */
export async function ranking(roundId: number): Promise<RankedPlayer[]> {
  const rows = await sqlDb().all<PlayerRow>(
    sql`SELECT lp."personId", lp."score", lp."showName", lp."joinedAt", p."name", u."name" AS "unit" FROM "LivePlayer" lp
      JOIN "Person" p ON p."id" = lp."personId" JOIN "OrgUnit" u ON u."id" = p."unitId" WHERE lp."roundId" = ${roundId}`,
  );
  const seat = seats(rows);
  return rankScores(
    rows.map((r) => ({ personId: r.personId, score: r.score, unit: r.unit, name: r.showName ? r.name : anonymousPlayerLabel(seat.get(r.personId)!) })),
  );
}

/** A player's own consent and the label the screens show for them without it. */
export async function playerNameChoice(roundId: number, personId: number): Promise<{ showName: boolean; anonymousLabel: string } | null> {
  const rows = await sqlDb().all<Pick<PlayerRow, "personId" | "joinedAt" | "showName">>(
    sql`SELECT "personId", "joinedAt", "showName" FROM "LivePlayer" WHERE "roundId" = ${roundId}`,
  );
  const mine = rows.find((r) => r.personId === personId);
  if (!mine) return null;
  return { showName: Boolean(mine.showName), anonymousLabel: anonymousPlayerLabel(seats(rows).get(personId)!) };
}

/** The round as a `state` event. `ranked` is passed when the caller already computed it. */
export async function stateEvent(round: RoundRow, now: Date, ranked?: RankedPlayer[]): Promise<LiveStateEvent> {
  const q = round.current > 0 && round.state !== "lobby" ? await readQuestion(round.id, round.current) : null;
  const shows = round.state === "reveal" || round.state === "finished";
  return {
    roundId: round.id,
    title: round.title,
    state: round.state,
    position: round.current,
    total: round.total,
    questionAt: round.questionAt ? Date.parse(round.questionAt) : null,
    deadlineAt: round.deadlineAt ? Date.parse(round.deadlineAt) : null,
    now: now.getTime(),
    question: q && round.state !== "finished" ? questionView(q) : null,
    reveal: q && round.state === "reveal" ? await reveal(round, q) : null,
    leaderboard: shows
      ? (ranked ?? (await ranking(round.id))).slice(0, LEADERBOARD_SIZE).map((p) => ({ place: p.place, name: p.name, unit: p.unit, score: p.score }))
      : null,
  };
}

/**
 * One player's standing. While a question is open the answer's correctness and points stay hidden,
 * and so does the score that already includes them (it would tell the answer before the reveal).
 */
export async function meEvent(
  round: RoundRow,
  personId: number,
  known?: { ranked: RankedPlayer[]; byPerson: Map<number, RankedPlayer> },
): Promise<LiveMeEvent | null> {
  const db = sqlDb();
  const mine = known
    ? known.byPerson.get(personId)
    : await db.get<{ score: number }>(sql`SELECT "score" FROM "LivePlayer" WHERE "roundId" = ${round.id} AND "personId" = ${personId}`);
  if (!mine) return null;
  const answer =
    round.current > 0
      ? await db.get<{ correct: number | boolean; points: number }>(
          sql`SELECT "correct", "points" FROM "LiveAnswer" WHERE "roundId" = ${round.id} AND "position" = ${round.current} AND "personId" = ${personId}`,
        )
      : undefined;
  const players = known ? known.ranked.length : await playerCount(round.id);
  if (round.state === "question" || round.state === "lobby") {
    return {
      score: mine.score - (answer?.points ?? 0),
      place: null,
      players,
      answer: answer ? { position: round.current, correct: null, points: null } : null,
    };
  }
  const place = known
    ? known.byPerson.get(personId)!.place
    : 1 + (await db.get<{ n: number }>(sql`SELECT count(*) AS "n" FROM "LivePlayer" WHERE "roundId" = ${round.id} AND "score" > ${mine.score}`))!.n;
  return {
    score: mine.score,
    place,
    players,
    answer: answer ? { position: round.current, correct: Boolean(answer.correct), points: answer.points } : null,
  };
}
