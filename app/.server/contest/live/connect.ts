import { sseEvent } from "./hub";
import { meEvent, readRound, stateEvent, stats } from "./snapshot";
import { eventStream } from "./stream";

// The first events of a stream, then the stream itself: a phone gets the round's state and its own
// standing, a host screen the state and the counters. A reconnecting phone gets exactly this, which is
// how it rejoins where the round is.

export async function playerStream(signal: AbortSignal, roundId: number, personId: number, now = new Date()): Promise<Response> {
  const round = (await readRound(roundId))!;
  const me = await meEvent(round, personId);
  return eventStream(signal, roundId, { personId, host: false }, [sseEvent("state", await stateEvent(round, now)), ...(me ? [sseEvent("me", me)] : [])]);
}

export async function hostStream(signal: AbortSignal, roundId: number, now = new Date()): Promise<Response> {
  const round = (await readRound(roundId))!;
  return eventStream(signal, roundId, { personId: null, host: true }, [
    sseEvent("state", await stateEvent(round, now)),
    sseEvent("stats", await stats(roundId, round.current)),
  ]);
}
