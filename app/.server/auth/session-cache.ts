import type { SessionPerson } from "./session";

// The sessions a process has validated, kept while the database's session epoch stays where it was
// (decision 093; SQLite only: session.ts asks nothing of it on PostgreSQL). The epoch (the one row of
// "SessionEpoch") is counted up by triggers in the database whenever anything a validation returns
// could have changed: a session deleted (sign-out, expiry, a password changed, an account disabled or
// removed, by any code path), replaced or its expiry moved (sliding once past half its lifetime, about
// once a week a session), a person deleted, replaced, or their name, number, unit, status or disabling
// changed, a password added, removed or its must-change flag set. Reading that one row costs a
// fraction of the session's own three-table lookup, which on SQLite with several processes is read
// cold from the WAL every time another process has committed (its page cache is dropped).
//
// A process keeps one epoch and the entries validated under it: any other epoch read empties the map
// and becomes the process's. An entry's data was read after its epoch was, so while the epoch read
// now is the same, nothing it holds has changed since. (An older epoch read late, by a request that
// began before another read the newer, only empties the map early. The epoch never goes back: its
// row is never deleted; whoever deletes it by hand restarts the server.) On globalThis like the
// database connections: server.ts and the Remix build each load this module.

/** What a validation returned, for one session id. */
export type CachedSession = { expiresAt: number; person: SessionPerson };

/** Entries a process keeps at most (the oldest goes first): ample for every session of a school's day. */
const SESSION_CACHE_MAX = 50_000;

type State = { epoch: number | null; entries: Map<string, CachedSession>; hits: number; misses: number; epochReads: number };
const g = globalThis as typeof globalThis & { __sessionCache?: State };
const state: State = (g.__sessionCache ??= { epoch: null, entries: new Map(), hits: 0, misses: 0, epochReads: 0 });

/** Makes `epoch` the process's, emptying the map if it was another. */
function atEpoch(epoch: number): void {
  if (state.epoch === epoch) return;
  state.entries.clear();
  state.epoch = epoch;
}

/** The session as validated under `epoch`, if this process validated it then. */
export function cachedSession(id: string, epoch: number): CachedSession | undefined {
  atEpoch(epoch);
  return state.entries.get(id);
}

/** Counts a validation on SQLite: answered from a kept session, or from the database. */
export function countValidation(fromKept: boolean): void {
  if (fromKept) state.hits += 1;
  else state.misses += 1;
}

/** Counts a read of the session epoch (one serves the validations that wait for it together, decision 095). */
export function countEpochRead(): void {
  state.epochReads += 1;
}

/** Keeps what a validation read from the database after it read `epoch`. */
export function keepSession(id: string, epoch: number, entry: CachedSession): void {
  atEpoch(epoch);
  if (!state.entries.has(id) && state.entries.size >= SESSION_CACHE_MAX) state.entries.delete(state.entries.keys().next().value!);
  state.entries.set(id, entry);
}

/** Drops every entry (the epoch's row is not there). */
export function forgetSessions(): void {
  state.entries.clear();
  state.epoch = null;
}

/** For /metrics: the sessions this process keeps now, and since it started the lookups found kept (hits) or not (misses), and the epoch's reads. */
export function sessionCacheFigures(): { kept: number; hits: number; misses: number; epochReads: number } {
  return { kept: state.entries.size, hits: state.hits, misses: state.misses, epochReads: state.epochReads };
}
