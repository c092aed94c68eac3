import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MigrationDb, databaseBefore } from "../support/migration-db";

// The personal-data migration on a database that already holds ID numbers (decision 033): every
// migration before it is applied, people are added as the old code stored them, then it runs.

let migration: MigrationDb;
let db: MigrationDb["db"];

beforeAll(() => {
  migration = databaseBefore("personal_data");
  db = migration.db;
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO OrgUnit (id, name, kind, path, depth, createdAt, updatedAt) VALUES (1, '党委', 'committee', '/1/', 0, ?, ?)`).run(now, now);
  const add = db.prepare(
    `INSERT INTO Person (number, name, gender, category, unitId, politicalStatus, idNumber, createdAt, updatedAt) VALUES (?, ?, ?, 'student', 1, 'masses', ?, ?, ?)`,
  );
  add.run("N1", "无性别男", null, "110101198001010117", now, now); // 17th digit 1: a man
  add.run("N2", "无性别女", null, "11010519491231002X", now, now); // 17th digit 2: a woman
  add.run("N3", "已有性别", "female", "110101198001010117", now, now); // a recorded gender stands
  add.run("N4", "没有证件号", null, null, now, now);
  migration.apply();
});
afterAll(() => migration?.close());

describe("the personal-data migration", () => {
  it("fills a missing gender from the ID number, then clears every ID number", () => {
    const rows = db.prepare(`SELECT number, gender, idNumber, keepSearches FROM Person ORDER BY number`).all();
    expect(rows).toEqual([
      { number: "N1", gender: "male", idNumber: null, keepSearches: 1 },
      { number: "N2", gender: "female", idNumber: null, keepSearches: 1 },
      { number: "N3", gender: "female", idNumber: null, keepSearches: 1 },
      { number: "N4", gender: null, idNumber: null, keepSearches: 1 },
    ]);
  });

  it("adds the live players' consent, off for everyone", () => {
    const columns = db.prepare(`SELECT name, dflt_value FROM pragma_table_info('LivePlayer') WHERE name = 'showName'`).all();
    expect(columns).toEqual([{ name: "showName", dflt_value: "false" }]);
  });
});
