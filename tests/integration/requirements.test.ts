import fs from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Requirements under the pack in force, on a real database (SQLite, or PostgreSQL in the integration-pg
// run): one person's page and the batch line per person the dashboards use, with the school's overrides
// and a change of pack.

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb, packsDir } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  const packsDir = `${process.cwd()}/tests/.tmp/rule-packs-${process.pid}-${Date.now()}`;
  process.env.RULE_PACKS_DIR = packsDir;
  return { testDb: await inProcessDatabase("requirements"), packsDir };
});

let reqs: typeof import("../../app/.server/hours/requirements");
let packs: typeof import("../../app/.server/hours/rule-packs");
const ids: Record<string, number> = {};
const YEAR = 2025;
const at = (s: string) => new Date(`${s}T04:00:00Z`);

beforeAll(async () => {
  fs.mkdirSync(packsDir, { recursive: true });
  const shipped = fs.readFileSync(path.resolve("content/rule-packs/cpc-2019.yaml"), "utf8");
  fs.writeFileSync(path.join(packsDir, "cpc-2019.yaml"), shipped);
  // A second pack: members owe 40 学时 with no proration.
  const strict = parse(shipped);
  strict.id = "test-strict";
  strict.name = "测试用严格规则包";
  strict.requirements[0] = { ...strict.requirements[0], hours: 40, prorate: "none" };
  fs.writeFileSync(path.join(packsDir, "test-strict.yaml"), stringify(strict));
  fs.writeFileSync(path.join(packsDir, "broken.yaml"), "id: broken\nname: 坏的\n");

  const f = testDb.factory;
  const root = f.unit({ name: "党委", kind: "committee" });
  ids.admin = f.person({ number: "A1", name: "管理员", unitId: root.id, politicalStatus: "member" });
  ids.member = f.person({ number: "P1", name: "全年党员", unitId: root.id, politicalStatus: "member" });
  f.statusChange(ids.member, "probationary", "member", new Date("2020-05-01T00:00:00Z"));
  ids.newcomer = f.person({ number: "P2", name: "年中入党", unitId: root.id, politicalStatus: "probationary" });
  f.statusChange(ids.newcomer, "target", "probationary", new Date("2025-06-12T00:00:00Z"));
  ids.cadre = f.person({ number: "P3", name: "科级干部", unitId: root.id, politicalStatus: "member", cadreLevel: "section" });
  ids.secretary = f.person({ number: "P4", name: "支部书记", unitId: root.id, politicalStatus: "member", isCommitteeMember: true, committeeRole: "书记" });
  ids.activist = f.person({ number: "P5", name: "积极分子", unitId: root.id, politicalStatus: "activist" });
  f.hours({ personId: ids.member, year: YEAR, amount: 2000, category: "online", sourceKind: "lesson", sourceId: "1", earnedAt: at("2025-03-01") });
  f.hours({ personId: ids.member, year: YEAR, amount: 1500, category: "offline", sourceKind: "activity", sourceId: "1", earnedAt: at("2025-04-01") });
  f.hours({ personId: ids.member, year: YEAR - 1, amount: 9900, category: "online", sourceKind: "lesson", sourceId: "2", earnedAt: at("2024-04-01") });
  f.hours({ personId: ids.newcomer, year: YEAR, amount: 1000, category: "quiz", sourceKind: "quiz", sourceId: "1", earnedAt: at("2025-08-01") });
  f.hours({ personId: ids.cadre, year: YEAR, amount: 4000, category: "party_school", sourceKind: "activity", sourceId: "2", earnedAt: at("2025-05-01") });
  f.hours({ personId: ids.cadre, year: YEAR, amount: 1000, category: "online", sourceKind: "lesson", sourceId: "1", earnedAt: at("2025-05-02") });
  reqs = await import("../../app/.server/hours/requirements");
  packs = await import("../../app/.server/hours/rule-packs");
});
afterAll(async () => {
  await testDb.remove();
  fs.rmSync(packsDir, { recursive: true, force: true });
});

describe("rule packs on the server", () => {
  it("loads the valid packs and says in Chinese which file is broken", () => {
    const loaded = packs.rulePacks();
    expect([...loaded.packs.keys()].sort()).toEqual(["cpc-2019", "test-strict"]);
    expect(loaded.errors.some((e) => e.startsWith("broken.yaml 的 version："))).toBe(true);
  });

  it("puts the shipped default in force when no choice was ever made", async () => {
    expect((await packs.packInForce()).pack.id).toBe("cpc-2019");
  });
});

describe("requirementsForPerson", () => {
  it("shows a member's progress and which requirement each entry counts toward", async () => {
    const r = await reqs.requirementsForPerson(ids.member, YEAR);
    expect(r.progress.map((p) => [p.id, p.required, p.earned, p.missing])).toEqual([["member-annual", 3200, 3500, 0]]);
    expect(r.total).toBe(3500);
    expect(r.entries.map((e) => [e.sourceKind, e.countsToward])).toEqual([
      ["activity", ["member-annual"]],
      ["lesson", ["member-annual"]],
    ]);
    expect(r.training).toBeNull();
  });

  it("prorates the year of admission from the recorded status history", async () => {
    const r = await reqs.requirementsForPerson(ids.newcomer, YEAR);
    expect(r.progress[0]).toMatchObject({ required: 1867, earned: 1000, missing: 867 });
    expect(r.progress[0].explanation).toBe("6 月起为预备党员，按 7 个月折算：32 × 7/12 = 18.67 学时");
  });
});

describe("requirementStatus (batch)", () => {
  it("gives one line per person: required = earned + missing, each requirement capped", async () => {
    const status = await reqs.requirementStatus(Object.values(ids), YEAR);
    expect(status.get(ids.member)).toEqual({ required: 3200, earned: 3200, missing: 0, total: 3500 });
    expect(status.get(ids.newcomer)).toEqual({ required: 1867, earned: 1000, missing: 867, total: 1000 });
    // Cadre: 32 (met by 50) + 90 (50 of it) + online 50 (10 of it).
    expect(status.get(ids.cadre)).toEqual({ required: 3200 + 9000 + 5000, earned: 3200 + 5000 + 1000, missing: 4000 + 4000, total: 5000 });
    expect(status.get(ids.secretary)).toEqual({ required: 5600, earned: 0, missing: 5600, total: 0 });
    expect(status.get(ids.activist)).toEqual({ required: 0, earned: 0, missing: 0, total: 0 });
    expect(status.has(999999)).toBe(false);
    expect((await reqs.requirementStatus([], YEAR)).size).toBe(0);
  });

  it("agrees with the single-person evaluation", async () => {
    const status = await reqs.requirementStatus([ids.cadre], YEAR);
    expect(status.get(ids.cadre)).toEqual({ ...(await reqs.requirementsForPerson(ids.cadre, YEAR)).summary, total: 5000 });
  });
});

describe("overrides and a change of pack", () => {
  it("uses the school's figure, keeps the history, and restores the pack's", async () => {
    await packs.overrideRequirement(ids.admin, "cpc-2019", "member-annual", 4800, "校党委决定提高要求");
    expect((await reqs.requirementStatus([ids.member], YEAR)).get(ids.member)).toMatchObject({ required: 4800, missing: 1300 });
    await expect(packs.overrideRequirement(ids.admin, "cpc-2019", "member-annual", 4800, "重复")).rejects.toThrow("与当前调整值相同");
    await expect(packs.overrideRequirement(ids.admin, "cpc-2019", "no-such", 100, "理由")).rejects.toThrow("该规则包中没有这项要求");
    await packs.overrideRequirement(ids.admin, "cpc-2019", "member-annual", null, "恢复");
    expect((await reqs.requirementStatus([ids.member], YEAR)).get(ids.member)).toMatchObject({ required: 3200, missing: 0 });
    await expect(packs.overrideRequirement(ids.admin, "cpc-2019", "member-annual", null, "再恢复")).rejects.toThrow("无需恢复");
    const history = await packs.rulesHistory();
    expect(history.overrides.map((o) => o.hours)).toEqual([null, 4800]);
  });

  it("follows the newest choice of pack, audit-logged", async () => {
    await packs.choosePack(ids.admin, "test-strict", "试行");
    expect((await packs.packInForce()).pack.id).toBe("test-strict");
    // No proration under this pack: the newcomer owes the full 40.
    expect((await reqs.requirementStatus([ids.newcomer], YEAR)).get(ids.newcomer)).toMatchObject({ required: 4000 });
    await expect(packs.choosePack(ids.admin, "test-strict", "again")).rejects.toThrow("已在执行中");
    await expect(packs.choosePack(ids.admin, "broken", "坏")).rejects.toThrow("所选规则包不存在");
    await packs.choosePack(ids.admin, "cpc-2019", "恢复默认");
    expect((await packs.packInForce()).pack.id).toBe("cpc-2019");
    const { prisma } = await import("../../app/.server/db");
    const actions = (await prisma.auditLog.findMany({ where: { action: { startsWith: "rules." } }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["rules.override", "rules.restore", "rules.choose", "rules.choose"]);
  });
});
