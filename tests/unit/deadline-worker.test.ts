import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DeadlineWorker, WorkerStopped } from "~/.server/workers/deadline-worker";

// The one worker call with a deadline that the MDX compiler and the similarity check share (decision
// 046), on a real thread (tests/fixtures/deadline-worker-entry.mjs). A job that overruns never ends by
// itself (a loop with no end), so the deadline is certain to pass whatever the machine's load: the
// test waits for the stop, never for the clock.

type Job = "echo" | "loop" | "fill" | "die";
type Reply = { job: Job; threadId: number };

const ENTRY = fileURLToPath(new URL("../fixtures/deadline-worker-entry.mjs", import.meta.url));
// A limit an answer meets on a loaded machine, and a loop never does.
const thread = new DeadlineWorker<Job, Reply>(() => ENTRY, { timeMs: 3_000, memoryMb: 64 }, "test");
// Filling a heap may take long on a loaded machine: a limit it is not stopped by first.
const small = new DeadlineWorker<Job, Reply>(() => ENTRY, { timeMs: 60_000, memoryMb: 16 }, "test (small heap)");

afterAll(async () => {
  await thread.close();
  await small.close();
});

async function stopOf(job: Job, on = thread): Promise<WorkerStopped> {
  const e: unknown = await on.call(job).then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof WorkerStopped)) throw new Error(`expected a stop, got ${String(e)}`);
  return e;
}

describe("a worker call with a deadline", () => {
  it("answers jobs on one thread, one after another", async () => {
    const first = await thread.call("echo");
    expect(first.job).toBe("echo");
    expect((await thread.call("echo")).threadId).toBe(first.threadId);
  });

  it("terminates a job that overruns its time limit, says so, and runs the next job on a fresh thread", async () => {
    const before = (await thread.call("echo")).threadId;
    expect((await stopOf("loop")).kind).toBe("timeout");
    const after = await thread.call("echo");
    expect(after.job).toBe("echo");
    expect(after.threadId).not.toBe(before);
  });

  it("stops a job that runs out of its heap, and one whose thread dies, each said as such", async () => {
    expect((await stopOf("fill", small)).kind).toBe("memory");
    expect((await small.call("echo")).job).toBe("echo");
    expect((await stopOf("die")).kind).toBe("crashed");
    expect((await thread.call("echo")).job).toBe("echo");
  });
});
