import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFactory } from "../factories";
import { openPgSync, postgresText } from "../support/pg-sync";
import { type TestDatabase, freshPostgresDatabase } from "../support/postgres";

// The tests' synchronous handle on PostgreSQL (decision 080): a statement written for SQLite, as the
// integration files write theirs, runs unchanged and its rows read as SQLite's would.

let database: TestDatabase;
let db: ReturnType<typeof openPgSync>;

beforeAll(async () => {
  database = await freshPostgresDatabase();
  db = openPgSync(database.url);
});

afterAll(async () => {
  db?.close();
  await database?.drop();
});

describe("the synchronous PostgreSQL handle", () => {
  it("reads SQLite's placeholders, bare names and 1/0 booleans, outside quoted text only", () => {
    const booleans = new Set(["pinned"]);
    expect(postgresText(`SELECT id AS unitName FROM Notice WHERE pinned = 1 AND title = '? pinned = 1' AND unitId = ?`, booleans)).toBe(
      `SELECT id AS "unitName" FROM "Notice" WHERE pinned = TRUE AND title = '? pinned = 1' AND "unitId" = $1`,
    );
    expect(postgresText(`INSERT INTO Notice (unitId, pinned, title) VALUES (?, 0, 'a, 1'), (?, 1, ?)`, booleans)).toBe(
      `INSERT INTO "Notice" ("unitId", pinned, title) VALUES ($1, FALSE, 'a, 1'), ($2, TRUE, $3)`,
    );
  });

  it("writes and reads the record writer's rows as SQLite gives them", () => {
    const f = openFactory(database.url);
    try {
      const root = f.unit({ name: "党委", kind: "committee" });
      const person = f.person({ number: "P1", name: "甲", unitId: root.id, isCommitteeMember: true });
      const row = db.prepare(`SELECT isCommitteeMember, createdAt, unitId FROM Person WHERE id = ?`).get(person) as Record<string, unknown>;
      expect(row.isCommitteeMember).toBe(1);
      expect(row.unitId).toBe(root.id);
      expect(String(row.createdAt)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      const at = "2026-12-01T08:00:00.123+00:00";
      const notice = db
        .prepare(`INSERT INTO Notice (unitId, title, body, pinned, authorId, publishedAt) VALUES (@unit, @title, @title, 1, @author, @at)`)
        .run({ unit: root.id, title: "通知", author: person, at });
      expect(notice.changes).toBe(1);
      expect(notice.lastInsertRowid).toBeGreaterThan(0);
      expect(db.prepare(`SELECT pinned, publishedAt FROM Notice WHERE id = ?`).get(notice.lastInsertRowid)).toEqual({ pinned: 1, publishedAt: at });
      expect(db.prepare(`SELECT COUNT(*) FROM Notice WHERE pinned = 1`).pluck().get()).toBe(1);
    } finally {
      f.close();
    }
  });

  it("rolls a transaction back whole when its function throws, and moves a sequence past an id given", () => {
    const count = () => db.prepare(`SELECT COUNT(*) FROM OrgUnit`).pluck().get() as number;
    const before = count();
    const insert = db.prepare(`INSERT INTO OrgUnit (id, name, kind, path, depth, sortOrder, createdAt, updatedAt) VALUES (?, ?, 'college', '/', 0, 0, ?, ?)`);
    const now = new Date().toISOString();
    expect(() =>
      db.transaction(() => {
        insert.run(500, "学院", now, now);
        throw new Error("stop");
      })(),
    ).toThrow("stop");
    expect(count()).toBe(before);
    insert.run(500, "学院", now, now);
    const next = db
      .prepare(`INSERT INTO OrgUnit (name, kind, path, depth, sortOrder, createdAt, updatedAt) VALUES ('二', 'college', '/', 0, 0, ?, ?)`)
      .run(now, now);
    expect(next.lastInsertRowid).toBe(501);
  });
});
