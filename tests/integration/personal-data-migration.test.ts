import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, TMP } from "../support/paths";

// The personal-data migration on a database that already holds ID numbers (decision 033): every
// migration before it is applied, people are added as the old code stored them, then it runs.

const MIGRATIONS = path.join(ROOT, "prisma", "migrations");
const NAME = "personal_data";
const dbFile = path.join(TMP, `migration-${crypto.randomUUID()}.db`);
let db: Database.Database;

const folders = fs
  .readdirSync(MIGRATIONS)
  .filter((f) => fs.statSync(path.join(MIGRATIONS, f)).isDirectory())
  .sort();
const sql = (folder: string) => fs.readFileSync(path.join(MIGRATIONS, folder, "migration.sql"), "utf8");

beforeAll(() => {
  fs.mkdirSync(TMP, { recursive: true });
  db = new Database(dbFile);
  const mine = folders.findIndex((f) => f.endsWith(`_${NAME}`));
  expect(mine).toBeGreaterThan(0);
  for (const f of folders.slice(0, mine)) db.exec(sql(f));
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO OrgUnit (id, name, kind, path, depth, createdAt, updatedAt) VALUES (1, '党委', 'committee', '/1/', 0, ?, ?)`).run(now, now);
  const add = db.prepare(
    `INSERT INTO Person (number, name, gender, category, unitId, politicalStatus, idNumber, createdAt, updatedAt) VALUES (?, ?, ?, 'student', 1, 'masses', ?, ?, ?)`,
  );
  add.run("N1", "无性别男", null, "110101198001010117", now, now); // 17th digit 1: a man
  add.run("N2", "无性别女", null, "11010519491231002X", now, now); // 17th digit 2: a woman
  add.run("N3", "已有性别", "female", "110101198001010117", now, now); // a recorded gender stands
  add.run("N4", "没有证件号", null, null, now, now);
  db.exec(sql(folders[mine]));
});
afterAll(() => {
  db?.close();
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
});

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
