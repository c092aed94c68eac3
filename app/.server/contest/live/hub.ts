// The in-process hub of live rounds: every open event stream of this process, by round (decision 020).
// A host's action reaches the phones of this process from here; the other processes and nodes hear of
// it and publish to their own (publish.ts: the primary on SQLite, LISTEN/NOTIFY on PostgreSQL,
// decision 077).

export type LiveListener = {
  /** The player's id, or null for a host's screen. */
  personId: number | null;
  host: boolean;
  /** The round's version in the last state this stream was sent: it is only ever sent a newer one. */
  version: number;
  /** Queues bytes on the stream; a stream too far behind is closed instead (its client reconnects). */
  send(bytes: Uint8Array): void;
  /** Ends the stream (the server is stopping). */
  close(): void;
};

const HEARTBEAT_MS = 15_000;
const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(": ping\n\n");

export class LiveHub {
  private rounds = new Map<number, Set<LiveListener>>();
  private heartbeat: NodeJS.Timeout | null = null;

  add(roundId: number, listener: LiveListener) {
    let set = this.rounds.get(roundId);
    if (!set) this.rounds.set(roundId, (set = new Set()));
    set.add(listener);
    // One timer for every stream: a comment line keeps proxies and phones from closing an idle stream.
    this.heartbeat ??= setInterval(() => this.all().forEach((l) => l.send(HEARTBEAT)), HEARTBEAT_MS).unref();
  }

  remove(roundId: number, listener: LiveListener) {
    const set = this.rounds.get(roundId);
    if (!set) return;
    set.delete(listener);
    if (set.size === 0) this.rounds.delete(roundId);
    if (this.rounds.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }

  listeners(roundId: number): LiveListener[] {
    return [...(this.rounds.get(roundId) ?? [])];
  }

  /** The rounds with a stream here. */
  roundIds(): number[] {
    return [...this.rounds.keys()];
  }

  /** Ends every stream: an open stream would keep the HTTP server from closing. */
  closeAll() {
    this.all().forEach((l) => l.close());
  }

  private all(): LiveListener[] {
    return [...this.rounds.values()].flatMap((set) => [...set]);
  }
}

// On globalThis: server.ts (run from source) and the server build each load this module, and both
// must see the same streams.
const g = globalThis as typeof globalThis & { __liveHub?: LiveHub };
export const liveHub: LiveHub = (g.__liveHub ??= new LiveHub());

/** One Server-Sent Event, encoded once and written to as many streams as need it. */
export function sseEvent(event: string, data: unknown): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
