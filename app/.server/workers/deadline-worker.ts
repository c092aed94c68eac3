import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { leaveTurn } from "../http/context";

// One worker thread that runs one job at a time under a time limit and a memory limit: the shape the
// MDX compiler (decision 027) and the similarity check (decision 045) share (decision 046). The thread
// is started on the first call and says "ready" once loaded; each call posts one request and waits for
// one reply. Past the time limit, or when the thread runs out of its heap or dies, the thread is
// terminated and the call rejected with a WorkerStopped saying which; the next call starts a fresh
// thread. An idle thread does not keep the process alive. What a reply means, and what a stop is
// called in Chinese, is the caller's.

export type WorkerLimits = { timeMs: number; memoryMb: number };

/** Why a call was stopped: past its time limit, out of its heap, or the thread failed or exited. */
export type StopCause = "timeout" | "memory" | "crashed";

export class WorkerStopped extends Error {
  constructor(
    readonly kind: StopCause,
    detail: string,
  ) {
    super(`${kind}: ${detail}`);
    this.name = "WorkerStopped";
  }
}

/** Loading a thread's modules (tsx, a compiler) takes about a second; a thread that never says it is ready is broken. */
const START_LIMIT_MS = 60_000;

/**
 * A thread's entry file: beside the calling module when it runs from the sources (dev, tests, the
 * server's own imports); the Remix build bundles the caller into build/server/index.js, and from there
 * the sources are found by walking up to the project root and down `folder`.
 */
export function workerEntry(moduleUrl: string, folder: string, entry: string): string {
  const here = path.dirname(fileURLToPath(moduleUrl));
  for (let dir = here; ; dir = path.dirname(dir)) {
    for (const file of [path.join(dir, entry), path.join(dir, folder, entry)]) if (fs.existsSync(file)) return file;
    if (path.dirname(dir) === dir) throw new Error(`${entry} not found above ${here}`);
  }
}

export class DeadlineWorker<Request, Reply> {
  private worker: Worker | null = null;
  private starting: Promise<Worker> | null = null;

  /** `file` is asked for when a thread starts; `name` says which thread in errors (English, for the log). */
  constructor(
    private readonly file: () => string,
    readonly limits: WorkerLimits,
    private readonly name: string,
  ) {}

  /** Posts the request to the thread and resolves with its reply; rejects with WorkerStopped when the thread was stopped. */
  async call(request: Request): Promise<Reply> {
    // The work is the thread's, not the event loop's: a request holding a turn gives it to the next (decisions 091, 094).
    leaveTurn();
    const worker = await this.ready();
    worker.ref();
    try {
      return await this.exchange(worker, request);
    } finally {
      // An idle thread does not keep the process alive (a script that is done may end).
      worker.unref();
    }
  }

  /** Stops the thread (the server stops; a test). A call in progress is rejected as crashed; the next call starts a new thread. */
  async close(): Promise<void> {
    const worker = this.worker ?? (await this.starting?.catch(() => null));
    this.discard(worker ?? null);
    await worker?.terminate();
  }

  private exchange(worker: Worker, request: Request): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      const stop = (cause: StopCause, detail: string) => {
        settle();
        this.discard(worker);
        void worker.terminate();
        reject(new WorkerStopped(cause, `${this.name}: ${detail}`));
      };
      const onMessage = (reply: Reply) => {
        settle();
        resolve(reply);
      };
      const onError = (e: Error & { code?: string }) => stop(e.code === "ERR_WORKER_OUT_OF_MEMORY" ? "memory" : "crashed", e.stack ?? e.message);
      const onExit = (code: number) => stop("crashed", `thread exited (${code})`);
      const timer = setTimeout(() => stop("timeout", `no reply within ${this.limits.timeMs} ms`), this.limits.timeMs);
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage(request);
    });
  }

  private ready(): Promise<Worker> {
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= this.start().then(
      (w) => {
        this.worker = w;
        this.starting = null;
        return w;
      },
      (e: unknown) => {
        this.starting = null;
        throw e;
      },
    );
    return this.starting;
  }

  private start(): Promise<Worker> {
    const worker = new Worker(this.file(), { resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb } });
    // Whatever happens to the thread later (out of memory, a crash), the next call gets a new one.
    worker.on("error", () => this.discard(worker));
    worker.on("exit", () => this.discard(worker));
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", fail);
        worker.off("exit", onExit);
      };
      const fail = (e: Error) => {
        settle();
        void worker.terminate();
        reject(e);
      };
      const onMessage = (m: unknown) => {
        if (m !== "ready") return fail(new Error(`${this.name} thread said ${String(m)} instead of ready`));
        settle();
        // Idle until called.
        worker.unref();
        resolve(worker);
      };
      const onExit = (code: number) => fail(new Error(`${this.name} thread exited (${code}) while starting`));
      const timer = setTimeout(() => fail(new Error(`${this.name} thread did not start`)), START_LIMIT_MS);
      worker.on("message", onMessage);
      worker.on("error", fail);
      worker.on("exit", onExit);
    });
  }

  private discard(worker: Worker | null) {
    if (worker && worker === this.worker) this.worker = null;
  }
}
