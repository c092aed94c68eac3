import pg from "pg";
import { pgPoolConfig } from "./pg-types";

// A PostgreSQL LISTEN connection that stays up (decision 077): a `pg.Client` of its own, never one of a
// pool's (a pooled client is handed to other work between queries, and LISTEN belongs to the session).
// When the connection is lost (the server restarted, the backend terminated, the network dropped) it
// reconnects after a pause that doubles from `minRetryMs` to `maxRetryMs`, with jitter so that N nodes
// do not all knock at once, and calls `onListening` after every LISTEN that succeeds, the first
// included: a notification sent while no LISTEN was in place is lost for good, so the owner catches up
// from the database there. A connection whose peer vanished without a word (a dropped network, a
// frozen server, a firewall forgetting the flow) raises no error: TCP's keepalive would notice only after
// minutes, while notices go unheard. So every `probeEveryMs` the listener asks `SELECT 1` on its own
// connection, and one not answered within `probeTimeoutMs` counts as lost: the socket is destroyed and
// the reconnect (and the owner's catch-up) follows as for any loss. Loaded only on PostgreSQL (it imports `pg`).

export type PgListenerOptions = {
  url: string;
  channel: string;
  onNotification(payload: string): void;
  /** After every connect whose LISTEN succeeded (the first too): catch up on what may have been missed. */
  onListening(): void;
  /** A connection lost or refused; the next try comes in `retryInMs`. */
  onTrouble?(error: Error, retryInMs: number): void;
  minRetryMs?: number;
  maxRetryMs?: number;
  /** How often the connection is asked `SELECT 1` (default 15 s). */
  probeEveryMs?: number;
  /** How long an answer may take before the connection counts as lost (default 5 s). */
  probeTimeoutMs?: number;
};

export class PgListener {
  #client: pg.Client | null = null;
  #started = false;
  #stopped = false;
  #retryMs: number;
  #timer: NodeJS.Timeout | null = null;
  #probeTimer: NodeJS.Timeout | null = null;
  #connects = 0;

  constructor(private readonly opts: PgListenerOptions) {
    if (!/^[a-z_][a-z0-9_]*$/.test(opts.channel)) throw new Error(`a channel name of lower-case letters, digits and _: ${opts.channel}`);
    this.#retryMs = opts.minRetryMs ?? 100;
  }

  /** Starts listening (in the background); a second call does nothing. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    void this.#connect();
  }

  /** Whether a LISTEN is in place now. */
  get listening(): boolean {
    return this.#client !== null;
  }

  /** The server process of the connection (pg_stat_activity's pid), while listening. */
  get backendPid(): number | null {
    return (this.#client as (pg.Client & { processID?: number }) | null)?.processID ?? null;
  }

  /** Successful connects so far (the first one included). */
  get connects(): number {
    return this.#connects;
  }

  async #connect(): Promise<void> {
    this.#timer = null;
    const { url, channel } = this.opts;
    // keepAlive: a connection whose peer vanished without a word (a dropped network) is found dead by
    // TCP's keepalive instead of never.
    const client = new pg.Client(pgPoolConfig(url, { keepAlive: true, keepAliveInitialDelayMillis: 10_000 }));
    let lost = false;
    let probe: NodeJS.Timeout | null = null;
    const onLost = (e: Error) => {
      if (lost) return;
      lost = true;
      if (probe) clearInterval(probe);
      if (this.#client === client) this.#client = null;
      client.removeAllListeners("notification");
      client.end().catch(() => undefined);
      this.#retry(e);
    };
    client.on("error", onLost);
    client.on("end", () => onLost(new Error("the LISTEN connection ended")));
    client.on("notification", (m) => {
      if (m.channel === channel) this.opts.onNotification(m.payload ?? "");
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
    } catch (e) {
      onLost(e as Error);
      return;
    }
    if (lost) return;
    if (this.#stopped) {
      lost = true;
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#connects++;
    this.#retryMs = this.opts.minRetryMs ?? 100;
    probe = this.#probeTimer = this.#probe(client, onLost);
    this.opts.onListening();
  }

  /** Asks the connection `SELECT 1` now and then; no answer in time destroys it and reports it lost. */
  #probe(client: pg.Client, onLost: (e: Error) => void): NodeJS.Timeout {
    const limit = this.opts.probeTimeoutMs ?? 5000;
    let waiting = false;
    const timer = setInterval(() => {
      if (waiting) return;
      waiting = true;
      const deadline = setTimeout(() => {
        // end() would wait for the silent peer: the socket is closed here, without a goodbye.
        (client as pg.Client & { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
        onLost(new Error(`the LISTEN connection did not answer within ${limit} ms`));
      }, limit);
      deadline.unref();
      client.query("SELECT 1").then(
        () => {
          waiting = false;
          clearTimeout(deadline);
        },
        // A failed probe means a broken connection: its "error" or "end" event reports it.
        () => clearTimeout(deadline),
      );
    }, this.opts.probeEveryMs ?? 15_000);
    timer.unref();
    return timer;
  }

  #retry(e: Error) {
    if (this.#stopped || this.#timer) return;
    const max = this.opts.maxRetryMs ?? 5000;
    const wait = Math.round(this.#retryMs * (0.5 + Math.random() / 2));
    this.#retryMs = Math.min(max, this.#retryMs * 2);
    this.opts.onTrouble?.(e, wait);
    this.#timer = setTimeout(() => void this.#connect(), wait);
    this.#timer.unref();
  }

  /** Stops listening and closes the connection; no reconnect after it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#probeTimer) clearInterval(this.#probeTimer);
    this.#timer = null;
    const client = this.#client;
    this.#client = null;
    if (client) {
      client.removeAllListeners("notification");
      client.removeAllListeners("end");
      client.removeAllListeners("error");
      client.on("error", () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
