import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The sign-in throttle on the real server (decision 029): attempts count when they start, so a burst
// of parallel posts gets no more verifications than a sequence would, and someone who knows a 学号
// cannot lock its owner out: the lock is per account and address. The server trusts X-Forwarded-For
// here (as behind the school's proxy), so one test can speak from several addresses.

let server: TestServer;
const PASSWORD = "Passw0rd1";

beforeAll(async () => {
  server = await startTestServer({ env: { TRUST_PROXY: "true" } });
  const f = server.factory;
  const root = f.unit({ name: "党委", kind: "committee" });
  for (const number of ["VICTIM1", "VICTIM2", "BYSTANDER"]) await f.password(f.person({ number, name: number, unitId: root.id }), PASSWORD);
});
afterAll(() => server?.stop());

function post(from: string, username: string, password: string) {
  return new Client(server.url).request("/login", {
    method: "POST",
    body: new URLSearchParams({ username, password }),
    headers: { "X-Forwarded-For": from },
  });
}

/** How the server recorded the sign-in failures for accounts whose number starts with `prefix`, by reason. */
function reasons(prefix: string): Record<string, number> {
  const rows = server.factory.db.prepare("SELECT detail FROM AuditLog WHERE action = 'login.failure' AND targetId LIKE ?").all(`${prefix}%`) as {
    detail: string;
  }[];
  const out: Record<string, number> = {};
  for (const r of rows) {
    const reason = (JSON.parse(r.detail) as { reason: string }).reason;
    out[reason] = (out[reason] ?? 0) + 1;
  }
  return out;
}

describe("the sign-in throttle", () => {
  it("verifies no more than the address's budget when many posts arrive at once", async () => {
    const from = "198.51.100.20";
    const replies = await Promise.all(Array.from({ length: 120 }, (_, i) => post(from, `NOBODY${String(i).padStart(3, "0")}`, "wrong")));
    expect(replies.every((r) => r.status === 400)).toBe(true);
    // Fifty were checked (and paid for an argon2 verification), the other seventy refused unread.
    expect(reasons("NOBODY")).toEqual({ unknown: 50, throttled: 70 });
    // The address has used its budget: even a right password from it waits.
    expect((await post(from, "BYSTANDER", PASSWORD)).status).toBe(400);
    expect((await post("198.51.100.21", "BYSTANDER", PASSWORD)).status).toBe(302);
  });

  it("gives parallel guesses at one account from one address five tries, no more", async () => {
    const replies = await Promise.all(Array.from({ length: 30 }, () => post("203.0.113.66", "VICTIM1", "guess")));
    expect(replies.every((r) => r.status === 400)).toBe(true);
    expect(reasons("VICTIM1")).toEqual({ password: 5, throttled: 25 });
  });

  it("does not let someone who knows a 学号 lock its owner out", async () => {
    for (let i = 0; i < 8; i++) expect((await post("203.0.113.77", "VICTIM2", `guess${i}`)).status).toBe(400);
    expect(reasons("VICTIM2")).toEqual({ password: 5, throttled: 3 });
    // The guesser's address stays locked for this account, even with the right password…
    expect((await post("203.0.113.77", "VICTIM2", PASSWORD)).status).toBe(400);
    // …while the owner, from the dormitory or the office, signs in as usual.
    const owner = await post("198.51.100.30", "VICTIM2", PASSWORD);
    expect(owner.status).toBe(302);
    expect(owner.location).toBe("/");
  });
});
