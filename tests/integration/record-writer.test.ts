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

describe("the record writer", () => {
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
