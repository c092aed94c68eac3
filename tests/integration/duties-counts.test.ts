import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedDemoUniversity } from "../../prisma/seed";
import { type Grant } from "~/lib/permissions";
import { storedTimestamp } from "~/lib/timestamp";
import { seedAsStartDoes } from "../support/demo-seed";

// The home page's duty lines (app/.server/todo/duties.ts) are counted by the database, or for the
// development file by the engine without names or order (decision 059): each must equal what the page
// it links to lists. Checked on the demo university (12,000 people, a year of history) for the
// administrator, a college secretary and a branch secretary, with pending credit claims and 请假 added.
// On PostgreSQL (the integration-pg run) the demo is seeded into a SQLite file and moved in with
// `db:move-to-postgres`'s code, as a site with data comes to PostgreSQL.

// Before any import: the app's env module reads DATABASE_URL and DATA_DIR once, when it is first imported.
const { testDb, dataDir } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  const dataDir = `${process.cwd()}/tests/.tmp/duties-data-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dataDir;
  return { testDb: await inProcessDatabase("duties"), dataDir };
});

type Caller = { id: number; grants: Grant[] };
const now = new Date();
const db = testDb.db;
const callers: Record<string, Caller> = {};

beforeAll(async () => {
  const demo = await seedAsStartDoes(testDb, (file) => seedDemoUniversity(file, now, { dataDir }));
  demo.remove();
  for (const number of ["admin", "secretary", "branchsec"]) {
    const { id } = db.prepare(`SELECT "id" FROM "Person" WHERE "number" = ?`).get(number) as { id: number };
    const grants = db
      .prepare(`SELECT g."role", g."unitId", u."path" AS "unitPath" FROM "RoleGrant" g JOIN "OrgUnit" u ON u."id" = g."unitId" WHERE g."personId" = ?`)
      .all(id) as Grant[];
    callers[number] = { id, grants };
  }
  // Credit claims waiting, one in the branch secretary's branch and one elsewhere; 请假 on two meetings of her branch, one already held.
  const branch = callers.branchsec.grants[0].unitId;
  const inBranch = db.prepare(`SELECT "id" FROM "Person" WHERE "unitId" = ? AND "politicalStatus" = 'member' ORDER BY "id" LIMIT 3`).all(branch) as {
    id: number;
  }[];
  const elsewhere = db.prepare(`SELECT "id" FROM "Person" WHERE "unitId" <> ? AND "politicalStatus" = 'member' ORDER BY "id" LIMIT 1`).get(branch) as {
    id: number;
  };
  const ts = storedTimestamp(now);
  const claim = db.prepare(
    `INSERT INTO "CreditClaim" ("personId", "title", "category", "hours", "earnedOn", "filePath", "fileMime", "status", "createdAt") VALUES (?, '校外讲座', 'other', 200, ?, 'claims/x.png', 'image/png', 'pending', ?)`,
  );
  claim.run(inBranch[0].id, ts, ts);
  claim.run(elsewhere.id, ts, ts);
  const meeting = db.prepare(
    `INSERT INTO "Activity" ("unitId", "kind", "title", "startsAt", "endsAt", "checkinOpensAt", "checkinClosesAt", "hours", "codeSecret", "status", "createdById", "createdAt", "updatedAt")
     VALUES (?, 'branch_meeting', ?, ?, ?, ?, ?, 200, 'secret', 'open', ?, ?, ?) RETURNING "id"`,
  );
  const at = (days: number) => storedTimestamp(new Date(now.getTime() + days * 86_400_000));
  const meetings = [
    meeting.get(branch, "下周党员大会", at(7), at(7.1), at(7), at(7.1), callers.branchsec.id, ts, ts),
    meeting.get(branch, "上周党员大会", at(-7), at(-6.9), at(-7), at(-6.9), callers.branchsec.id, ts, ts),
  ] as { id: number }[];
  const leave = db.prepare(`INSERT INTO "ActivityLeave" ("activityId", "personId", "reason", "status", "createdAt") VALUES (?, ?, '出差', 'pending', ?)`);
  leave.run(meetings[0].id, inBranch[1].id, ts);
  leave.run(meetings[0].id, inBranch[2].id, ts);
  leave.run(meetings[1].id, inBranch[1].id, ts);
});

afterAll(async () => {
  // The files first: they go even when the database can no longer be reached.
  fs.rmSync(dataDir, { recursive: true, force: true });
  await testDb.remove();
});

const count = (q: string, ...args: unknown[]) => (db.prepare(q).get(...args) as { n: number }).n;

describe("the duty counts of the home page", () => {
  it.each(["admin", "secretary", "branchsec"])("equal what the lists hold, for %s", async (who) => {
    const caller = callers[who];
    const { dutiesOf } = await import("../../app/.server/todo/duties");
    const { pipelineDue } = await import("../../app/.server/pipeline/due");
    const { unitsUnder } = await import("../../app/.server/org/units");
    const { lettersForHandler } = await import("../../app/.server/mailbox/letters");
    const { moderationQueue } = await import("../../app/.server/discussion/moderation");
    const { pendingInScope, submissionsOf } = await import("../../app/.server/review/review");
    const { chinaDay } = await import("../../app/.server/todo/pipeline");
    const { scopePaths, hasAnyGrant } = await import("../../app/lib/permissions");

    const duties = new Map((await dutiesOf(caller, now)).map((d) => [d.key, d]));
    const line = (key: string) => ({ count: duties.get(key)?.count ?? 0, overdue: duties.get(key)?.overdue ?? 0 });
    const g = caller.grants;

    // The development file: one line per unit of her people:view scope, as /manage/pipeline?unitId= lists it.
    const people = scopePaths(g, "people:view");
    expect(people.length).toBeGreaterThan(0);
    const units = await unitsUnder(people);
    let pipelineRows = 0;
    for (const path of people) {
      const unit = units.find((u) => u.path === path)!;
      const { rows } = await pipelineDue([path], chinaDay(now));
      pipelineRows += rows.length;
      expect(line(`pipeline:${unit.id}`)).toEqual({ count: rows.length, overdue: rows.filter((r) => r.item.state === "overdue").length });
    }
    expect(pipelineRows).toBeGreaterThan(0);

    const letters = await lettersForHandler(caller, "open", now);
    expect(line("letters")).toEqual({ count: letters.length, overdue: letters.filter((l) => l.overdue).length });
    if (hasAnyGrant(g, "discussion:moderate")) expect(line("posts").count).toBe((await moderationQueue(caller)).length);
    expect(line("review").count).toBe((await pendingInScope(caller, 1000)).length);
    expect(line("review-returned").count).toBe((await submissionsOf(caller.id, 1000)).filter((r) => r.state === "returned").length);

    // The pages' own filters, over the caller's units (her grants' paths), read here with plain SQL.
    const under = (paths: string[], column: string) => (paths.length ? `(${paths.map((p) => `${column} LIKE '${p}%'`).join(" OR ")})` : "FALSE");
    const claims = scopePaths(g, "claims:review");
    expect(line("claims").count).toBe(
      count(
        `SELECT COUNT(*) AS n FROM CreditClaim c JOIN Person p ON p.id = c.personId JOIN OrgUnit u ON u.id = p.unitId WHERE c.status = 'pending' AND ${under(claims, "u.path")}`,
      ),
    );
    const classes = [...new Set([...scopePaths(g, "classes:manage"), ...scopePaths(g, "classes:nominate")])];
    expect(line("nominations").count).toBe(
      count(
        `SELECT COUNT(*) AS n FROM ClassMember m JOIN TrainingClass c ON c.id = m.classId JOIN OrgUnit u ON u.id = c.unitId WHERE m.status = 'nominated' AND ${under(classes, "u.path")}`,
      ),
    );
    const meetings = scopePaths(g, "activities:manage");
    const leaves = db
      .prepare(
        `SELECT l.activityId, a.startsAt FROM ActivityLeave l JOIN Activity a ON a.id = l.activityId JOIN OrgUnit u ON u.id = a.unitId WHERE l.status = 'pending' AND a.status <> 'cancelled' AND ${under(meetings, "u.path")}`,
      )
      .all() as { activityId: number; startsAt: string }[];
    expect(line("leaves")).toEqual({ count: leaves.length, overdue: leaves.filter((l) => new Date(l.startsAt) <= now).length });
    if (leaves.length)
      expect(duties.get("leaves")!.href).toBe(
        new Set(leaves.map((l) => l.activityId)).size === 1 ? `/manage/activities/${leaves[0].activityId}/meeting` : "/manage/activities",
      );
  });

  it("are not empty where the demo has work waiting, so the comparisons above compare something", async () => {
    const { dutiesOf } = await import("../../app/.server/todo/duties");
    const admin = new Map((await dutiesOf(callers.admin, now)).map((d) => [d.key, d.count]));
    const branchsec = new Map((await dutiesOf(callers.branchsec, now)).map((d) => [d.key, d.count]));
    expect(admin.get("claims")).toBe(2);
    expect(branchsec.get("claims")).toBe(1);
    expect(branchsec.get("leaves")).toBe(3);
    expect(admin.get("letters")).toBeGreaterThan(0);
    expect(admin.get("posts")).toBeGreaterThan(0);
    expect(admin.get("nominations")).toBeGreaterThan(0);
  });
});
