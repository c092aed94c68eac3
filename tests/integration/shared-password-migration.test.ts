import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { type MigrationDb, databaseBefore } from "../support/migration-db";

// Accounts imported before activation codes shared one initial password, hashed once (decision 030):
// the migration withdraws that password wherever it is still the shared one, and nothing else.

let migration: MigrationDb;

beforeAll(async () => {
  migration = databaseBefore("withdraw_shared_initial_passwords");
  const { db } = migration;
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO OrgUnit (id, name, kind, path, depth, createdAt, updatedAt) VALUES (1, '党委', 'committee', '/1/', 0, ?, ?)`).run(now, now);
  const person = db.prepare(
    `INSERT INTO Person (id, number, name, category, unitId, politicalStatus, createdAt, updatedAt) VALUES (?, ?, ?, 'student', 1, 'masses', ?, ?)`,
  );
  const password = db.prepare(`INSERT INTO Password (personId, hash, mustChange, updatedAt) VALUES (?, ?, ?, ?)`);
  const shared = await hashPassword("Init2024");
  const demo = await hashPassword("demo12345");
  const rows: [number, string, string, number][] = [
    [1, "I1", shared, 1], // imported, never signed in: the shared secret
    [2, "I2", shared, 1],
    [3, "I3", await hashPassword("Chosen2024"), 0], // imported, then chose a password
    [4, "R1", await hashPassword("Temp2024"), 1], // an admin's reset: a temporary password of their own
    [5, "D1", demo, 0], // accounts that chose the same password (demo accounts): not a pending secret
    [6, "D2", demo, 0],
  ];
  for (const [id, number, hash, mustChange] of rows) {
    person.run(id, number, number, now, now);
    password.run(id, hash, mustChange, now);
  }
  migration.apply();
});
afterAll(() => migration?.close());

describe("withdrawing the shared initial password", () => {
  it("removes it from accounts that still must change it, and keeps every other password", () => {
    const left = migration.db.prepare(`SELECT personId FROM Password ORDER BY personId`).all() as { personId: number }[];
    expect(left.map((r) => r.personId)).toEqual([3, 4, 5, 6]);
  });
});
