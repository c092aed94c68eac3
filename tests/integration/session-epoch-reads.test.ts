import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testEngine } from "../support/engine";

// The session epoch's reads (decision 095): the validations that wait in the same turn of the event
// loop share one read, made after every one of them began, so none of them answers from a read older
// than its own request. On PostgreSQL nothing is kept and the epoch is never read: the tests of the
// sharing are defined on SQLite only (the PostgreSQL run has no such test rather than a skipped one).

const { testDb } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  return { testDb: await inProcessDatabase("epoch-reads") };
});

let session: typeof import("../../app/.server/auth/session");
let figures: typeof import("../../app/.server/auth/session-cache").sessionCacheFigures;
let unitId: number;
let seq = 0;

beforeAll(async () => {
  unitId = testDb.factory.unit({ name: "党委", kind: "committee" }).id;
  session = await import("../../app/.server/auth/session");
  ({ sessionCacheFigures: figures } = await import("../../app/.server/auth/session-cache"));
});
afterAll(async () => {
  await testDb.remove();
});

/** A person with a session: its token and its row's id. */
async function withSession() {
  const personId = testDb.factory.person({ number: `ER${++seq}`, name: `学员${seq}`, unitId });
  const cookie = await session.startSession(personId);
  const token = /=([a-z2-7]{32});/.exec(cookie)![1];
  return { personId, token };
}

const onSqlite = testEngine() === "sqlite";
/** A test of what SQLite's processes keep: defined on SQLite only. */
function onSqliteOnly(name: string, fn: () => Promise<void>) {
  if (onSqlite) it(name, fn);
}

describe("the session epoch's reads", () => {
  onSqliteOnly("are one for the validations that wait together, and each of them is answered", async () => {
    const people = await Promise.all(Array.from({ length: 5 }, withSession));
    for (const p of people) expect(await session.validateSessionToken(p.token)).not.toBeNull(); // kept
    const before = figures().epochReads;
    const validated = await Promise.all(people.flatMap((p) => Array.from({ length: 4 }, () => session.validateSessionToken(p.token))));
    expect(validated.map((v) => v?.person.id)).toEqual(people.flatMap((p) => Array.from({ length: 4 }, () => p.personId)));
    expect(figures().epochReads - before).toBe(1);
  });

  it("are never older than the request: a change committed after one validation ended is seen by the next", async () => {
    const { token, personId } = await withSession();
    const before = figures().epochReads;
    expect(await session.validateSessionToken(token)).not.toBeNull();
    expect(await session.validateSessionToken(token)).not.toBeNull(); // now from what the process kept
    // Straight into the database, as another process would: the epoch moves by the trigger.
    testDb.db.prepare(`UPDATE "Person" SET "name" = ? WHERE "id" = ?`).run("改名后", personId);
    expect((await session.validateSessionToken(token))?.person.name).toBe("改名后");
    testDb.db.prepare(`DELETE FROM "Session" WHERE "personId" = ?`).run(personId);
    expect(await session.validateSessionToken(token)).toBeNull();
    // On PostgreSQL the database decides every time; there is no epoch to read.
    if (!onSqlite) expect(figures().epochReads).toBe(before);
  });

  onSqliteOnly("are made again for a validation that begins right after a shared read answered, in the same turn", async () => {
    const { token, personId } = await withSession();
    await session.validateSessionToken(token);
    await session.validateSessionToken(token); // kept
    // Several wait together; as soon as the first is answered (before the loop turns again), a change is
    // committed and another validation begins: the shared read was made before it, so it must not use it.
    const together = Array.from({ length: 3 }, () => session.validateSessionToken(token));
    const after = together[0].then(() => {
      testDb.db.prepare(`UPDATE "Person" SET "disabledAt" = ? WHERE "id" = ?`).run(new Date().toISOString(), personId);
      return session.validateSessionToken(token);
    });
    for (const v of await Promise.all(together)) expect(v?.person.id).toBe(personId);
    expect(await after).toBeNull();
  });

  onSqliteOnly("are made again for a validation that begins after a shared read was made", async () => {
    const { token } = await withSession();
    await session.validateSessionToken(token);
    const before = figures().epochReads;
    await session.validateSessionToken(token);
    await session.validateSessionToken(token);
    expect(figures().epochReads - before).toBe(2);
  });
});
