import { liveHub, sseEvent } from "./hub";
import { type RankedPlayer, meEvent, ranking, readRound, stateEvent, stats } from "./snapshot";

// What the hub sends when a round changes. A state change goes to every stream of the round at once:
// the state event is built and encoded once and the same bytes are queued on every stream. After a
// reveal and at the end each phone also gets its own standing (`me`), from one ranking of all players.
// The big screen's counters (players joined, answers in) change with every join and answer: they are
// sent to host screens only, at most once per STATS_EVERY_MS.

const STATS_EVERY_MS = 500;

export function publishState(roundId: number, now = new Date()) {
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
  if (pending.has(roundId)) return;
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
}
