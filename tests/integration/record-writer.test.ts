import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openRecordWriter } from "../../scripts/lib/record-writer";
import { TEMPLATE_DB, TMP } from "../support/paths";

const dbFile = path.join(TMP, `record-writer-${crypto.randomUUID()}.db`);
fs.copyFileSync(TEMPLATE_DB, dbFile);
const f = openRecordWriter(dbFile);
afterAll(() => {
  f.close();
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
});

/**
 * Another process holds SQLite's write lock for `ms` and then commits a write of its own (a server
 * serving beside a start). Resolves once it holds the lock (it says so in a file: what it writes to a
 * pipe may arrive only after it is done), with a promise of its end (wrapped: an async function
 * returning a promise would wait for it).
 */
async function anotherWriterFor(ms: number): Promise<{ ended: Promise<void> }> {
  const marker = `${dbFile}.locked-${crypto.randomUUID()}`;
  const script = `
    const db = new (require("better-sqlite3"))(${JSON.stringify(dbFile)}, { timeout: 5000 });
    db.exec("BEGIN IMMEDIATE");
    db.prepare('INSERT INTO "OrgUnit" ("name", "kind", "path", "depth", "updatedAt") VALUES (?, ?, ?, ?, ?)').run("另一个进程", "branch", "/0/", 0, "2026-12-01T00:00:00.000+00:00");
    require("node:fs").writeFileSync(${JSON.stringify(marker)}, "");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
    db.exec("COMMIT");`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "inherit", "inherit"] });
  const ended = new Promise<void>((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the other writer exited with ${code}`)))),
  );
  const t0 = Date.now();
  while (!fs.existsSync(marker)) {
    if (child.exitCode !== null || Date.now() - t0 > 30_000) throw new Error("the other writer never took the lock");
    await new Promise((r) => setTimeout(r, 5));
  }
  fs.rmSync(marker);
  return { ended };
}

describe("the record writer", () => {
  it("waits for another process's write before its transaction reads, so it never works on a stale read", async () => {
    const other = await anotherWriterFor(400);
    // Read, then written from what was read: begun as a reader, the write would fail with SQLITE_BUSY once the other process committed.
    const written = f.transaction(() => {
      const units = f.db.prepare(`SELECT COUNT(*) AS "n" FROM "OrgUnit"`).get() as { n: number };
      f.unit({ name: `第${units.n + 1}个党组织`, kind: "branch" });
      return units.n;
    });
    await other.ended;
    expect(f.db.prepare(`SELECT COUNT(*) AS "n" FROM "OrgUnit" WHERE "name" = '另一个进程'`).get()).toEqual({ n: 1 });
    expect(f.db.prepare(`SELECT "name" FROM "OrgUnit" ORDER BY "id" DESC LIMIT 1`).get()).toEqual({ name: `第${written + 1}个党组织` });
  });

  it("returns new ids and writes a unit's path from its own id", () => {
    const root = f.unit({ name: "党委", kind: "committee" });
    const college = f.unit({ name: "学院", kind: "college", parent: root });
    expect(college).toMatchObject({ path: `/${root.id}/${college.id}/`, depth: 1 });
    const a = f.person({ number: "rw-1", name: "甲", unitId: college.id, isCommitteeMember: true, statusSince: new Date("2024-05-01T00:00:00Z") });
    const b = f.person({ number: "rw-2", name: "乙", unitId: college.id });
    expect(b).toBe(a + 1);
    expect(f.db.prepare(`SELECT "isCommitteeMember", "statusSince" FROM "Person" WHERE "id" = ?`).get(a)).toEqual({
      isCommitteeMember: 1,
      statusSince: "2024-05-01T00:00:00.000+00:00",
    });
  });

  it("replaces a person's password when it is set again (one row, the last hash)", () => {
    const unit = f.unit({ name: "支部", kind: "branch" });
    const id = f.person({ number: "rw-3", name: "丙", unitId: unit.id });
    f.passwordHash(id, "first", true);
    f.passwordHash(id, "second");
    expect(f.db.prepare(`SELECT "hash", "mustChange" FROM "Password" WHERE "personId" = ?`).all(id)).toEqual([{ hash: "second", mustChange: 0 }]);
  });
});
