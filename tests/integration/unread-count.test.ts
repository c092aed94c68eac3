import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { render } from "../../app/.server/sql";
import { storedTimestamp } from "~/lib/timestamp";
import { testEngine } from "../support/engine";

// The header's unread badge is counted by the root loader on every page and again after every action
// (decision 059): it must stay one count answered from the ("personId", "readAt") index alone.

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  return { testDb: await inProcessDatabase("unread") };
});

const f = testDb.factory;
const ids: Record<string, number> = {};

beforeAll(() => {
  const unit = f.unit({ name: "未读党支部", kind: "branch", branchType: "student" });
  ids.A = f.person({ number: "U1", name: "未读甲", unitId: unit.id, politicalStatus: "member" });
  ids.B = f.person({ number: "U2", name: "未读乙", unitId: unit.id, politicalStatus: "member" });
  const ts = storedTimestamp(new Date());
  const add = f.db.prepare(
    `INSERT INTO "Notification" ("personId", "kind", "title", "body", "dedupeKey", "createdAt", "readAt") VALUES (?, 'notice', '通知', '', ?, ?, ?)`,
  );
  add.run(ids.A, "a1", ts, null);
  add.run(ids.A, "a2", ts, null);
  add.run(ids.A, "a3", ts, ts);
  add.run(ids.B, "b1", ts, null);
});

afterAll(async () => {
  await testDb.remove();
});

describe("the unread badge", () => {
  it("counts the person's own unread notifications only", async () => {
    const { unreadCount } = await import("../../app/.server/notify/inbox");
    expect(await unreadCount(ids.A)).toBe(2);
    expect(await unreadCount(ids.B)).toBe(1);
  });

  it("is answered from the (personId, readAt) index without reading the table", async () => {
    const { unreadCountSql } = await import("../../app/.server/notify/inbox");
    if (testEngine() === "postgres") {
      // Four rows are read fastest by a sequential scan, so the planner is asked to avoid one: the plan
      // then shows whether the index answers the count alone (an index-only scan, no filter on rows).
      const { text, values } = render(unreadCountSql(ids.A), "postgres");
      f.db.exec("SET enable_seqscan = off");
      try {
        const plan = (f.db.prepare(`EXPLAIN (COSTS OFF) ${text}`).all(...values) as { "QUERY PLAN": string }[]).map((r) => r["QUERY PLAN"].trim());
        expect(plan).toEqual([
          "Aggregate",
          `->  Index Only Scan using "Notification_personId_readAt_idx" on "Notification"`,
          `Index Cond: (("personId" = ${ids.A}) AND ("readAt" IS NULL))`,
        ]);
      } finally {
        f.db.exec("RESET enable_seqscan");
      }
      return;
    }
    const { text, values } = render(unreadCountSql(ids.A));
    const plan = (f.db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...values) as { detail: string }[]).map((r) => r.detail);
    expect(plan).toEqual([expect.stringMatching(/^SEARCH Notification USING COVERING INDEX Notification_personId_readAt_idx \(personId=\? AND readAt=\?\)$/)]);
  });
});
