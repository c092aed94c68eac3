import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";
import { SERVER_START_TEST_MS, spawnServer } from "../support/spawn-server";

// TRUST_PROXY as a number of proxies (decision 029's throttle behind nginx's usual
// `proxy_add_x_forwarded_for`, which appends the address it sees to whatever the client sent): the
// client address is the one the nearest proxy wrote, so a guesser who writes a new address into the
// header for every attempt still meets the account-from-address limit.

let server: TestServer;
const PASSWORD = "Passw0rd1";
const PROXY_SAW = "203.0.113.70";

beforeAll(async () => {
  server = await startTestServer({ env: { TRUST_PROXY: "1" } });
  const f = server.factory;
  const root = f.unit({ name: "党委", kind: "committee" });
  await f.password(f.person({ number: "HOPS1", name: "HOPS1", unitId: root.id }), PASSWORD);
});
afterAll(() => server?.stop());

/** A sign-in as the proxy forwards it: what the client claimed, then the address the proxy saw. */
function post(claimed: string, username: string, password: string) {
  return new Client(server.url).request("/login", {
    method: "POST",
    body: new URLSearchParams({ username, password }),
    headers: { "X-Forwarded-For": `${claimed}, ${PROXY_SAW}` },
  });
}

const failures = () =>
  server.factory.db.prepare("SELECT detail, ip FROM AuditLog WHERE action = 'login.failure' AND targetId = 'HOPS1'").all() as { detail: string; ip: string }[];

describe("TRUST_PROXY=1 behind a proxy that appends to X-Forwarded-For", () => {
  it("takes the address the proxy saw, not the one the client wrote, for the throttle and the audit", async () => {
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => post(`198.51.100.${i + 1}`, "HOPS1", "guess")));
    expect(replies.every((r) => r.status === 400)).toBe(true);
    const rows = failures();
    const reasons: Record<string, number> = {};
    for (const r of rows) {
      const reason = (JSON.parse(r.detail) as { reason: string }).reason;
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
    // One address, one account: five tries, as if the header held only the proxy's address.
    expect(reasons).toEqual({ password: 5, throttled: 25 });
    expect(new Set(rows.map((r) => r.ip))).toEqual(new Set([PROXY_SAW]));
  });
});

describe("a TRUST_PROXY the server cannot read", () => {
  it.each(["yes", "0", "10", "1.5"])(
    "refuses to start with TRUST_PROXY=%s, saying why in English and Chinese",
    { timeout: SERVER_START_TEST_MS },
    async (value) => {
      const started = spawnServer({ dbFile: server.dbFile, env: { TRUST_PROXY: value }, startTimeoutMs: 60_000 });
      await expect(started).rejects.toThrow(/TRUST_PROXY must be true, false or the number of proxies/);
      await expect(started).rejects.toThrow(/TRUST_PROXY 须为 true、false 或代理的层数/);
    },
  );
});
