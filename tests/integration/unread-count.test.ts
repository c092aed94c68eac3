import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { render } from "../../app/.server/sql";
import { storedTimestamp } from "~/lib/timestamp";
import { type Factory, openFactory } from "../factories";
import { TEMPLATE_DB } from "../support/paths";

// The header's unread badge is counted by the root loader on every page and again after every action
// (decision 059): it must stay one count answered from the ("personId", "readAt") index alone.

const { dbFile } = vi.hoisted(() => {
  const dbFile = `${process.cwd()}/tests/.tmp/unread-${process.pid}-${Date.now()}.db`;
  process.env.DATABASE_URL = `file:${dbFile}`;
  return { dbFile };
});

let f: Factory;
const ids: Record<string, number> = {};

beforeAll(() => {
  fs.copyFileSync(TEMPLATE_DB, dbFile);
  f = openFactory(dbFile);
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

afterAll(() => {
  f?.close();
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
});

describe("the unread badge", () => {
  it("counts the person's own unread notifications only", async () => {
    const { unreadCount } = await import("../../app/.server/notify/inbox");
    expect(await unreadCount(ids.A)).toBe(2);
    expect(await unreadCount(ids.B)).toBe(1);
  });

  it("is answered from the (personId, readAt) index without reading the table", async () => {
    const { unreadCountSql } = await import("../../app/.server/notify/inbox");
    const { text, values } = render(unreadCountSql(ids.A));
    const plan = (f.db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...values) as { detail: string }[]).map((r) => r.detail);
    expect(plan).toEqual([expect.stringMatching(/^SEARCH Notification USING COVERING INDEX Notification_personId_readAt_idx \(personId=\? AND readAt=\?\)$/)]);
  });
});
