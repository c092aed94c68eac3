import { onRelay, relay } from "../../processes";
import { liveHub, sseEvent } from "./hub";
import { type RankedPlayer, meEvent, ranking, readRound, stateEvent, stats } from "./snapshot";

// What the hub sends when a round changes. A state change goes to every stream of the round at once:
// the state event is built and encoded once and the same bytes are queued on every stream. After a
// reveal and at the end each phone also gets its own standing (`me`), from one ranking of all players.
// The big screen's counters (players joined, answers in) change with every join and answer: they are
// sent to host screens only, at most once per STATS_EVERY_MS.
// Several processes serving (decision 071): each holds its own phones' streams, so a change is relayed
// to the other processes, and each publishes the state it reads from the database to its own streams.
// The reads await (decision 074), so a round's publications run one after another: one begun earlier
// never sends an older state after a later one.

const STATS_EVERY_MS = 500;

/** Sends the round's state to every screen, here and in the other processes; resolves once sent here. */
export function publishState(roundId: number, now = new Date()): Promise<void> {
  relay("live:state", { roundId, at: now.getTime() });
  return publishHere(roundId, now);
}
onRelay("live:state", (m) => {
  publishHere(Number(m.roundId), new Date(Number(m.at))).catch((e: unknown) => console.error("live round (relayed state):", e));
});

/** Each round's publication in progress (settled, never rejected): the next waits for it. */
const publishing = new Map<number, Promise<void>>();

function publishHere(roundId: number, now: Date): Promise<void> {
  const next = (publishing.get(roundId) ?? Promise.resolve()).then(() => sendState(roundId, now));
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  publishing.set(roundId, settled);
  void settled.then(() => {
    if (publishing.get(roundId) === settled) publishing.delete(roundId);
  });
  return next;
}

async function sendState(roundId: number, now: Date) {
  const round = await readRound(roundId);
  if (!round) return;
  const ranked = round.state === "reveal" || round.state === "finished" ? await ranking(roundId) : undefined;
  const state = sseEvent("state", await stateEvent(round, now, ranked));
  const counters = sseEvent("stats", await stats(roundId, round.current));
  const known = ranked ? { ranked, byPerson: new Map<number, RankedPlayer>(ranked.map((p) => [p.personId, p])) } : undefined;
  const listeners = liveHub.listeners(roundId);
  for (const l of listeners) l.send(state);
  for (const l of listeners) {
    if (l.host) l.send(counters);
    else if (known && l.personId !== null) {
      const me = await meEvent(round, l.personId, known);
      if (me) l.send(sseEvent("me", me));
    }
  }
}

const pending = new Map<number, NodeJS.Timeout>();

/** Sends the counters to the round's host screens soon, once for however many changes come meanwhile. */
export function scheduleStats(roundId: number) {
  // Relayed once per interval, not once per answer: the others coalesce the same way.
  if (scheduleHere(roundId)) relay("live:stats", { roundId });
}
onRelay("live:stats", (m) => void scheduleHere(Number(m.roundId)));

function scheduleHere(roundId: number): boolean {
  if (pending.has(roundId)) return false;
  pending.set(
    roundId,
    setTimeout(() => {
      pending.delete(roundId);
      sendStats(roundId).catch((e: unknown) => console.error("live round (counters):", e));
    }, STATS_EVERY_MS).unref(),
  );
  return true;
}

async function sendStats(roundId: number) {
  if (!liveHub.listeners(roundId).some((l) => l.host)) return;
  const round = await readRound(roundId);
  if (!round) return;
  const counters = sseEvent("stats", await stats(roundId, round.current));
  for (const l of liveHub.listeners(roundId)) if (l.host) l.send(counters);
}
