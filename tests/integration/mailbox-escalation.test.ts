import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Client } from "../support/client";
import { SERVER_START_TEST_MS, type SpawnedServer, spawnServer } from "../support/spawn-server";

// The sweeper's part of the 书记信箱 (decision 047), on a real database (SQLite, or PostgreSQL in the
// integration-pg run): a letter past its service time without a reply goes to the parent unit's
// mailbox, once; a letter with a reply, or one not yet due, stays. The sweep is called with its clock
// (the sweeper calls it every 30 s); the parent's handler then finds the letter on their desk through
// the real server, on the same database.

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  return { testDb: await inProcessDatabase("mailbox-escalation") };
});

const DAY = 86_400_000;
const PASSWORD = "Passw0rd1";
const f = testDb.factory;
let letters: typeof import("../../app/.server/mailbox/letters");
/** The server, from the moment it is asked to start: a test that ran out of time while it started still stops it. */
let server: Promise<SpawnedServer> | null = null;
const ids: Record<string, number> = {};

beforeAll(async () => {
  const root = f.unit({ name: "督办大学党委", kind: "committee" });
  const college = f.unit({ name: "化学学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "化学本科生党支部", kind: "branch", branchType: "student", parent: college });
  ids.writer = f.person({ number: "S1", name: "写信人", unitId: branch.id, politicalStatus: "member" });
  ids.collegeHandler = f.person({ number: "H1", name: "学院处理人", unitId: college.id, politicalStatus: "member" });
  await f.password(ids.collegeHandler, PASSWORD);
  const box = (unitId: number, serviceDays: number) =>
    (
      f.db
        .prepare(`INSERT INTO "Mailbox" ("unitId", "kind", "allowAnonymous", "serviceDays", "createdAt") VALUES (?, 'secretary', 1, ?, ?) RETURNING "id"`)
        .get(unitId, serviceDays, new Date().toISOString()) as { id: number }
    ).id;
  ids.rootBox = box(root.id, 10);
  ids.collegeBox = box(college.id, 5);
  ids.branchBox = box(branch.id, 2);
  f.db
    .prepare(`INSERT INTO "MailboxHandler" ("mailboxId", "personId", "createdAt") VALUES (?, ?, ?)`)
    .run(ids.collegeBox, ids.collegeHandler, new Date().toISOString());
  letters = await import("../../app/.server/mailbox/letters");
});

afterAll(async () => {
  // Before the database goes: a server still starting would open (and so create) the SQLite file again.
  await (await server?.catch(() => null))?.stop();
  await testDb.remove();
});

const row = (id: number) =>
  f.db.prepare(`SELECT "mailboxId", "status", "sweptAt" IS NOT NULL AS "swept" FROM "Letter" WHERE "id" = ?`).get(id) as {
    mailboxId: number;
    status: string;
    swept: number;
  };
const escalations = (id: number) =>
  f.db.prepare(`SELECT "authorId", "fromMailboxId", "toMailboxId" FROM "LetterEntry" WHERE "letterId" = ? AND "kind" = 'escalation'`).all(id);

describe("escalation by the sweeper", () => {
  it("moves an overdue, unanswered letter to the parent's mailbox once, and leaves the others", async () => {
    // Written on Monday 2026-11-02 (Beijing); two working days: due at the end of Wednesday.
    const monday = new Date("2026-11-02T02:00:00Z");
    const overdue = await letters.writeLetter(ids.writer, { mailboxId: ids.branchBox, subject: "实验室安全", body: "通风橱坏了。", anonymous: true }, monday);
    const answered = await letters.writeLetter(ids.writer, { mailboxId: ids.branchBox, subject: "已答复的信", body: "内容", anonymous: false }, monday);
    f.db
      .prepare(`UPDATE "Letter" SET "status" = 'answered', "firstRepliedAt" = ? WHERE "id" = ?`)
      .run(new Date(monday.getTime() + DAY).toISOString(), answered.id);

    // Wednesday evening in Beijing: not yet due.
    expect(await letters.escalateOverdueLetters(new Date("2026-11-04T12:00:00Z"))).toBe(0);
    expect(row(overdue.id)).toEqual({ mailboxId: ids.branchBox, status: "pending", swept: 0 });

    // Thursday: overdue, so it goes up to the college's mailbox, with a new due time there.
    const thursday = new Date("2026-11-05T01:00:00Z");
    expect(await letters.escalateOverdueLetters(thursday)).toBe(1);
    expect(row(overdue.id)).toEqual({ mailboxId: ids.collegeBox, status: "escalated", swept: 1 });
    expect(escalations(overdue.id)).toEqual([{ authorId: null, fromMailboxId: ids.branchBox, toMailboxId: ids.collegeBox }]);
    expect(row(answered.id)).toEqual({ mailboxId: ids.branchBox, status: "answered", swept: 0 });

    // Weeks later it is overdue at the college as well: the sweeper does not move it a second time.
    expect(await letters.escalateOverdueLetters(new Date(thursday.getTime() + 30 * DAY))).toBe(0);
    expect(row(overdue.id).mailboxId).toBe(ids.collegeBox);
    expect(escalations(overdue.id)).toHaveLength(1);
    const audited = f.db.prepare(`SELECT "actorId" FROM "AuditLog" WHERE "action" = 'letter.escalate' AND "targetId" = ?`).all(String(overdue.id));
    expect(audited).toEqual([{ actorId: null }]);
  });

  // The server starts only now, so its own sweeper (every 30 s, on the real clock) cannot move the letters
  // before the test above has; its start alone may take most of a minute on the loaded machine (spawnServer
  // waits up to 90 s), so this test has the server's start limit and some time for its pages.
  it("shows the escalated letter on the college handler's desk, still anonymous", { timeout: SERVER_START_TEST_MS }, async () => {
    server = spawnServer({ dbFile: testDb.target });
    const handler = new Client((await server).url);
    expect((await handler.login("H1", PASSWORD)).status).toBe(302);
    const desk = await handler.get("/manage/mailbox");
    expect(desk.status).toBe(200);
    expect(desk.text).toContain("实验室安全");
    expect(desk.text).toContain("已转上级");
    const id = (f.db.prepare(`SELECT "id" FROM "Letter" WHERE "subject" = '实验室安全'`).get() as { id: number }).id;
    const page = await handler.get(`/manage/mailbox/letters/${id}`);
    expect(page.text).toContain("超过办理时限未答复，已自动转上级信箱");
    expect(page.text).toContain("系统");
    expect(page.text).not.toContain("写信人");
  });
});
