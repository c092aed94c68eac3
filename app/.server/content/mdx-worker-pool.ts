import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type MdxNode } from "~/lib/mdx-tree";
import { type CompileOptions, MdxRejected } from "./mdx-compile";
import type { CompileReply, CompileRequest } from "./mdx-worker";

// Trainer MDX is compiled in a worker thread, one body at a time, never on the event loop that
// serves pages: a pathological body (`*a` repeated, thousands of nested quotes, lists or components)
// can keep a parser busy for minutes. Each compile has a size cap before it starts, a time limit
// (past it the thread is terminated and a fresh one started) and a memory limit (the thread's heap);
// a compile refused by any of them is an MdxRejected with a sentence in Chinese, like any other
// problem with the text. Compiles waiting for the thread take turns by whoever asked for them (a
// trainer, or the system: course sync, background compiles): one of each asker's in rotation, so a
// trainer who sends a hundred slow compiles at once (parallel previews or publishes) holds everyone
// else back by one compile, not a hundred. Decision 027.

export type CompilerLimits = { maxChars: number; timeMs: number; memoryMb: number };

export const MDX_LIMITS: CompilerLimits = { maxChars: 100_000, timeMs: 10_000, memoryMb: 256 };

export const MDX_TIMEOUT_MESSAGE = "课件内容过于复杂，编译超时，请拆分或简化后重试";
export const MDX_MEMORY_MESSAGE = "课件内容过于复杂，编译所需内存超出上限，请拆分或简化后重试";
export const mdxTooLongMessage = (chars: number, max: number) => `课件正文有 ${chars} 字，超过 ${max} 字的上限，请拆分为多个课时`;

/** Loading the MDX compiler in a fresh thread takes about a second; a thread that never says it is ready is broken. */
const START_LIMIT_MS = 60_000;
const ENTRY = "mdx-worker-entry.mjs";

/**
 * The worker's entry file. Beside this module when it runs from the sources (dev, tests, the server's
 * own imports); the Remix build bundles this module into build/server/index.js, and from there the
 * sources are found by walking up to the project root.
 */
function workerFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    for (const file of [path.join(dir, ENTRY), path.join(dir, "app", ".server", "content", ENTRY)]) if (fs.existsSync(file)) return file;
    if (path.dirname(dir) === dir) throw new Error(`${ENTRY} not found above ${here}`);
  }
}

const refused = (message: string) => new MdxRejected([{ line: null, message }]);

type Job = { request: CompileRequest; resolve(tree: MdxNode[]): void; reject(e: unknown): void };

/** Who a compile is for, so the queue can take turns: a person's id, or SYSTEM. */
export type CompileOwner = string;
export const SYSTEM: CompileOwner = "system";

export class MdxCompiler {
  private worker: Worker | null = null;
  private starting: Promise<Worker> | null = null;
  /** Waiting compiles by owner, and the turn each owner was last served in (both cleared when the queue empties). */
  private waiting = new Map<CompileOwner, Job[]>();
  private lastTurn = new Map<CompileOwner, number>();
  private turn = 0;
  private pumping = false;

  constructor(readonly limits: CompilerLimits = MDX_LIMITS) {}

  /** Compiles in the worker when the owner's turn comes. Throws MdxRejected when refused. */
  compile(body: string, options: CompileOptions = {}, owner: CompileOwner = SYSTEM): Promise<MdxNode[]> {
    if (body.length > this.limits.maxChars) return Promise.reject(refused(mdxTooLongMessage(body.length, this.limits.maxChars)));
    return new Promise((resolve, reject) => {
      const job = { request: { body, options }, resolve, reject };
      const jobs = this.waiting.get(owner);
      if (jobs) jobs.push(job);
      else this.waiting.set(owner, [job]);
      void this.pump();
    });
  }

  private async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let job = this.nextJob(); job; job = this.nextJob()) {
        try {
          job.resolve(await this.run(job.request));
        } catch (e) {
          job.reject(e);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** The first waiting compile of the owner served longest ago (never, for one who just came). */
  private nextJob(): Job | null {
    let pick: CompileOwner | null = null;
    for (const [owner, jobs] of this.waiting) {
      if (jobs.length && (pick === null || (this.lastTurn.get(owner) ?? 0) < (this.lastTurn.get(pick) ?? 0))) pick = owner;
    }
    if (pick === null) {
      this.waiting.clear();
      this.lastTurn.clear();
      return null;
    }
    this.lastTurn.set(pick, ++this.turn);
    return this.waiting.get(pick)!.shift()!;
  }

  /** Stops the thread (a script that is done; a test). The next compile starts a new one. */
  async close() {
    const worker = this.worker ?? (await this.starting?.catch(() => null));
    this.discard();
    await worker?.terminate();
  }

  private async run(request: CompileRequest): Promise<MdxNode[]> {
    const worker = await this.ready();
    worker.ref();
    try {
      const reply = await this.exchange(worker, request);
      if (reply.ok) return reply.tree;
      if ("problems" in reply) throw new MdxRejected(reply.problems);
      throw new Error(`MDX compiler failed: ${reply.error}`);
    } finally {
      // An idle thread does not keep the process alive (a script that synced its courses may end).
      worker.unref();
    }
  }

  private exchange(worker: Worker, request: CompileRequest): Promise<CompileReply> {
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      const onMessage = (reply: CompileReply) => {
        settle();
        resolve(reply);
      };
      const onError = (e: Error & { code?: string }) => {
        settle();
        if (e.code === "ERR_WORKER_OUT_OF_MEMORY") reject(refused(MDX_MEMORY_MESSAGE));
        else reject(e);
      };
      const onExit = (code: number) => {
        settle();
        reject(new Error(`MDX compiler thread exited (${code})`));
      };
      const timer = setTimeout(() => {
        settle();
        this.discard();
        void worker.terminate();
        reject(refused(MDX_TIMEOUT_MESSAGE));
      }, this.limits.timeMs);
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
    const worker = new Worker(workerFile(), { resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb } });
    // Whatever happens to the thread later (out of memory, a crash), the next compile gets a new one.
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
        settle();
        if (m === "ready") resolve(worker);
        else fail(new Error(`MDX compiler thread said ${String(m)} instead of ready`));
      };
      const onExit = (code: number) => fail(new Error(`MDX compiler thread exited (${code}) while starting`));
      const timer = setTimeout(() => fail(new Error("MDX compiler thread did not start")), START_LIMIT_MS);
      worker.on("message", onMessage);
      worker.on("error", fail);
      worker.on("exit", onExit);
    });
  }

  private discard(worker: Worker | null = this.worker) {
    if (worker && worker === this.worker) this.worker = null;
  }
}

// One compiler for the process: the server's own modules and the Remix build are two module graphs
// (decision 003), and both compile (course sync at start, the
// studio's preview), so the instance lives on globalThis.
const KEY = Symbol.for("wsdx.mdxCompiler");
const g = globalThis as typeof globalThis & { [KEY]?: MdxCompiler };

export function mdxCompiler(): MdxCompiler {
  return (g[KEY] ??= new MdxCompiler());
}
