import { type Stats, summarize } from "./stats";

// A small load driver: runs a request task a bounded number of times with at most `concurrency`
// in flight, and stops early at a time cap or when `stop()` says so. Node's fetch keeps
// connections alive, so each worker reuses its socket.

export type LoadOptions = {
  count: number;
  concurrency: number;
  /** Hard time cap: a benchmark never runs unbounded, even against a stalled server. */
  maxMs?: number;
  /** Unmeasured requests first, one at a time, so JIT and caches are warm. */
  warmup?: number;
  stop?: () => boolean;
};

/** One request; it throws on a wrong answer, which counts as an error. */
export type Task = (i: number) => Promise<void>;

export type LoadResult = Stats & { firstError?: string };

/** Throws unless the reply has the expected status (a redirect to /login is not a page). */
export function expectStatus(reply: { status: number; location: string | null }, status: number, what: string) {
  if (reply.status !== status) throw new Error(`${what} → ${reply.status}${reply.location ? ` ${reply.location}` : ""}`);
}

export async function drive(task: Task, opts: LoadOptions): Promise<LoadResult> {
  for (let i = 0; i < (opts.warmup ?? 0); i++) await task(-1 - i).catch(() => undefined);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  const deadline = started + (opts.maxMs ?? 60_000);

  async function worker() {
    while (next < opts.count && performance.now() < deadline && !opts.stop?.()) {
      const i = next++;
      const t0 = performance.now();
      let ok = true;
      try {
        await task(i);
      } catch (e) {
        ok = false;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
      latencies.push(performance.now() - t0);
      if (!ok) errors++;
    }
  }

  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { ...summarize(latencies, errors, performance.now() - started), firstError };
}
