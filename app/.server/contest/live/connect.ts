import { sseEvent } from "./hub";
import { livePublisher } from "./publish";
import { meEvent, readRound, stateEvent, stats } from "./snapshot";
import { eventStream } from "./stream";

// The first events of a stream, then the stream itself: a phone gets the round's state and its own
// standing, a host screen the state and the counters. A reconnecting phone gets exactly this, which is
// how it rejoins where the round is. The stream is sent later states only (a higher version than the
// one read here). On PostgreSQL the first stream starts this node's LISTEN connection (decision 077);
// if that connection was not in place throughout, from before the read until the stream joined the
// hub, a change in between may have gone unheard, and the round is read again once.

export async function playerStream(signal: AbortSignal, roundId: number, personId: number, now = new Date()): Promise<Response> {
  const heard = livePublisher.follow();
  const round = (await readRound(roundId))!;
  const me = await meEvent(round, personId);
  const response = eventStream(signal, roundId, { personId, host: false, version: round.version }, [
    sseEvent("state", await stateEvent(round, now)),
    ...(me ? [sseEvent("me", me)] : []),
  ]);
  livePublisher.catchUpUnless(heard, roundId);
  return response;
}

export async function hostStream(signal: AbortSignal, roundId: number, now = new Date()): Promise<Response> {
  const heard = livePublisher.follow();
  const round = (await readRound(roundId))!;
  const response = eventStream(signal, roundId, { personId: null, host: true, version: round.version }, [
    sseEvent("state", await stateEvent(round, now)),
    sseEvent("stats", await stats(roundId, round.current)),
  ]);
  livePublisher.catchUpUnless(heard, roundId);
  return response;
}
