import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestDatabase } from "../support/postgres";
import { type AppOnPostgres, appOnPostgres, holdTable, lockWaits } from "../support/postgres-races";

// Background work and read-then-write decisions with several nodes on one PostgreSQL database
// (decision 082), on a database of this file's own on the test cluster. Two claimants race on two
// connections (two pools where the claim is a node's own connection); where the race needs an order,
// a third connection holds a table lock until both have read and wait, so that without the fix both
// would write.

let onPg: AppOnPostgres;
let database: TestDatabase;
let app: typeof import("~/.server/db");
let monitor: pg.Client;
let unitId: number;
let personId: number;

beforeAll(async () => {
  onPg = await appOnPostgres();
  ({ database, app, monitor } = onPg);
  const { prisma } = app;
  const unit = await prisma.orgUnit.create({ data: { name: "测试党委", kind: "committee", path: "/", depth: 0 } });
  await prisma.orgUnit.update({ where: { id: unit.id }, data: { path: `/${unit.id}/` } });
  unitId = unit.id;
  const person = await prisma.person.create({ data: { number: "P0001", name: "张三", category: "staff", unitId, politicalStatus: "member" } });
  personId = person.id;
}, 120_000);

afterAll(async () => {
  await onPg?.close();
});

describe("the background lock (a sweeper tick on one node at a time)", () => {
  it("runs on one of two nodes trying at once; the other skips without waiting, and a dead holder's lock passes on", async () => {
    const { pgBackgroundLock } = await import("~/.server/background-lock");
    const pools = [new pg.Pool({ connectionString: database.url }), new pg.Pool({ connectionString: database.url })];
    try {
      const [a, b] = pools.map(pgBackgroundLock);
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let ranA = 0;
      let ranB = 0;
      const first = a.runAlone("sweeper", async () => {
        ranA++;
        await held;
      });
      // The first holds it (its tick still running): the second node's tick is skipped at once.
      for (const t0 = Date.now(); ranA === 0 && Date.now() - t0 < 10_000;) await new Promise((r) => setTimeout(r, 10));
      expect(ranA).toBe(1);
      const t0 = Date.now();
      expect(await b.runAlone("sweeper", async () => void ranB++)).toEqual({ ran: false });
      expect(Date.now() - t0).toBeLessThan(2_000);
      // Another name is another lock.
      expect(await b.runAlone("reminders", async () => "done")).toEqual({ ran: true, value: "done" });
      release();
      expect(await first).toEqual({ ran: true, value: undefined });
      expect(await b.runAlone("sweeper", async () => void ranB++)).toEqual({ ran: true, value: undefined });
      expect(ranB).toBe(1);

      // A node that dies mid-tick: its connection ends, and the lock with it.
      let endStuck!: () => void;
      const stuck = a.runAlone("sweeper", () => new Promise<void>((r) => (endStuck = r)));
      let holder: number | undefined;
      for (const t1 = Date.now(); holder === undefined && Date.now() - t1 < 10_000;) {
        // This database's only: other test files' databases on the cluster hold advisory locks too (a start-up lock).
        const { rows } = await monitor.query<{ pid: number }>(
          `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()`,
        );
        holder = rows[0]?.pid;
      }
      expect(holder).toBeDefined();
      expect(await b.runAlone("sweeper", async () => 1)).toEqual({ ran: false });
      await monitor.query(`SELECT pg_terminate_backend($1)`, [holder]);
      let after: { ran: boolean } = { ran: false };
      for (const t1 = Date.now(); !after.ran && Date.now() - t1 < 10_000;) after = await b.runAlone("sweeper", async () => 1);
      expect(after).toEqual({ ran: true, value: 1 });
      // The dead node's tick ends (its unlock fails on the lost connection, which is closed, not pooled).
      endStuck();
      expect(await stuck).toEqual({ ran: true, value: undefined });
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  }, 60_000);
});

describe("the runners' claims: two nodes claiming at once", () => {
  it("the outbox: each due delivery is claimed by exactly one of two nodes, and again by a third once the claim's lease ran out", async () => {
    const { prisma } = app;
    const { claimDelivery, LEASE_MS } = await import("~/.server/notify/outbox");
    const now = new Date();
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) {
      const n = await prisma.notification.create({ data: { personId, kind: "notice", title: `通知 ${i}`, body: "正文", dedupeKey: `race:${i}` } });
      const d = await prisma.notificationDelivery.create({ data: { notificationId: n.id, channel: "email", state: "pending", nextAttemptAt: now } });
      ids.push(d.id);
    }
    const claims = await Promise.all(ids.map((id) => Promise.all([claimDelivery(id, now, "node-a"), claimDelivery(id, now, "node-b")])));
    expect(claims.every(([a, b]) => Number(a) + Number(b) === 1)).toBe(true);
    const rows = await prisma.notificationDelivery.findMany({ where: { id: { in: ids } }, select: { claimedBy: true, attempts: true } });
    expect(rows.every((r) => r.attempts === 1 && (r.claimedBy === "node-a" || r.claimedBy === "node-b"))).toBe(true);
    // Both nodes died mid-send: nothing is claimed again within the lease, everything after it.
    expect(await claimDelivery(ids[0], new Date(now.getTime() + 1_000), "node-c")).toBe(false);
    const later = new Date(now.getTime() + LEASE_MS + 1_000);
    const again = await Promise.all(ids.map((id) => Promise.all([claimDelivery(id, later, "node-c"), claimDelivery(id, later, "node-d")])));
    expect(again.every(([c, d]) => Number(c) + Number(d) === 1)).toBe(true);
  }, 60_000);

  it("the library's text extraction: two nodes draining the queue at once take each document once, and a dead node's claim is taken after its lease", async () => {
    const { prisma } = app;
    const { claimNextDocument } = await import("~/.server/library/extract-runner");
    const docs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const d = await prisma.libraryDocument.create({
        data: {
          unitId,
          title: `文件 ${i}`,
          fileName: `${i}.pdf`,
          kind: "pdf",
          mime: "application/pdf",
          size: 1,
          storedPath: `library/${i}.pdf`,
          audience: "public",
          uploaderId: personId,
        },
      });
      docs.push(d.id);
    }
    const LIMIT_MS = 30_000;
    const now = new Date();
    const drain = async () => {
      const got: number[] = [];
      for (let d = await claimNextDocument(LIMIT_MS, now); d; d = await claimNextDocument(LIMIT_MS, now)) got.push(d.id);
      return got;
    };
    const [a, b] = await Promise.all([drain(), drain()]);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(docs);
    // Within the lease nothing is taken again; after it (the claiming node died), each once more.
    expect(await claimNextDocument(LIMIT_MS, new Date(now.getTime() + LIMIT_MS))).toBeNull();
    const later = new Date(now.getTime() + LIMIT_MS + 61_000);
    const drainLater = async () => {
      const got: number[] = [];
      for (let d = await claimNextDocument(LIMIT_MS, later); d; d = await claimNextDocument(LIMIT_MS, later)) got.push(d.id);
      return got;
    };
    const [c, d] = await Promise.all([drainLater(), drainLater()]);
    expect([...c, ...d].sort((x, y) => x - y)).toEqual(docs);
  }, 60_000);
});

describe("read-then-write decisions of two secretaries or trainers on two nodes", () => {
  it("one prize draw per contest: two draws at once make one, the other is refused", async () => {
    const { prisma } = app;
    const { runPrizeDraw } = await import("~/.server/contest/prize-draws");
    const contest = await prisma.contest.create({
      data: {
        title: "知识竞赛",
        unitId,
        createdById: personId,
        status: "published",
        opensAt: new Date(Date.now() - 7_200_000),
        closesAt: new Date(Date.now() - 3_600_000),
        timeLimitSec: 600,
      },
    });
    for (let i = 0; i < 5; i++) {
      const p = await prisma.person.create({ data: { number: `D${i}`, name: `选手${i}`, category: "student", unitId, politicalStatus: "member" } });
      await prisma.contestEntry.create({
        data: {
          contestId: contest.id,
          personId: p.id,
          seed: "s",
          state: "submitted",
          startedAt: new Date(Date.now() - 7_000_000),
          deadlineAt: new Date(Date.now() - 6_400_000),
          finishedAt: new Date(Date.now() - 6_500_000),
          maxScore: 1000,
          score: 1000,
        },
      });
    }
    // Both read "no draw yet" before either inserts: the inserts wait for the held table lock.
    const release = await holdTable(database.url, "ContestPrizeDraw");
    const draws = Promise.allSettled([runPrizeDraw(personId, contest.id, 2), runPrizeDraw(personId, contest.id, 2)]);
    try {
      await lockWaits(monitor, 2);
    } finally {
      await release();
    }
    const outcomes = await draws;
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === "rejected");
    expect(String((refused as PromiseRejectedResult | undefined)?.reason)).toContain("已经抽过奖");
    expect(await prisma.contestPrizeDraw.count({ where: { contestId: contest.id } })).toBe(1);
  }, 60_000);

  it("unit moves: one unit moved under two parents at once ends under one, its path and parent agreeing", async () => {
    const { prisma } = app;
    const { moveUnit } = await import("~/.server/org/units");
    const unit = async (name: string, kind: string, parent: { id: number; path: string; depth: number }) => {
      const u = await prisma.orgUnit.create({ data: { name, kind, parentId: parent.id, path: "/", depth: parent.depth + 1 } });
      return prisma.orgUnit.update({ where: { id: u.id }, data: { path: `${parent.path}${u.id}/` } });
    };
    const root = (await prisma.orgUnit.findUnique({ where: { id: unitId } }))!;
    const college = await unit("学院", "college", root);
    const [b1, b2, b3] = [await unit("一支部", "branch", college), await unit("二支部", "branch", college), await unit("三支部", "branch", college)];
    const group = await unit("党小组", "group", b1);
    const release = await holdTable(database.url, "OrgUnit");
    const moves = Promise.allSettled([moveUnit(personId, group.id, b2.id), moveUnit(personId, group.id, b3.id)]);
    try {
      await lockWaits(monitor, 2);
    } finally {
      await release();
    }
    const outcomes = await moves;
    expect(outcomes.every((o) => o.status === "fulfilled")).toBe(true);
    const moved = (await prisma.orgUnit.findUnique({ where: { id: group.id } }))!;
    const parent = (await prisma.orgUnit.findUnique({ where: { id: moved.parentId! } }))!;
    expect([b2.id, b3.id]).toContain(parent.id);
    expect(moved.path).toBe(`${parent.path}${group.id}/`);
    expect(moved.depth).toBe(parent.depth + 1);
  }, 60_000);

  it("unit archive: a person moved in, and a unit created under it, while it is archived leave nothing open inside it", async () => {
    const { prisma } = app;
    const { archiveUnit, createUnit } = await import("~/.server/org/units");
    const { updatePerson } = await import("~/.server/org/people");
    const root = (await prisma.orgUnit.findUnique({ where: { id: unitId } }))!;
    const college = await createUnit(personId, { parentId: root.id, name: "撤销学院", kind: "college" });
    const branch = await createUnit(personId, { parentId: college.id, name: "撤销支部", kind: "branch", branchType: "student" });
    const member = await prisma.person.create({ data: { number: "P0002", name: "李四", category: "student", unitId, politicalStatus: "member" } });
    // Every one of the three reads before any writes: without the locks each read what it decided on
    // (no one in the college, the branch and the college open) and all three went through.
    const releaseUnits = await holdTable(database.url, "OrgUnit");
    const releasePeople = await holdTable(database.url, "Person");
    const outcomes = Promise.allSettled([
      archiveUnit(personId, college.id),
      updatePerson(personId, member.id, { name: "李四", unitId: branch.id, cadreLevel: "none", isCommitteeMember: false, committeeRole: null }),
      createUnit(personId, { parentId: college.id, name: "新支部", kind: "branch", branchType: "student" }),
    ]);
    try {
      await lockWaits(monitor, 3);
    } finally {
      await releasePeople();
      await releaseUnits();
    }
    const [archived, moved, created] = await outcomes;
    const inside = await prisma.orgUnit.findMany({ where: { path: { startsWith: college.path } } });
    const peopleInside = await prisma.person.count({ where: { unit: { path: { startsWith: college.path } }, disabledAt: null } });
    if (archived.status === "fulfilled") {
      // Archived: everything inside archived, no one left in it, and the move and the creation refused.
      expect(inside.every((u) => u.archivedAt !== null)).toBe(true);
      expect(peopleInside).toBe(0);
      expect(moved.status === "rejected" && String(moved.reason)).toContain("已撤销");
      expect(created.status === "rejected" && String(created.reason)).toContain("已撤销");
    } else {
      // Refused: because the move got there first, and nothing was archived.
      expect(String(archived.reason)).toContain("仍有 1 人");
      expect(moved.status).toBe("fulfilled");
      expect(inside.every((u) => u.archivedAt === null)).toBe(true);
    }
    // Either way the new unit, if made, has its parent's path.
    const made = inside.find((u) => u.name === "新支部");
    if (made) expect(made.path).toBe(`${college.path}${made.id}/`);
  }, 60_000);
  it("unit archive: an archive waits for a grant being written into its unit, so no grant lands in an archived unit", async () => {
    const { prisma } = app;
    const { archiveUnit, createUnit } = await import("~/.server/org/units");
    const { addGrant } = await import("~/.server/org/people");
    const root = (await prisma.orgUnit.findUnique({ where: { id: unitId } }))!;
    const college = await createUnit(personId, { parentId: root.id, name: "授权学院", kind: "college" });
    const holder = await prisma.person.create({ data: { number: "P0003", name: "王五", category: "staff", unitId, politicalStatus: "member" } });
    // The grant has checked its unit open and waits to write; the archive starts meanwhile. Checked outside
    // the grant's transaction, the archive went through at once and the grant then landed in an archived unit.
    const releaseGrants = await holdTable(database.url, "RoleGrant");
    const granted = addGrant(personId, holder.id, "secretary", college.id);
    let archived: Promise<void>;
    try {
      await lockWaits(monitor, 1);
      archived = archiveUnit(personId, college.id);
      await lockWaits(monitor, 2);
    } finally {
      await releaseGrants();
    }
    await granted;
    await archived!;
    const grant = await prisma.roleGrant.findFirst({ where: { personId: holder.id, unitId: college.id } });
    expect(grant).not.toBeNull();
    expect((await prisma.orgUnit.findUnique({ where: { id: college.id } }))!.archivedAt).not.toBeNull();
    // And once archived, a grant there is refused.
    await expect(addGrant(personId, holder.id, "trainer", college.id)).rejects.toThrow("已撤销");
  }, 60_000);
});
