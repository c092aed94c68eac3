import crypto from "node:crypto";
import { shuffled } from "~/lib/quiz-shuffle";
import { audit } from "../../audit";
import { prisma } from "../../db";
import { AppError } from "~/lib/app-error";
import { banksForBuilder } from "../../builder/banks";

// Creating a live round for a contest: N questions from a bank (drawn at random or the first N), each
// with its time and points, and a 6-digit join code. A contest has at most one round that is not
// finished; a finished round gives its code back (it is renamed), so codes are unique among open rounds.

/** Question types a phone answers with a tap; fill-in questions stay in the paper contest. */
export const LIVE_QUESTION_TYPES = ["single", "multiple", "judge"] as const;

export type RoundInput = { bankId: number; count: number; draw: "random" | "first"; seconds: number; points: number };

export async function contestForHost(contestId: number) {
  return prisma.contest.findUniqueOrThrow({
    where: { id: contestId },
    select: { id: true, title: true, status: true, unitId: true, unit: { select: { path: true } } },
  });
}

/** The banks a host may draw from: those a quiz builder of the contest's unit may use. */
export async function banksForRound(contestUnitPath: string) {
  const banks = await banksForBuilder(contestUnitPath);
  const counts = await prisma.question.groupBy({
    by: ["bankId"],
    where: { bankId: { in: banks.map((b) => b.id) }, archivedAt: null, type: { in: [...LIVE_QUESTION_TYPES] } },
    _count: { _all: true },
  });
  const usable = new Map(counts.map((c) => [c.bankId, c._count._all]));
  return banks.map((b) => ({ id: b.id, title: b.title, usable: usable.get(b.id) ?? 0 })).filter((b) => b.usable > 0);
}

/** The latest round of a contest (open or finished), or null. */
export async function latestRound(contestId: number) {
  return prisma.liveRound.findFirst({ where: { contestId }, orderBy: { id: "desc" }, select: { id: true, code: true, state: true } });
}

export function newJoinCode(): string {
  return String(crypto.randomInt(0, 1_000_000)).padStart(6, "0");
}

export async function createRound(actorId: number, contest: { id: number; title: string; unitId: number; unitPath: string }, input: RoundInput) {
  const open = await prisma.liveRound.findFirst({ where: { contestId: contest.id, state: { not: "finished" } }, select: { id: true } });
  if (open) throw new AppError("conflict", "本竞赛已有一轮现场赛在进行，请先结束它");
  const banks = await banksForRound(contest.unitPath);
  if (!banks.some((b) => b.id === input.bankId)) throw new AppError("not_found", "没有找到这个题库，或它不能用于本竞赛");
  const pool = await prisma.question.findMany({
    where: { bankId: input.bankId, archivedAt: null, type: { in: [...LIVE_QUESTION_TYPES] } },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  if (pool.length < input.count) {
    throw new AppError("too_few", `该题库只有 ${pool.length} 道单选、多选或判断题，不够 ${input.count} 道`);
  }
  const ids = pool.map((q) => q.id);
  const chosen = input.draw === "first" ? ids.slice(0, input.count) : shuffled(ids, crypto.randomBytes(8).toString("hex")).slice(0, input.count);
  for (let attempt = 0; ; attempt++) {
    const code = newJoinCode();
    if (await prisma.liveRound.findUnique({ where: { code }, select: { id: true } })) {
      if (attempt < 50) continue;
      throw new Error("no free join code after 50 tries");
    }
    const round = await prisma.liveRound.create({
      data: {
        contestId: contest.id,
        title: `${contest.title} · 现场赛`,
        code,
        hostId: actorId,
        unitId: contest.unitId,
        questions: { create: chosen.map((questionId, i) => ({ position: i + 1, questionId, seconds: input.seconds, points: input.points })) },
      },
      select: { id: true, code: true },
    });
    await audit({ actorId, action: "live.create", targetKind: "live_round", targetId: round.id, detail: { contestId: contest.id, ...input } });
    return round;
  }
}
