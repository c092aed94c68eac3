import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, seedDemoUniversity } from "../../prisma/seed";
import { TEMPLATE_DB, TMP } from "../support/paths";

const dbFile = path.join(TMP, `seed-${crypto.randomUUID()}.db`);
let db: Database.Database;
let summary: Awaited<ReturnType<typeof seedDemoUniversity>>;

beforeAll(async () => {
  fs.copyFileSync(TEMPLATE_DB, dbFile);
  summary = await seedDemoUniversity(dbFile);
  db = new Database(dbFile, { readonly: true });
});
afterAll(() => {
  db?.close();
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
});

const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;

describe("the demo university", () => {
  it("has one committee, about 10 colleges, about 40 branches and about 12,000 people", () => {
    expect(count("SELECT COUNT(*) AS n FROM OrgUnit WHERE kind = 'committee'")).toBe(1);
    expect(count("SELECT COUNT(*) AS n FROM OrgUnit WHERE kind = 'college'")).toBeGreaterThanOrEqual(10);
    expect(count("SELECT COUNT(*) AS n FROM OrgUnit WHERE kind = 'branch'")).toBeGreaterThanOrEqual(40);
    expect(count("SELECT COUNT(*) AS n FROM OrgUnit WHERE kind = 'temporary'")).toBeGreaterThanOrEqual(1);
    const people = count("SELECT COUNT(*) AS n FROM Person");
    expect(people).toBeGreaterThan(11_000);
    expect(people).toBeLessThan(13_000);
    expect(summary.people).toBe(people);
  });

  it("covers every political status and cadre level, with dated status history", () => {
    const statuses = (db.prepare("SELECT DISTINCT politicalStatus AS s FROM Person").all() as { s: string }[]).map((r) => r.s).sort();
    expect(statuses).toEqual(["activist", "applicant", "masses", "member", "probationary", "target"]);
    const levels = (db.prepare("SELECT DISTINCT cadreLevel AS s FROM Person").all() as { s: string }[]).map((r) => r.s).sort();
    expect(levels).toEqual(["division", "none", "section"]);
    // Everyone beyond 群众 has a history whose latest entry matches their current status.
    const mismatched = count(`
      SELECT COUNT(*) AS n FROM Person p
      WHERE p.politicalStatus <> 'masses' AND p.politicalStatus <> (
        SELECT s.toStatus FROM StatusChange s WHERE s.personId = p.id ORDER BY s.effectiveOn DESC, s.id DESC LIMIT 1)`);
    expect(mismatched).toBe(0);
    expect(count("SELECT COUNT(*) AS n FROM Person WHERE isCommitteeMember = 1")).toBeGreaterThan(20);
  });

  it("gives every demo account a password and the right grant", () => {
    for (const a of DEMO_ACCOUNTS) {
      expect(count("SELECT COUNT(*) AS n FROM Person p JOIN Password w ON w.personId = p.id WHERE p.number = ?", a.username)).toBe(1);
    }
    const grant = (who: string) =>
      db.prepare("SELECT g.role, u.name FROM RoleGrant g JOIN Person p ON p.id = g.personId JOIN OrgUnit u ON u.id = g.unitId WHERE p.number = ?").all(who);
    expect(grant("admin")).toEqual([{ role: "admin", name: "示范大学党委" }]);
    expect(grant("secretary")).toEqual([{ role: "secretary", name: "计算机学院党委" }]);
    expect(grant("branchsec")).toEqual([{ role: "secretary", name: "计算机学院本科生第一党支部" }]);
    expect(grant("member")).toEqual([]);
    const status = (who: string) =>
      db.prepare("SELECT politicalStatus AS s, cadreLevel AS c FROM Person WHERE number = ?").get(who) as { s: string; c: string };
    expect(status("target").s).toBe("target");
    expect(status("activist").s).toBe("activist");
    expect(status("cadre").c).toBe("division");
  });

  it("gives the secretary's college about 3,000 people, all in its subtree", () => {
    const college = db.prepare("SELECT path FROM OrgUnit WHERE name = '计算机学院党委'").get() as { path: string };
    const n = count("SELECT COUNT(*) AS n FROM Person p JOIN OrgUnit u ON u.id = p.unitId WHERE u.path LIKE ?", `${college.path}%`);
    expect(n).toBeGreaterThan(2_500);
    expect(n).toBeLessThan(3_500);
  });

  it("opens the party school's classes: a running activist class of the college, a college target class enrolling, a draft", () => {
    const classes = db.prepare("SELECT c.kind, c.term, c.status, u.name AS unit FROM TrainingClass c JOIN OrgUnit u ON u.id = c.unitId ORDER BY c.id").all();
    expect(classes).toEqual([
      { kind: "activist", term: 12, status: "running", unit: "示范大学党委" },
      { kind: "target", term: 8, status: "enrolling", unit: "计算机学院党委" },
      { kind: "probationary", term: 5, status: "draft", unit: "示范大学党委" },
    ]);
    const members = (status: string, kind: string) =>
      count("SELECT COUNT(*) AS n FROM ClassMember m JOIN TrainingClass c ON c.id = m.classId WHERE m.status = ? AND c.kind = ?", status, kind);
    expect(members("enrolled", "activist")).toBeGreaterThan(10);
    // Every member of the activist class is an activist of the college, in one of its two groups.
    expect(
      count(
        `SELECT COUNT(*) AS n FROM ClassMember m JOIN TrainingClass c ON c.id = m.classId JOIN Person p ON p.id = m.personId
         WHERE c.kind = 'activist' AND (p.politicalStatus <> 'activist' OR m.groupId IS NULL)`,
      ),
    ).toBe(0);
    const demo = (who: string) =>
      db
        .prepare("SELECT m.status, c.kind FROM ClassMember m JOIN TrainingClass c ON c.id = m.classId JOIN Person p ON p.id = m.personId WHERE p.number = ?")
        .all(who);
    expect(demo("activist")).toEqual([{ status: "enrolled", kind: "activist" }]);
    expect(demo("target")).toEqual([{ status: "nominated", kind: "target" }]);
  });

  it("fills the document libraries of the committee, a college and a branch with real files of each kind and audience", async () => {
    const { documentKind } = await import("../../app/.server/library/file-kind");
    const { env } = await import("../../app/.server/env");
    const docs = db
      .prepare(
        `SELECT d."kind", d."audience", d."storedPath", d."textState", u."kind" AS "unitKind" FROM "LibraryDocument" d JOIN "OrgUnit" u ON u."id" = d."unitId"`,
      )
      .all() as {
      kind: string;
      audience: string;
      storedPath: string;
      textState: string;
      unitKind: string;
    }[];
    expect(new Set(docs.map((d) => d.kind))).toEqual(new Set(["pdf", "docx", "xlsx"]));
    expect(new Set(docs.map((d) => d.audience))).toEqual(new Set(["public", "subtree", "status"]));
    expect(new Set(docs.map((d) => d.unitKind))).toEqual(new Set(["committee", "college", "branch"]));
    // Each file's bytes say what its row says; text is left to the server's extraction runner.
    for (const d of docs) expect(documentKind(new Uint8Array(fs.readFileSync(path.join(env.dataDir, d.storedPath))))).toBe(d.kind);
    expect(docs.filter((d) => d.textState === "pending")).toHaveLength(docs.filter((d) => d.kind !== "xlsx").length);
    expect(count(`SELECT COUNT(*) AS n FROM "SearchEntry" WHERE "kind" = 'document'`)).toBe(docs.length);
  });
});
