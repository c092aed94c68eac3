import { type MdxNode } from "~/lib/mdx-tree";
import { DeadlineWorker, WorkerStopped, workerEntry } from "../workers/deadline-worker";
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
// else back by one compile, not a hundred. Decision 027; the thread and its limits are the shared
// DeadlineWorker (decision 046).

export type CompilerLimits = { maxChars: number; timeMs: number; memoryMb: number };

export const MDX_LIMITS: CompilerLimits = { maxChars: 100_000, timeMs: 10_000, memoryMb: 256 };

export const MDX_TIMEOUT_MESSAGE = "课件内容过于复杂，编译超时，请拆分或简化后重试";
export const MDX_MEMORY_MESSAGE = "课件内容过于复杂，编译所需内存超出上限，请拆分或简化后重试";
export const mdxTooLongMessage = (chars: number, max: number) => `课件正文有 ${chars} 字，超过 ${max} 字的上限，请拆分为多个课时`;

const ENTRY = "mdx-worker-entry.mjs";

const refused = (message: string) => new MdxRejected([{ line: null, message }]);

type Job = { request: CompileRequest; resolve(tree: MdxNode[]): void; reject(e: unknown): void };

/** Who a compile is for, so the queue can take turns: a person's id, or SYSTEM. */
export type CompileOwner = string;
export const SYSTEM: CompileOwner = "system";

export class MdxCompiler {
  private readonly thread: DeadlineWorker<CompileRequest, CompileReply>;
  /** Waiting compiles by owner, and the turn each owner was last served in (both cleared when the queue empties). */
  private waiting = new Map<CompileOwner, Job[]>();
  private lastTurn = new Map<CompileOwner, number>();
  private turn = 0;
  private pumping = false;

  constructor(readonly limits: CompilerLimits = MDX_LIMITS) {
    this.thread = new DeadlineWorker(() => workerEntry(import.meta.url, "app/.server/content", ENTRY), limits, "MDX compiler");
  }

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
    await this.thread.close();
  }

  private async run(request: CompileRequest): Promise<MdxNode[]> {
    let reply: CompileReply;
    try {
      reply = await this.thread.call(request);
    } catch (e) {
      if (e instanceof WorkerStopped && e.kind === "timeout") throw refused(MDX_TIMEOUT_MESSAGE);
      if (e instanceof WorkerStopped && e.kind === "memory") throw refused(MDX_MEMORY_MESSAGE);
      throw e;
    }
    if (reply.ok) return reply.tree;
    if ("problems" in reply) throw new MdxRejected(reply.problems);
    throw new Error(`MDX compiler failed: ${reply.error}`);
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
