import { sqlDb } from "../../db";
import { log } from "../../ops/log";
import type { PgListener } from "../../pg-listener";
import { sql } from "../../sql";

// Live rounds across nodes on PostgreSQL (decision 077). A node that changes a round sends
// `NOTIFY live_round` with ids only, `{"round":12,"version":8}` (or `{"round":12,"stats":1}` when only
// the host screens' counters changed); every node keeps one LISTEN connection of its own
// (pg-listener.ts) and, for a round it holds streams of, reads the round from the database and sends it
// to its own streams as for a change of its own (publish.ts). Nothing of the round travels in the
// notice: what a phone sees is always what the database says, and a lost notice is repaired by the
// next one or by the resync after a reconnect. On SQLite none of this is loaded: the processes of the
// one machine tell each other through the primary (decision 071).

/** How a process tells the others that a round changed, and (where it takes a connection) hears theirs. */
export type LivePeers = {
  state(roundId: number, version: number, now: Date): void;
  stats(roundId: number): void;
  start?(follower: LiveFollower): void;
  /** Which connection hears the peers now (a count of those established), or -1 while none does. */
  hearing?(): number;
  stop?(): Promise<void>;
};

/** What a process does with a peer's notice (publish.ts's LivePublisher). */
export type LiveFollower = {
  onPeerState(roundId: number, version?: number): void;
  onPeerStats(roundId: number): void;
  resync(): void;
};

export const LIVE_CHANNEL = "live_round";

export type LiveNotice = { round: number; version: number } | { round: number; stats: true };

export function noticeText(n: LiveNotice): string {
  return "stats" in n ? JSON.stringify({ round: n.round, stats: 1 }) : JSON.stringify({ round: n.round, version: n.version });
}

/** A notice's payload, or null for anything else on the channel (ids must be whole numbers). */
export function readNotice(text: string): LiveNotice | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const { round, version, stats } = v as Record<string, unknown>;
  if (!Number.isSafeInteger(round)) return null;
  if (stats === 1) return { round: round as number, stats: true };
  if (Number.isSafeInteger(version)) return { round: round as number, version: version as number };
  return null;
}

/** A notice to every node (this one included: its own are recognised by their version and skipped). */
export async function sendNotice(n: LiveNotice): Promise<void> {
  await sqlDb().run(sql`SELECT pg_notify(${LIVE_CHANNEL}, ${noticeText(n)})`);
}

/** The peers on PostgreSQL: notices out through sqlDb()'s pool, in through a LISTEN connection of this process's own. */
export class PgNoticePeers implements LivePeers {
  #listener: PgListener | null = null;
  #starting: Promise<void> | null = null;
  #stopped = false;

  constructor(
    private readonly url: string,
    private readonly retry: { minRetryMs?: number; maxRetryMs?: number } = {},
  ) {}

  state(roundId: number, version: number): void {
    this.#send({ round: roundId, version });
  }

  stats(roundId: number): void {
    this.#send({ round: roundId, stats: true });
  }

  #send(n: LiveNotice) {
    // The change is committed already; a notice that fails to go out (the database unreachable) is
    // repaired by the receivers' resync when their own connections come back.
    sendNotice(n).catch((e: unknown) => log.warn("live round: a notice to the other nodes failed", { round: n.round, error: (e as Error).message }));
  }

  start(follower: LiveFollower): void {
    this.#starting ??= (async () => {
      const { PgListener } = await import("../../pg-listener");
      if (this.#stopped) return;
      this.#listener = new PgListener({
        url: this.url,
        channel: LIVE_CHANNEL,
        ...this.retry,
        onNotification: (text) => {
          const n = readNotice(text);
          if (!n) return;
          if ("stats" in n) follower.onPeerStats(n.round);
          else follower.onPeerState(n.round, n.version);
        },
        // The first LISTEN too: a stream that opened before it may have missed a notice.
        onListening: () => follower.resync(),
        onTrouble: (e, retryInMs) => log.warn("live round: the LISTEN connection was lost, reconnecting", { error: e.message, retryInMs }),
      });
      this.#listener.start();
    })();
  }

  hearing(): number {
    return this.#listener?.listening ? this.#listener.connects : -1;
  }

  /** The LISTEN connection, once started (tests). */
  get listener(): PgListener | null {
    return this.#listener;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#starting;
    await this.#listener?.stop();
  }
}
