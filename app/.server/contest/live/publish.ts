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

const STATS_EVERY_MS = 500;

export function publishState(roundId: number, now = new Date()) {
  publishHere(roundId, now);
  relay("live:state", { roundId, at: now.getTime() });
}
onRelay("live:state", (m) => publishHere(Number(m.roundId), new Date(Number(m.at))));

function publishHere(roundId: number, now: Date) {
  const round = readRound(roundId);
  if (!round) return;
  const listeners = liveHub.listeners(roundId);
  const ranked = round.state === "reveal" || round.state === "finished" ? ranking(roundId) : undefined;
  const state = sseEvent("state", stateEvent(round, now, ranked));
  for (const l of listeners) l.send(state);

  const known = ranked ? { ranked, byPerson: new Map<number, RankedPlayer>(ranked.map((p) => [p.personId, p])) } : undefined;
  const counters = sseEvent("stats", stats(roundId, round.current));
  for (const l of listeners) {
    if (l.host) l.send(counters);
    else if (known && l.personId !== null) {
      const me = meEvent(round, l.personId, known);
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
      const hosts = liveHub.listeners(roundId).filter((l) => l.host);
      if (hosts.length === 0) return;
      const round = readRound(roundId);
      if (!round) return;
      const counters = sseEvent("stats", stats(roundId, round.current));
      for (const l of hosts) l.send(counters);
    }, STATS_EVERY_MS).unref(),
  );
  return true;
}
