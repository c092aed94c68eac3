import crypto from "node:crypto";
import { drawPrizeWinners, verifyPrizeDraw } from "~/lib/prize-draw";
import { audit } from "../audit";
import { prisma } from "../db";
import { AppError } from "~/lib/app-error";
import { repeatWhileWorking } from "../expired-sweeps";
import { type RawClient, query, sql, transactionLock } from "../sql";
import { closeExpiredEntries } from "./entries";

// The prize draw among perfect papers, once per contest, after it closed. The server makes the seed
// (crypto) only when the pool is fixed, so nobody can pick a seed that favours someone; the seed, the
// pool and the winners are stored and shown, and anyone can re-run the draw (app/lib/prize-draw.ts).

/** How long a draw may go on collecting the entries its contest's close left open (500 at a time). */
const COLLECT_BEFORE_DRAW_MS = 3_000;

export type StoredDraw = { id: number; seed: string; pool: number[]; winners: number[]; createdAt: Date; createdByName: string | null };

/** Perfect papers: finished, with the full score. Ascending ids, the order the draw uses. */
async function perfectEntryIds(contestId: number, tx: RawClient = prisma): Promise<number[]> {
  const rows = await query<{ id: number | bigint }>(
    tx,
    sql`SELECT "id" FROM "ContestEntry"
      WHERE "contestId" = ${contestId} AND "state" IN ('submitted', 'expired') AND "score" IS NOT NULL AND "maxScore" > 0 AND "score" = "maxScore"
      ORDER BY "id"`,
  );
  return rows.map((r) => Number(r.id));
}

export async function perfectCount(contestId: number): Promise<number> {
  return (await perfectEntryIds(contestId)).length;
}

export async function runPrizeDraw(actorId: number, contestId: number, prizes: number, now = new Date()): Promise<StoredDraw> {
  const contest = await prisma.contest.findUnique({ where: { id: contestId }, select: { closesAt: true } });
  if (!contest) throw new AppError("invalid", "竞赛不存在");
  if (contest.closesAt.getTime() > now.getTime()) throw new AppError("invalid", "竞赛截止后才能抽奖");
  // Entries the close left open are collected first (the sweeper would, within half a minute): the
  // pool is of finished papers, and none of them is still being answered after the close.
  await repeatWhileWorking(COLLECT_BEFORE_DRAW_MS, () => closeExpiredEntries(now, { contestId }))();
  const inProgress = await prisma.contestEntry.count({ where: { contestId, state: "in_progress" } });
  if (inProgress > 0) throw new AppError("invalid", `还有 ${inProgress} 份答卷未结束，请待全部交卷或到时后再抽奖`);
  const seed = crypto.randomBytes(16).toString("hex");
  // The check for an earlier draw and the insert in one transaction, under the contest's draw lock: two
  // clicks (on two nodes, whose transactions would each find no draw yet) cannot make two draws.
  const draw = await prisma.$transaction(async (tx) => {
    await query(tx, transactionLock(`contest-draw:${contestId}`));
    if (await tx.contestPrizeDraw.findFirst({ where: { contestId }, select: { id: true } })) {
      throw new AppError("invalid", "本竞赛已经抽过奖，结果已公布，不能重抽");
    }
    const pool = await perfectEntryIds(contestId, tx);
    if (pool.length === 0) throw new AppError("invalid", "没有满分答卷，无法抽奖");
    const winners = drawPrizeWinners(pool, Math.min(prizes, pool.length), seed);
    return tx.contestPrizeDraw.create({
      data: { contestId, seed, pool: JSON.stringify(pool), winners: JSON.stringify(winners), createdById: actorId },
      select: { id: true, pool: true, winners: true },
    });
  });
  const pool = JSON.parse(draw.pool) as number[];
  const winners = JSON.parse(draw.winners) as number[];
  await audit({ actorId, action: "contest.draw", targetKind: "contest", targetId: contestId, detail: { drawId: draw.id, seed, pool: pool.length, winners } });
  return (await prizeDraws(contestId)).find((d) => d.id === draw.id)!;
}

export async function prizeDraws(contestId: number): Promise<StoredDraw[]> {
  const rows = await prisma.contestPrizeDraw.findMany({
    where: { contestId },
    select: { id: true, seed: true, pool: true, winners: true, createdAt: true, createdById: true },
    orderBy: { id: "asc" },
  });
  const people = await prisma.person.findMany({ where: { id: { in: rows.map((r) => r.createdById) } }, select: { id: true, name: true } });
  const names = new Map(people.map((p) => [p.id, p.name]));
  return rows.map((r) => ({
    id: r.id,
    seed: r.seed,
    pool: JSON.parse(r.pool) as number[],
    winners: JSON.parse(r.winners) as number[],
    createdAt: r.createdAt,
    createdByName: names.get(r.createdById) ?? null,
  }));
}

/** Re-runs a stored draw from its seed and pool; `matches` says whether the stored winners come out again. */
export async function recheckPrizeDraw(contestId: number, drawId: number) {
  const draw = (await prizeDraws(contestId)).find((d) => d.id === drawId);
  if (!draw) throw new AppError("invalid", "该抽奖记录不存在");
  return { drawId, matches: verifyPrizeDraw(draw), recomputed: drawPrizeWinners(draw.pool, draw.winners.length, draw.seed) };
}
