import { shuffled } from "./quiz-shuffle";

// The prize draw among perfect papers, re-runnable by anyone from what is published: the seed (made by
// the server with crypto after the contest closed), the pool (entry ids in ascending order) and the
// number of prizes. The winners are the first `prizes` ids of a Fisher–Yates shuffle of the pool driven
// by mulberry32 seeded with the FNV-1a hash of `${seed}/prize` (app/lib/quiz-shuffle.ts). Drawing more
// prizes from the same seed keeps the earlier winners in front. Changing this changes every stored
// draw's verification: the unit tests pin it.

export const PRIZE_DRAW_ALGORITHM =
  "号池为满分答卷的参赛编号，按从小到大排列；以“种子/prize”字符串的 FNV-1a（32 位）哈希作为 mulberry32 随机数发生器的初始状态，" +
  "对号池做 Fisher–Yates 洗牌，取前 N 个编号为中奖者。任何人用公布的种子与号池都可重算出同样的结果。";

export function drawPrizeWinners(pool: readonly number[], prizes: number, seed: string): number[] {
  if (!Number.isSafeInteger(prizes) || prizes < 0) throw new RangeError(`prizes must be a non-negative integer, got ${prizes}`);
  const ordered = pool.slice().sort((a, b) => a - b);
  return shuffled(ordered, `${seed}/prize`).slice(0, prizes);
}

/** True when re-running the draw from its seed and pool gives exactly the stored winners, in order. */
export function verifyPrizeDraw(draw: { seed: string; pool: readonly number[]; winners: readonly number[] }): boolean {
  const again = drawPrizeWinners(draw.pool, draw.winners.length, draw.seed);
  return again.length === draw.winners.length && again.every((id, i) => id === draw.winners[i]);
}
