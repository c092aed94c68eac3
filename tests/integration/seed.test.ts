import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, seedDemoUniversity } from "../../prisma/seed";
import { TEMPLATE_DB, TMP } from "../support/paths";

const dbFile = path.join(TMP, `seed-${crypto.randomUUID()}.db`);
const dataDir = path.join(TMP, `seed-data-${crypto.randomUUID()}`);
let db: Database.Database;
let summary: Awaited<ReturnType<typeof seedDemoUniversity>>;

beforeAll(async () => {
  fs.copyFileSync(TEMPLATE_DB, dbFile);
  summary = await seedDemoUniversity(dbFile, new Date(), { dataDir });
  db = new Database(dbFile, { readonly: true });
});
afterAll(() => {
  db?.close();
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
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

  it("opens the 书记信箱 of the committee and every college, with handlers, and a handful of letters in every state", () => {
    expect(
      count(
        "SELECT COUNT(*) AS n FROM OrgUnit u WHERE u.kind IN ('committee', 'college') AND u.id NOT IN (SELECT unitId FROM Mailbox WHERE kind = 'secretary')",
      ),
    ).toBe(0);
    const handled = (number: string) =>
      db
        .prepare(
          "SELECT u.name, b.kind FROM MailboxHandler h JOIN Person p ON p.id = h.personId JOIN Mailbox b ON b.id = h.mailboxId JOIN OrgUnit u ON u.id = b.unitId WHERE p.number = ? ORDER BY b.id",
        )
        .all(number);
    expect(handled("admin")).toEqual([{ name: "示范大学党委", kind: "secretary" }]);
    expect(handled("secretary")).toEqual([
      { name: "计算机学院党委", kind: "secretary" },
      { name: "计算机学院党委", kind: "dean" },
    ]);
    const statuses = (db.prepare("SELECT DISTINCT status AS s FROM Letter ORDER BY status").all() as { s: string }[]).map((r) => r.s);
    expect(statuses).toEqual(["answered", "closed", "escalated", "in_progress", "pending"]);
    expect(count("SELECT COUNT(*) AS n FROM Letter WHERE anonymous = 1")).toBeGreaterThan(0);
    // Every escalation moved the letter to a mailbox above the one it was written to.
    expect(
      count("SELECT COUNT(*) AS n FROM Letter l JOIN LetterEntry e ON e.letterId = l.id AND e.kind = 'escalation' WHERE e.toMailboxId <> l.mailboxId"),
    ).toBe(0);
  });

  it("gives the committee, a college and two branches a page with columns and articles, one with an image (decision 051)", async () => {
    const pages = db
      .prepare(
        `SELECT u.kind, COUNT(DISTINCT c.id) AS columns, COUNT(a.id) AS articles, SUM(CASE WHEN a.pinned THEN 1 ELSE 0 END) AS pinned
         FROM PageColumn c JOIN OrgUnit u ON u.id = c.unitId LEFT JOIN PageArticle a ON a.columnId = c.id GROUP BY u.id ORDER BY u.depth, articles DESC`,
      )
      .all();
    expect(pages).toEqual([
      { kind: "committee", columns: 4, articles: 3, pinned: 1 },
      { kind: "college", columns: 3, articles: 2, pinned: 1 },
      { kind: "branch", columns: 2, articles: 2, pinned: 0 },
      { kind: "branch", columns: 2, articles: 1, pinned: 0 },
    ]);
    const [image] = db.prepare("SELECT filePath, width, height, bytes FROM PageImage").all() as {
      filePath: string;
      width: number;
      height: number;
      bytes: number;
    }[];
    const stored = fs.readFileSync(path.join(dataDir, image.filePath));
    expect(stored.byteLength).toBe(image.bytes);
    const meta = await sharp(stored).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", image.width, image.height]);
  });

  it("has 大家谈 topics of the committee, a college and a branch, with replies and a moderation queue", () => {
    const topics = db.prepare(`SELECT u."kind" AS kind FROM "DiscussionTopic" t JOIN "OrgUnit" u ON u."id" = t."unitId" ORDER BY u."depth"`).all() as {
      kind: string;
    }[];
    expect(topics.map((t) => t.kind)).toEqual(["committee", "college", "branch"]);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionPost" WHERE "parentId" IS NOT NULL`)).toBeGreaterThan(5);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionPost" WHERE "state" = 'held'`)).toBe(2);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionPost" WHERE "state" = 'hidden' AND "hiddenReason" IS NOT NULL`)).toBe(1);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionReport" WHERE "resolvedAt" IS NULL`)).toBe(1);
    expect(count(`SELECT COUNT(*) AS n FROM "SensitiveWord"`)).toBeGreaterThan(0);
  });

  it("fills the document libraries of the committee, a college and a branch with real files of each kind and audience", async () => {
    const { documentKind } = await import("../../app/.server/library/file-kind");
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
    for (const d of docs) expect(documentKind(new Uint8Array(fs.readFileSync(path.join(dataDir, d.storedPath))))).toBe(d.kind);
    expect(docs.filter((d) => d.textState === "pending")).toHaveLength(docs.filter((d) => d.kind !== "xlsx").length);
    expect(count(`SELECT COUNT(*) AS n FROM "SearchEntry" WHERE "kind" = 'document'`)).toBe(docs.length);
  });
});
