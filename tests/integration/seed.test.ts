import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO_ACCOUNTS, seedDemoUniversity } from "../../prisma/seed";
import { renderPostMarkdown } from "../../app/lib/post-markdown";
import { seedDemoLessonThreads } from "../../prisma/seed-lesson-threads";
import { syncContentIntoFile } from "../../scripts/lib/content-sync";
import { type DemoSeedFile, seedAsStartDoes } from "../support/demo-seed";
import { ROOT } from "../support/paths";

// The demo university as a first `npm start` writes it, checked in the database the app then serves:
// on SQLite the seed's file itself, on PostgreSQL the database it was moved into (tests/support/demo-seed.ts).

// Before any import: the app's env module (the content sync runs on the app's modules) reads these once.
const { testDb, dataDir } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  const dataDir = `${process.cwd()}/tests/.tmp/seed-data-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dataDir;
  return { testDb: await inProcessDatabase("seed"), dataDir };
});
const db = testDb.db;
let demo: DemoSeedFile | undefined;
let summary: Awaited<ReturnType<typeof seedDemoUniversity>>;
let threads: number;

beforeAll(async () => {
  demo = await seedAsStartDoes(testDb, async (file) => {
    summary = await seedDemoUniversity(file, new Date(), { dataDir });
    // The demo's threads under lessons are written after the content sync, as `npm start` writes them.
    const synced = await syncContentIntoFile(file, ROOT);
    expect(synced.courses.failed).toEqual([]);
    threads = seedDemoLessonThreads(file);
  });
}, 240_000);
afterAll(async () => {
  demo?.remove();
  await testDb.remove();
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

  it("has a year of letters, most answered in time, each letter's status, mailbox and dates what its entries make them", () => {
    type L = {
      id: number;
      mailboxId: number;
      originMailboxId: number;
      authorId: number;
      anonymous: number;
      status: string;
      dueAt: string;
      firstRepliedAt: string | null;
      sweptAt: string | null;
      closedAt: string | null;
      createdAt: string;
    };
    type E = { letterId: number; kind: string; authorId: number | null; fromMailboxId: number | null; toMailboxId: number | null; createdAt: string };
    const letters = db.prepare(`SELECT * FROM "Letter" ORDER BY "id"`).all() as L[];
    const entries = db.prepare(`SELECT * FROM "LetterEntry" ORDER BY "letterId", "createdAt", "id"`).all() as E[];
    const boxPath = new Map(
      (db.prepare(`SELECT b."id", u."path" FROM "Mailbox" b JOIN "OrgUnit" u ON u."id" = b."unitId"`).all() as { id: number; path: string }[]).map((b) => [
        b.id,
        b.path,
      ]),
    );
    const handlers = new Set((db.prepare(`SELECT "mailboxId" || ':' || "personId" AS k FROM "MailboxHandler"`).all() as { k: string }[]).map((h) => h.k));
    expect(letters.length).toBeGreaterThan(250);
    expect(letters.length).toBeLessThan(600);
    const now = Date.now();
    expect(letters.filter((l) => Date.parse(l.createdAt) > now || Date.parse(l.createdAt) < now - 366 * 86_400_000)).toEqual([]);
    expect(new Set(letters.map((l) => l.createdAt.slice(0, 7))).size).toBeGreaterThanOrEqual(12);
    const problems: string[] = [];
    for (const l of letters) {
      // Replays the app's steps (app/.server/mailbox/letters.ts): a note makes a pending letter 处理中, a reply
      // answers it, an escalation (only while unanswered) moves it to a mailbox above, a close closes it.
      let status = "pending";
      let box = l.originMailboxId;
      let replied: string | null = null;
      let closed: string | null = null;
      let escalations = 0;
      for (const e of entries.filter((x) => x.letterId === l.id)) {
        if (status === "closed") problems.push(`${l.id}: a step after its close`);
        if (e.authorId !== null && !handlers.has(`${box}:${e.authorId}`)) problems.push(`${l.id}: ${e.kind} by someone who does not handle its mailbox`);
        if (e.kind === "note") status = status === "pending" ? "in_progress" : status;
        else if (e.kind === "reply") [status, replied] = ["answered", replied ?? e.createdAt];
        else if (e.kind === "close") [status, closed] = ["closed", e.createdAt];
        else if (e.kind === "escalation") {
          escalations++;
          const [from, to] = [boxPath.get(e.fromMailboxId!)!, boxPath.get(e.toMailboxId!)!];
          if (e.fromMailboxId !== box || replied !== null || !(from.startsWith(to) && from !== to))
            problems.push(`${l.id}: escalation not upward from where it was`);
          box = e.toMailboxId!;
          status = "escalated";
        }
      }
      if (escalations > 1) problems.push(`${l.id}: escalated ${escalations} times`);
      if ([status, box, replied, closed].join() !== [l.status, l.mailboxId, l.firstRepliedAt, l.closedAt].join())
        problems.push(`${l.id}: row disagrees with its entries`);
      // An open letter past its due time was swept once; none waits for a sweep a year late.
      if (["pending", "in_progress", "escalated"].includes(l.status) && Date.parse(l.dueAt) < now - 86_400_000 && l.sweptAt === null)
        problems.push(`${l.id}: overdue, never swept`);
    }
    expect(problems).toEqual([]);
    expect(new Set(letters.map((l) => l.status))).toEqual(new Set(["answered", "closed", "escalated", "in_progress", "pending"]));
    const answered = letters.filter((l) => l.firstRepliedAt !== null);
    const onTime = answered.filter((l) => l.firstRepliedAt! <= l.dueAt);
    expect(onTime.length / answered.length).toBeGreaterThan(0.8);
    expect(answered.length - onTime.length).toBeGreaterThan(5);
    expect(entries.filter((e) => e.kind === "escalation").length).toBeGreaterThan(10);
    expect(entries.filter((e) => e.kind === "note").length).toBeGreaterThan(10);
    expect(letters.filter((l) => l.anonymous).length).toBeGreaterThan(20);
  });

  it("audits every letter's steps, and no audit row names an anonymous letter's author", () => {
    const anonymous = db.prepare(`SELECT "id", "authorId" FROM "Letter" WHERE "anonymous" = 1`).all() as { id: number; authorId: number }[];
    expect(anonymous.length).toBeGreaterThan(0);
    const leaks = anonymous.filter(
      (l) => count(`SELECT COUNT(*) AS n FROM "AuditLog" WHERE "actorId" = ? AND "targetKind" = 'letter' AND "targetId" = ?`, l.authorId, String(l.id)) > 0,
    );
    expect(leaks).toEqual([]);
    expect(
      count(
        `SELECT COUNT(*) AS n FROM "AuditLog" a JOIN "Letter" l ON a."targetId" = CAST(l."id" AS TEXT) WHERE a."targetKind" = 'letter' AND l."anonymous" = 1 AND a."ip" IS NOT NULL`,
      ),
    ).toBe(0);
    expect(count(`SELECT COUNT(*) AS n FROM "AuditLog" WHERE "action" = 'letter.submit'`)).toBe(count(`SELECT COUNT(*) AS n FROM "Letter"`));
    expect(count(`SELECT COUNT(*) AS n FROM "AuditLog" WHERE "action" IN ('letter.reply', 'letter.note', 'letter.close', 'letter.escalate')`)).toBe(
      count(`SELECT COUNT(*) AS n FROM "LetterEntry"`),
    );
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

  it("has a year of 大家谈 in the committee's, colleges' and branches' topics, with replies, likes, edits and a moderation queue", () => {
    const kinds = db.prepare(`SELECT DISTINCT u."kind" AS kind FROM "DiscussionTopic" t JOIN "OrgUnit" u ON u."id" = t."unitId"`).all() as { kind: string }[];
    expect(new Set(kinds.map((k) => k.kind))).toEqual(new Set(["committee", "college", "branch"]));
    expect(
      count(`SELECT COUNT(DISTINCT t."unitId") AS n FROM "DiscussionTopic" t JOIN "OrgUnit" u ON u."id" = t."unitId" WHERE u."kind" = 'college'`),
    ).toBeGreaterThanOrEqual(3);
    const posts = count(`SELECT COUNT(*) AS n FROM "DiscussionPost"`);
    expect(posts).toBeGreaterThan(800);
    expect(posts).toBeLessThan(4000);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionPost" WHERE "parentId" IS NOT NULL`)).toBeGreaterThan(posts / 4);
    // Spread over the year: posts in at least ten of the last twelve months, none in the future.
    const months = new Set((db.prepare(`SELECT "createdAt" AS at FROM "DiscussionPost"`).all() as { at: string }[]).map((r) => r.at.slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(10);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionPost" WHERE "createdAt" > ?`, new Date().toISOString())).toBe(0);
    // Every reply hangs on a post of the same topic, written before it.
    expect(
      count(
        `SELECT COUNT(*) AS n FROM "DiscussionPost" r JOIN "DiscussionPost" p ON p."id" = r."parentId" WHERE p."topicId" <> r."topicId" OR p."createdAt" > r."createdAt" OR p."parentId" IS NOT NULL`,
      ),
    ).toBe(0);
    // Moderation: hidden posts carry their reason and moderator; held ones why; a few reports still open.
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionPost" WHERE "state" = 'hidden'`)).toBeGreaterThan(5);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionPost" WHERE "state" = 'hidden' AND ("hiddenReason" IS NULL OR "moderatedById" IS NULL)`)).toBe(0);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionPost" WHERE "state" = 'held'`)).toBeGreaterThanOrEqual(2);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionPost" WHERE "state" = 'held' AND "heldFor" IS NULL`)).toBe(0);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionPost" WHERE "heldFor" = 'words' AND "matchedWords" IS NULL`)).toBe(0);
    const openReports = count(`SELECT COUNT(*) AS n FROM "DiscussionReport" WHERE "resolvedAt" IS NULL`);
    expect(openReports).toBeGreaterThanOrEqual(1);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionReport"`)).toBeGreaterThan(openReports);
    expect(count(`SELECT COUNT(*) AS n FROM "SensitiveWord"`)).toBeGreaterThan(0);
    // Likes, never one's own; edits keep their earlier text, and only edited posts have one.
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionLike"`)).toBeGreaterThan(posts);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionLike" l JOIN "DiscussionPost" p ON p."id" = l."postId" WHERE p."authorId" = l."personId"`)).toBe(0);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionPost" WHERE "editedAt" IS NOT NULL`)).toBeGreaterThan(10);
    expect(
      count(
        `SELECT COUNT(*) AS n FROM "DiscussionPost" p WHERE ("editedAt" IS NOT NULL) <> EXISTS (SELECT 1 FROM "DiscussionPostVersion" v WHERE v."postId" = p."id")`,
      ),
    ).toBe(0);
  });

  it("stores every post's tree as the app's Markdown function makes it from the post's source", () => {
    const rows = db.prepare(`SELECT "id", "body", "tree" FROM "DiscussionPost"`).all() as { id: number; body: string; tree: string }[];
    const wrong = rows.filter((r) => {
      const rendered = renderPostMarkdown(r.body);
      return !rendered.ok || JSON.stringify(JSON.parse(r.tree)) !== JSON.stringify(rendered.tree);
    });
    expect(wrong.map((r) => r.id)).toEqual([]);
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
    expect(docs.length).toBeGreaterThanOrEqual(30);
    expect(new Set(docs.map((d) => d.kind))).toEqual(new Set(["pdf", "docx", "xlsx"]));
    expect(new Set(docs.map((d) => d.audience))).toEqual(new Set(["public", "subtree", "status"]));
    expect(new Set(docs.map((d) => d.unitKind))).toEqual(new Set(["committee", "college", "branch"]));
    // Each file's bytes say what its row says; text is left to the server's extraction runner.
    for (const d of docs) expect(documentKind(new Uint8Array(fs.readFileSync(path.join(dataDir, d.storedPath))))).toBe(d.kind);
    expect(docs.filter((d) => d.textState === "pending")).toHaveLength(docs.filter((d) => d.kind !== "xlsx").length);
    expect(count(`SELECT COUNT(*) AS n FROM "SearchEntry" WHERE "kind" = 'document'`)).toBe(docs.length);
  });
});

describe("the demo accounts' inboxes (decision 054)", () => {
  type Row = { number: string; kind: string; title: string; url: string | null; dedupeKey: string; readAt: string | null };
  const rows = () =>
    db
      .prepare(
        `SELECT p."number", n."kind", n."title", n."url", n."dedupeKey", n."readAt" FROM "Notification" n JOIN "Person" p ON p."id" = n."personId" ORDER BY n."id"`,
      )
      .all() as Row[];

  it("gives every demo account printed at start an unread notice, some read ones, and nothing waiting to be sent", () => {
    const all = rows();
    for (const a of DEMO_ACCOUNTS) expect(all.filter((r) => r.number === a.username && r.readAt === null).length, a.username).toBeGreaterThanOrEqual(1);
    expect(all.some((r) => r.readAt !== null)).toBe(true);
    // Pinned notices, meeting reminders, a leave decided, letter replies and a mention, as the app's sources word them.
    expect(new Set(all.map((r) => r.kind))).toEqual(new Set(["pinned_notice", "meeting", "letter_reply", "mention"]));
    const mine = (who: string) => all.filter((r) => r.number === who);
    expect(mine("member").map((r) => r.title)).toEqual(
      expect.arrayContaining(["示范大学党委置顶通知", "计算机学院党委置顶通知", "请假已批准", "您的来信有了回复"]),
    );
    expect(mine("branchsec").some((r) => r.kind === "mention" && /在讨论中提到了你$/.test(r.title))).toBe(true);
    // The author of a pinned notice is not told of it; activists are not reminded of party members' meetings.
    expect(mine("admin").some((r) => r.title === "示范大学党委置顶通知")).toBe(false);
    expect(mine("activist").some((r) => r.dedupeKey.startsWith("remind:meeting:"))).toBe(false);
    // No outbox row: nothing leaves the server at start, for browsers or addresses nobody gave.
    expect(count(`SELECT COUNT(*) AS n FROM "NotificationDelivery"`)).toBe(0);
  });

  it("links each notice to something that exists, and the leave it reports is on the meeting, approved and audited", () => {
    for (const r of rows()) {
      const meeting = /^\/meetings\/(\d+)$/.exec(r.url ?? "");
      const letter = /^\/mailbox\/letters\/(\d+)$/.exec(r.url ?? "");
      const post = /^\/discuss\/(\d+)#post-(\d+)$/.exec(r.url ?? "");
      if (meeting) expect(count(`SELECT COUNT(*) AS n FROM "Activity" WHERE "id" = ?`, Number(meeting[1]))).toBe(1);
      else if (letter)
        expect(
          count(
            `SELECT COUNT(*) AS n FROM "Letter" l JOIN "Person" p ON p."id" = l."authorId" WHERE l."id" = ? AND p."number" = ?`,
            Number(letter[1]),
            r.number,
          ),
        ).toBe(1);
      else if (post) expect(count(`SELECT COUNT(*) AS n FROM "DiscussionPost" WHERE "id" = ? AND "topicId" = ?`, Number(post[2]), Number(post[1]))).toBe(1);
      else expect(r.url).toBe("/");
    }
    const leave = rows().find((r) => r.number === "member" && r.title === "请假已批准")!;
    const activityId = Number(/^\/meetings\/(\d+)$/.exec(leave.url!)![1]);
    expect(
      db
        .prepare(
          `SELECT l."status", d."number" AS "decidedBy" FROM "ActivityLeave" l JOIN "Person" p ON p."id" = l."personId" JOIN "Person" d ON d."id" = l."decidedById" WHERE l."activityId" = ? AND p."number" = 'member'`,
        )
        .get(activityId),
    ).toEqual({ status: "approved", decidedBy: "secretary" });
    expect(
      count(
        `SELECT COUNT(*) AS n FROM "AuditLog" WHERE "action" IN ('activity.leave_request', 'activity.leave_decide') AND "targetId" = ?`,
        String(activityId),
      ),
    ).toBe(2);
  });
});

describe("the demo's threads under lessons, written after the content sync as `npm start` does", () => {
  const lessonThreads = () =>
    db
      .prepare(
        `SELECT c."slug", l."title" AS "lesson", t."title", t."id",
          (SELECT COUNT(*) FROM "DiscussionPost" p WHERE p."topicId" = t."id" AND p."parentId" IS NULL) AS "posts",
          (SELECT COUNT(*) FROM "DiscussionPost" p WHERE p."topicId" = t."id" AND p."parentId" IS NOT NULL) AS "replies",
          (SELECT COUNT(*) FROM "DiscussionPost" p WHERE p."topicId" = t."id" AND p."quotedId" IS NOT NULL) AS "quotes"
        FROM "DiscussionTopic" t JOIN "Lesson" l ON l."id" = t."lessonId" JOIN "Course" c ON c."id" = l."courseId" ORDER BY t."id"`,
      )
      .all() as { slug: string; lesson: string; title: string; id: number; posts: number; replies: number; quotes: number }[];

  it("puts threads with replies and quotes under lessons of each shipped course, by people who may study it", () => {
    expect(threads).toBe(4);
    const found = lessonThreads();
    expect(new Set(found.map((t) => t.slug))).toEqual(new Set(["liangxue-yizuo", "jijifenzi-peixun", "fazhan-duixiang"]));
    for (const t of found) {
      expect(t.title).toBe(t.lesson);
      expect(t.posts).toBeGreaterThanOrEqual(1);
      expect(t.replies).toBeGreaterThanOrEqual(2);
      expect(t.quotes).toBeGreaterThanOrEqual(1);
    }
    // The activists' course is read by applicants and activists, the targets' by targets: so are its posts written.
    const authors = (slug: string) =>
      (
        db
          .prepare(
            `SELECT DISTINCT pe."politicalStatus" AS s FROM "DiscussionPost" p JOIN "Person" pe ON pe."id" = p."authorId"
              JOIN "DiscussionTopic" t ON t."id" = p."topicId" JOIN "Lesson" l ON l."id" = t."lessonId" JOIN "Course" c ON c."id" = l."courseId" WHERE c."slug" = ?`,
          )
          .all(slug) as { s: string }[]
      ).map((r) => r.s);
    expect(new Set(authors("jijifenzi-peixun"))).toEqual(new Set(["activist", "applicant"]));
    expect(authors("fazhan-duixiang")).toEqual(["target"]);
    // Each quote is of the post replied to; a reply is written after its post; a mention is stored for issue 19's notice.
    expect(
      count(
        `SELECT COUNT(*) AS n FROM "DiscussionPost" r JOIN "DiscussionPost" p ON p."id" = r."parentId" JOIN "DiscussionTopic" t ON t."id" = r."topicId"
          WHERE t."lessonId" IS NOT NULL AND ((r."quotedId" IS NOT NULL AND r."quotedId" <> p."id") OR p."createdAt" >= r."createdAt")`,
      ),
    ).toBe(0);
    expect(
      count(
        `SELECT COUNT(*) AS n FROM "DiscussionMention" m JOIN "DiscussionPost" p ON p."id" = m."postId" JOIN "DiscussionTopic" t ON t."id" = p."topicId" WHERE t."lessonId" IS NOT NULL`,
      ),
    ).toBe(1);
  });

  it("writes them once: a restart adds nothing", () => {
    const before = count(`SELECT COUNT(*) AS n FROM "DiscussionPost"`);
    // A restart on one machine runs the thread seed on the file again.
    expect(seedDemoLessonThreads(demo!.file)).toBe(0);
    expect(count(`SELECT COUNT(*) AS n FROM "DiscussionPost"`)).toBe(before);
    expect(lessonThreads()).toHaveLength(4);
  });
});
