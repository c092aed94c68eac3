import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { testEngine } from "../support/engine";
import { type TestServer, startTestServer } from "../support/server";

// The sessions a process keeps (decision 093). Every change below is written straight into the
// database, as another process, another node or a hand in the database would write it, never through
// the server under test: it must see each at once, on the next request, though it had just validated
// the session and kept it. Then /metrics shows that it does keep them.

const TOKEN = "s".repeat(24) + "-metrics-token-for-tests";
let server: TestServer;
let root: ReturnType<TestServer["factory"]["unit"]>;
let seq = 0;

beforeAll(async () => {
  server = await startTestServer({ env: { METRICS_TOKEN: TOKEN } });
  root = server.factory.unit({ name: "党委", kind: "committee" });
});
afterAll(() => server?.stop());

/** A person signed in, whose session the server has validated (and kept) twice. */
async function signedIn() {
  const number = `SC${++seq}`;
  const personId = server.factory.person({ number, name: `学员${seq}`, unitId: root.id });
  await server.factory.password(personId, "Passw0rd1");
  const c = new Client(server.url);
  await c.login(number, "Passw0rd1");
  for (let i = 0; i < 2; i++) expect((await c.get("/")).status).toBe(200);
  const sessionId = crypto.createHash("sha256").update(c.sessionToken()!).digest("hex");
  return { c, personId, sessionId };
}

const write = (text: string, ...values: (string | number)[]) => server.factory.db.prepare(text).run(...values);
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

/** What the contest answer lane (which validates the session first) says to this client. */
async function answerLane(c: Client) {
  const res = await c.request("/api/contests/answer", { method: "POST", body: new URLSearchParams({ entryId: "0", position: "1", answer: "A" }) });
  return { status: res.status, error: (JSON.parse(res.text) as { error?: string }).error };
}

describe("a kept session", () => {
  it("is signed out on the next request once its session row is deleted", async () => {
    const { c, sessionId } = await signedIn();
    write(`DELETE FROM "Session" WHERE "id" = ?`, sessionId);
    const page = await c.get("/");
    expect(page.status).toBe(302);
    expect(page.location).toContain("/login");
    expect((await answerLane(c)).status).toBe(401);
  });

  it("is signed out once its expiry is moved into the past", async () => {
    const { c, sessionId } = await signedIn();
    write(`UPDATE "Session" SET "expiresAt" = ? WHERE "id" = ?`, iso(Date.now() - 1000), sessionId);
    expect((await answerLane(c)).status).toBe(401);
    expect((await c.get("/")).location).toContain("/login");
  });

  it("is signed out once the account is disabled", async () => {
    const { c, personId } = await signedIn();
    write(`UPDATE "Person" SET "disabledAt" = ? WHERE "id" = ?`, iso(Date.now()), personId);
    expect((await c.get("/")).location).toContain("/login");
  });

  it("is sent to change the password once the password must be changed", async () => {
    const { c, personId } = await signedIn();
    write(`UPDATE "Password" SET "mustChange" = TRUE WHERE "personId" = ?`, personId);
    expect((await c.get("/")).location).toBe("/account/password");
    expect(await answerLane(c)).toEqual({ status: 403, error: "请先修改初始密码" });
  });

  it("shows the person's new name once it is changed", async () => {
    const { c, personId } = await signedIn();
    write(`UPDATE "Person" SET "name" = ? WHERE "id" = ?`, "改名后的学员", personId);
    const page = await c.get("/");
    expect(page.status).toBe(200);
    expect(page.text).toContain("改名后的学员");
  });

  it.skipIf(testEngine() === "postgres")(
    "is behind an epoch the database counts up for every column a validation reads, and only when one changes",
    async () => {
      const { personId, sessionId } = await signedIn();
      const epoch = () => Number((server.factory.db.prepare(`SELECT "n" FROM "SessionEpoch" WHERE "id" = 1`).get() as { n: number }).n);
      const moves = (text: string, ...values: (string | number)[]) => {
        const before = epoch();
        write(text, ...values);
        return epoch() - before;
      };
      const otherUnit = server.factory.unit({ name: "第二支部", kind: "branch", parent: root }).id;
      expect(moves(`UPDATE "Person" SET "number" = ? WHERE "id" = ?`, `SCX${seq}`, personId)).toBe(1);
      expect(moves(`UPDATE "Person" SET "unitId" = ? WHERE "id" = ?`, otherUnit, personId)).toBe(1);
      expect(moves(`UPDATE "Person" SET "politicalStatus" = ? WHERE "id" = ?`, "activist", personId)).toBe(1);
      expect(moves(`UPDATE "Session" SET "expiresAt" = ? WHERE "id" = ?`, iso(Date.now() + 86_400_000), sessionId)).toBe(1);
      // Written again as it is, or a column no validation reads: nothing to count.
      expect(moves(`UPDATE "Person" SET "politicalStatus" = ? WHERE "id" = ?`, "activist", personId)).toBe(0);
      expect(moves(`UPDATE "Person" SET "phone" = ? WHERE "id" = ?`, "13800000000", personId)).toBe(0);
      expect(moves(`UPDATE "Password" SET "hash" = ? WHERE "personId" = ?`, "x", personId)).toBe(0);
      // A row replaced by one with the same key (no delete trigger fires for it), a password removed
      // and added, the person signed out everywhere, and removed (foreign keys on, as the server has them).
      expect(
        moves(
          `INSERT OR REPLACE INTO "Session" ("id", "personId", "expiresAt", "createdAt") VALUES (?, ?, ?, ?)`,
          sessionId,
          personId,
          iso(Date.now() + 2 * 86_400_000),
          iso(Date.now()),
        ),
      ).toBeGreaterThan(0);
      expect(moves(`DELETE FROM "Password" WHERE "personId" = ?`, personId)).toBe(1);
      expect(moves(`INSERT INTO "Password" ("personId", "hash", "mustChange", "updatedAt") VALUES (?, ?, FALSE, ?)`, personId, "x", iso(Date.now()))).toBe(1);
      expect(moves(`DELETE FROM "Session" WHERE "personId" = ?`, personId)).toBe(1);
      const { personId: other } = await signedIn();
      expect(moves(`DELETE FROM "Person" WHERE "id" = ?`, other)).toBeGreaterThan(0);
    },
  );

  it.skipIf(testEngine() === "postgres")("has every trigger of the epoch (a migration that redefines their tables drops them)", () => {
    const triggers = (
      server.factory.db.prepare(`SELECT "name" FROM "sqlite_master" WHERE "type" = 'trigger' AND "name" LIKE 'SessionEpoch_%'`).all() as { name: string }[]
    )
      .map((t) => t.name)
      .sort();
    expect(triggers).toEqual(
      [
        "SessionEpoch_password_added",
        "SessionEpoch_password_changed",
        "SessionEpoch_password_deleted",
        "SessionEpoch_person_changed",
        "SessionEpoch_person_deleted",
        "SessionEpoch_person_replaced",
        "SessionEpoch_session_changed",
        "SessionEpoch_session_deleted",
        "SessionEpoch_session_replaced",
      ].sort(),
    );
  });

  it("is what the server answers from while nothing changed, as /metrics counts (SQLite; nothing is kept on PostgreSQL)", async () => {
    const scrape = async () => (await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text();
    const value = (text: string, line: RegExp) => Number(line.exec(text)?.[1] ?? "NaN");
    const fromKept = (text: string) => value(text, /^auth_session_validations_total\{from="kept"\} (\d+)$/m);
    const { c } = await signedIn();
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await c.get("/")).status).toBe(200);
    const after = await scrape();
    if (testEngine() === "sqlite") {
      // Each page validates the session once or more (the root's loader and the route's).
      expect(fromKept(after)).toBeGreaterThanOrEqual(fromKept(before) + 3);
      expect(value(after, /^auth_sessions_kept (\d+)$/m)).toBeGreaterThanOrEqual(1);
    } else {
      expect(fromKept(after)).toBe(0);
      expect(value(after, /^auth_sessions_kept (\d+)$/m)).toBe(0);
    }
  });
});
