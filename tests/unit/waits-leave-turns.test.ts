import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "~/.server/auth/password";
import { type RequestContext, requestContextStorage } from "~/.server/http/context";
import { newBodyBudget } from "~/.server/http/body-limit";
import { DeadlineWorker } from "~/.server/workers/deadline-worker";

// A request that waits on something other than its event loop gives its turn to the next page or form
// (decisions 091, 094): an argon2 hash (a sign-in waits for a slot and the thread pool) and a worker
// thread's job (an MDX preview, a similarity check). Each is called inside a request's context whose
// turn counts how often it was left.

const ENTRY = fileURLToPath(new URL("../fixtures/deadline-worker-entry.mjs", import.meta.url));
const thread = new DeadlineWorker<"echo", { job: string }>(() => ENTRY, { timeMs: 30_000, memoryMb: 64 }, "test");
afterAll(() => thread.close());

async function inRequest<T>(work: () => Promise<T>): Promise<{ value: T; left: number }> {
  let left = 0;
  const context: RequestContext = {
    clientAddress: "127.0.0.1",
    cspNonce: "nonce",
    appendHeader: () => {},
    bodyBudget: newBodyBudget(),
    leaveTurn: () => (left += 1),
  };
  const value = await requestContextStorage.run(context, work);
  return { value, left };
}

describe("waits that leave the request's turn", () => {
  it("leaves it before an argon2 hash is waited for, and the hash still answers", async () => {
    const hashed = await hashPassword("Passw0rd1");
    expect(await inRequest(() => verifyPassword(hashed, "Passw0rd1"))).toEqual({ value: true, left: 1 });
    expect(await inRequest(() => verifyPassword(hashed, "wrong"))).toEqual({ value: false, left: 1 });
  });

  it("leaves it before a worker thread's job is waited for", async () => {
    const { value, left } = await inRequest(() => thread.call("echo"));
    expect(value.job).toBe("echo");
    expect(left).toBe(1);
  });

  it("does nothing outside a request", async () => {
    expect((await thread.call("echo")).job).toBe("echo");
  });
});
