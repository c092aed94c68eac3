import { env } from "../../env";
import { log } from "../../ops/log";
import { onRelay, relay } from "../../processes";
import { type LiveHub, liveHub, sseEvent } from "./hub";
import { type LivePeers, PgNoticePeers } from "./fan-out";
import { type RankedPlayer, meEvent, ranking, readRound, stateEvent, stats } from "./snapshot";

// What the hub sends when a round changes. A state change goes to every stream of the round at once:
// the state event is built and encoded once and the same bytes are queued on every stream. After a
// reveal and at the end each phone also gets its own standing (`me`), from one ranking of all players.
// The big screen's counters (players joined, answers in) change with every join and answer: they are
// sent to host screens only, at most once per STATS_EVERY_MS.
//
// Each process holds its own phones' streams, so a change is told to the others ("peers"), and each
// publishes the state it reads from the database to its own streams: on SQLite the other processes of
// the machine through the primary (decision 071), on PostgreSQL every node through NOTIFY (decision
// 077, fan-out.ts). A round's publications here run one after another, and every state carries the
// round's version (bumped by each change): a stream is sent a state only if it is newer than the one it
// has, so no stream is ever sent an older state after a later one, whichever node or process read it.

const STATS_EVERY_MS = 500;

export class LivePublisher {
  /** Each round's publication in progress (settled, never rejected): the next waits for it. */
  #publishing = new Map<number, Promise<void>>();
  #pendingStats = new Map<number, NodeJS.Timeout>();

  constructor(
    readonly hub: LiveHub,
    private readonly peers: LivePeers,
  ) {}

  /**
   * Starts following the peers' changes where that takes a connection of its own (PostgreSQL;
   * idempotent), and says which connection hears them now: pass it to `catchUpUnless` once the stream
   * has joined the hub.
   */
  follow(): number {
    this.peers.start?.(this);
    return this.peers.hearing?.() ?? 0;
  }

  /** Reads the round again for its streams here unless the same connection heard every notice since `follow()`. */
  catchUpUnless(heard: number, roundId: number): void {
    const now = this.peers.hearing?.() ?? 0;
    if (now < 0 || now !== heard) this.onPeerState(roundId);
  }

  /** Stops following (tests; a process that stops simply exits). */
  async stop(): Promise<void> {
    await this.peers.stop?.();
    for (const t of this.#pendingStats.values()) clearTimeout(t);
    this.#pendingStats.clear();
  }

  /** Sends the round's state to every screen, here and on the peers; resolves once sent here. */
  publishState(roundId: number, now = new Date()): Promise<void> {
    return this.#publishHere(roundId, now, true);
  }

  /**
   * A peer changed the round to `version` (unknown: catch up). Read and sent here unless no stream here
   * needs it: the round has none here, or every one already has that version (this process's own
   * notice, or one overtaken by a later state).
   */
  onPeerState(roundId: number, version?: number, now = new Date()): void {
    const listeners = this.hub.listeners(roundId);
    if (listeners.length === 0) return;
    if (version !== undefined && listeners.every((l) => l.version >= version)) return;
    this.#publishHere(roundId, now, false).catch((e: unknown) => log.error("live round (a peer's state)", e, { roundId }));
  }

  /** Every round with a stream here, read again and sent where newer (after a LISTEN connection came back). */
  resync(): void {
    for (const roundId of this.hub.roundIds()) {
      this.onPeerState(roundId);
      this.onPeerStats(roundId);
    }
  }

  #publishHere(roundId: number, now: Date, tellPeers: boolean): Promise<void> {
    const next = (this.#publishing.get(roundId) ?? Promise.resolve()).then(() => this.#sendState(roundId, now, tellPeers));
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.#publishing.set(roundId, settled);
    void settled.then(() => {
      if (this.#publishing.get(roundId) === settled) this.#publishing.delete(roundId);
    });
    return next;
  }

  async #sendState(roundId: number, now: Date, tellPeers: boolean) {
    const round = await readRound(roundId);
    if (!round) return;
    // The peers read the round themselves: they are told its id and the version read here.
    if (tellPeers) this.peers.state(roundId, round.version, now);
    const listeners = this.hub.listeners(roundId).filter((l) => l.version < round.version);
    if (listeners.length === 0) return;
    const ranked = round.state === "reveal" || round.state === "finished" ? await ranking(roundId) : undefined;
    const state = sseEvent("state", await stateEvent(round, now, ranked));
    const counters = sseEvent("stats", await stats(roundId, round.current));
    const known = ranked ? { ranked, byPerson: new Map<number, RankedPlayer>(ranked.map((p) => [p.personId, p])) } : undefined;
    // Marked first: a later publication that read the same version skips them while this one awaits.
    const fresh = listeners.filter((l) => l.version < round.version);
    for (const l of fresh) {
      l.version = round.version;
      l.send(state);
    }
    for (const l of fresh) {
      if (l.host) l.send(counters);
      else if (known && l.personId !== null) {
        const me = await meEvent(round, l.personId, known);
        if (me) l.send(sseEvent("me", me));
      }
    }
  }

  /** Sends the counters to the round's host screens soon, once for however many changes come meanwhile. */
  scheduleStats(roundId: number) {
    // Told to the peers once per interval, not once per answer: they coalesce the same way.
    if (this.#scheduleHere(roundId)) this.peers.stats(roundId);
  }

  /** A peer's counters changed: sent to the host screens here, if there are any. */
  onPeerStats(roundId: number): void {
    if (this.hub.listeners(roundId).some((l) => l.host)) this.#scheduleHere(roundId);
  }

  #scheduleHere(roundId: number): boolean {
    if (this.#pendingStats.has(roundId)) return false;
    this.#pendingStats.set(
      roundId,
      setTimeout(() => {
        this.#pendingStats.delete(roundId);
        this.#sendStats(roundId).catch((e: unknown) => log.error("live round (counters)", e, { roundId }));
      }, STATS_EVERY_MS).unref(),
    );
    return true;
  }

  async #sendStats(roundId: number) {
    if (!this.hub.listeners(roundId).some((l) => l.host)) return;
    const round = await readRound(roundId);
    if (!round) return;
    const counters = sseEvent("stats", await stats(roundId, round.current));
    for (const l of this.hub.listeners(roundId)) if (l.host) l.send(counters);
  }
}

/** The other processes of this machine, through the primary (decision 071): nothing in a single process. */
const relayPeers: LivePeers = {
  state: (roundId, version, now) => relay("live:state", { roundId, version, at: now.getTime() }),
  stats: (roundId) => relay("live:stats", { roundId }),
};

// On globalThis like the hub: one publisher (and on PostgreSQL one LISTEN connection) per process.
const g = globalThis as typeof globalThis & { __livePublisher?: LivePublisher };
export const livePublisher: LivePublisher = (g.__livePublisher ??= new LivePublisher(
  liveHub,
  env.databaseEngine === "postgres" ? new PgNoticePeers(env.databaseUrl) : relayPeers,
));

onRelay("live:state", (m) => livePublisher.onPeerState(Number(m.roundId), Number(m.version), new Date(Number(m.at))));
onRelay("live:stats", (m) => livePublisher.onPeerStats(Number(m.roundId)));

/** Sends the round's state to every screen, here and on the other processes or nodes; resolves once sent here. */
export function publishState(roundId: number, now = new Date()): Promise<void> {
  return livePublisher.publishState(roundId, now);
}

/** Sends the counters to the round's host screens soon (here and elsewhere), once for however many changes come meanwhile. */
export function scheduleStats(roundId: number) {
  livePublisher.scheduleStats(roundId);
}
