import { prisma } from "../../db";
import { AppError } from "~/lib/app-error";
import { publishState } from "./publish";
import { readQuestion, readRound } from "./snapshot";

// The host's three moves, each a guarded state change by the server's clock followed by the state
// sent to every screen: lobby | reveal → question (the next one, with questionAt and deadlineAt),
// question → reveal, anything → finished. A change is conditional on the state it was decided from,
// so a double click cannot skip a question, and bumps the round's version (decision 077), by which
// every node sends each screen only a state newer than the one it has.

async function openRound(roundId: number) {
  const round = await readRound(roundId);
  if (!round) throw new AppError("not_found", "没有找到这一轮现场赛");
  if (round.state === "finished") throw new AppError("conflict", "本轮已经结束");
  return round;
}

async function change(roundId: number, from: { state: string; current: number }, data: Parameters<typeof prisma.liveRound.update>[0]["data"], now: Date) {
  const { count } = await prisma.liveRound.updateMany({
    where: { id: roundId, state: from.state, current: from.current },
    data: { ...data, version: { increment: 1 } },
  });
  if (count === 0) throw new AppError("conflict", "本轮状态刚刚发生了变化，请稍候再试");
  await publishState(roundId, now);
}

export async function startNextQuestion(roundId: number, now = new Date()) {
  const round = await openRound(roundId);
  if (round.state === "question") throw new AppError("conflict", "请先公布本题答案");
  if (round.current >= round.total) throw new AppError("conflict", "已是最后一题，请结束本轮并公布排名");
  const next = (await readQuestion(roundId, round.current + 1))!;
  await change(roundId, round, { state: "question", current: next.position, questionAt: now, deadlineAt: new Date(now.getTime() + next.seconds * 1000) }, now);
}

export async function revealAnswer(roundId: number, now = new Date()) {
  const round = await openRound(roundId);
  if (round.state !== "question") throw new AppError("conflict", "现在没有正在作答的题目");
  await change(roundId, round, { state: "reveal" }, now);
}

export async function finishRound(roundId: number, now = new Date()) {
  const round = await openRound(roundId);
  // The join code is given back: codes need only be unique among open rounds.
  await change(roundId, round, { state: "finished", finishedAt: now, code: `ended-${roundId}` }, now);
}
