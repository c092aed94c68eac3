import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Rule packs through the pages: My hours (/hours), the pipeline gates on a person's page, and the
// admin's rules page.

let server: TestServer;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const day = (s: string) => new Date(`${s}T00:00:00Z`);
const at = (s: string) => new Date(`${s}T04:00:00Z`);

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  const branch = f.unit({ name: "第一党支部", kind: "branch", branchType: "student", parent: root });
  ids.admin = f.person({ number: "A001", name: "管理员", unitId: root.id, category: "staff", politicalStatus: "member" });
  f.grant(ids.admin, "admin", root.id);
  ids.secretary = f.person({ number: "S001", name: "书记", unitId: root.id, category: "staff", politicalStatus: "member" });
  f.grant(ids.secretary, "secretary", root.id);
  ids.member = f.person({ number: "M001", name: "周党员", unitId: branch.id, politicalStatus: "member" });
  f.statusChange(ids.member, "probationary", "member", day("2020-05-01"));
  f.hours({
    personId: ids.member,
    year: 2026,
    amount: 1000,
    category: "online",
    sourceKind: "lesson",
    sourceId: "7",
    note: "党章学习第一课",
    earnedAt: at("2026-03-02"),
  });
  f.hours({
    personId: ids.member,
    year: 2026,
    amount: 300,
    category: "contest",
    sourceKind: "contest",
    sourceId: "3",
    note: "党史知识竞赛",
    earnedAt: at("2026-05-02"),
  });
  f.hours({
    personId: ids.member,
    year: 2025,
    amount: 3200,
    category: "offline",
    sourceKind: "activity",
    sourceId: "9",
    note: "主题党日",
    earnedAt: at("2025-05-02"),
  });

  // Development targets: one short of training hours, one with enough.
  for (const [key, number, trainingHours] of [
    ["target", "T001", 1000],
    ["ready", "T002", 2400],
  ] as const) {
    ids[key] = f.person({ number, name: key === "target" ? "发展对象甲" : "发展对象乙", unitId: branch.id, politicalStatus: "target" });
    f.statusChange(ids[key], "applicant", "activist", day("2024-03-01"));
    f.statusChange(ids[key], "activist", "target", day("2025-09-01"));
    f.hours({
      personId: ids[key],
      year: 2025,
      amount: trainingHours,
      category: "party_school",
      sourceKind: "activity",
      sourceId: "20",
      note: "发展对象培训班",
      earnedAt: at("2025-10-10"),
    });
    // Earned before becoming a development target: does not count toward the training.
    f.hours({ personId: ids[key], year: 2025, amount: 2000, category: "online", sourceKind: "lesson", sourceId: "1", earnedAt: at("2025-08-01") });
  }
  // Activists: one of four months, one of more than a year.
  ids.newActivist = f.person({ number: "J001", name: "积极分子甲", unitId: branch.id, politicalStatus: "activist" });
  f.statusChange(ids.newActivist, "applicant", "activist", day("2026-06-01"));
  ids.oldActivist = f.person({ number: "J002", name: "积极分子乙", unitId: branch.id, politicalStatus: "activist" });
  f.statusChange(ids.oldActivist, "applicant", "activist", day("2025-01-01"));
  for (const who of ["admin", "secretary", "member", "target", "newActivist"]) await f.password(ids[who], PASSWORD);
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

const db = () => server.factory.db;
const changes = (personId: number) =>
  db().prepare("SELECT fromStatus, toStatus, gateOverride FROM StatusChange WHERE personId = ? ORDER BY id").all(personId) as {
    fromStatus: string;
    toStatus: string;
    gateOverride: string | null;
  }[];
const audits = (action: string) =>
  db().prepare("SELECT targetId, detail FROM AuditLog WHERE action = ? ORDER BY id").all(action) as { targetId: string; detail: string }[];
const text = (html: string) => html.replace(/<!-- -->/g, "");
const plain = (html: string) => text(html).replace(/<[^>]+>/g, "");

describe("My hours", () => {
  it("shows each requirement's progress, its proration sentence and article, and every entry with what it counts toward", async () => {
    const c = await as("M001");
    const res = await c.get("/hours?year=2026");
    expect(res.status).toBe(200);
    const html = text(res.text);
    expect(html).toContain("党员年度集中学习培训");
    expect(html).toContain("全年为正式党员，须完成 32 学时");
    expect(html).toContain("第二十条");
    expect(html).toMatch(/13<\/strong> \/ 32 学时/);
    expect(html).toContain("还差 19");
    expect(html).toContain("党章学习第一课");
    expect(html).toContain("课程学习 · 网上学习");
    expect(html).toContain("知识竞赛 · 2026-05-02 12:00");
    expect(html).toContain("计入：党员年度集中学习培训");
    expect(html).not.toContain("主题党日");
  });

  it("shows another year when chosen", async () => {
    const c = await as("M001");
    const html = text((await c.get("/hours?year=2025")).text);
    expect(html).toContain("主题党日");
    expect(html).toContain("已完成");
    expect(html).not.toContain("党章学习第一课");
  });

  it("shows a development target the training the admission gate asks for, and which entries count toward it", async () => {
    const c = await as("T001");
    const html = text((await c.get("/hours?year=2025")).text);
    expect(html).toContain('data-testid="training"');
    expect(html).toMatch(/10<\/strong> \/ 24 学时/);
    expect(html).toContain("发展对象培训与考察");
    // Members' rules are not hers: no empty header about them, and no entry marked as not counting.
    expect(html).not.toContain("年学时要求");
    expect(html).not.toContain("不计入");
    // The 发展对象培训班 of October counts; the online hours of August, before she became a target, do not.
    const entries = html
      .split('data-testid="entry"')
      .slice(1)
      .map((e) => e.split("</li>")[0]);
    expect(entries).toHaveLength(2);
    expect(entries.find((e) => e.includes("发展对象培训班"))).toContain("计入：发展对象集中培训");
    expect(entries.find((e) => e.includes("2025-08-01"))).not.toContain("计入");
  });

  it("shows an activist her time of observation against 细则 art. 13, not members' rules", async () => {
    const c = await as("J001");
    const html = text((await c.get("/hours")).text);
    expect(html).toContain("入党积极分子培养考察");
    expect(html).toContain("您自 2026-06-01 起为入党积极分子");
    expect(html).toContain("满 1 年（2027-06-01）后，党支部方可研究是否列为发展对象");
    expect(html).toContain("第十三条");
    expect(html).toContain("您还没有编入培训班");
    expect(html).not.toContain("年学时要求");
  });

  it("moved from /account/hours, and the home page points there", async () => {
    const c = await as("M001");
    const old = await c.get("/account/hours?year=2025");
    expect(old.status).toBe(301);
    expect(old.location).toBe("/hours?year=2025");
    expect((await c.get("/")).text).toContain('href="/hours"');
  });
});

describe("pipeline gates", () => {
  it("refuses 发展对象 → 预备党员 without the training hours, naming required, present, missing and the article", async () => {
    const c = await as("S001");
    const res = await c.post(`/manage/people/${ids.target}`, {
      intent: "status",
      toStatus: "probationary",
      effectiveOn: "2026-10-01",
      gateOverride: "书记想越过",
    });
    expect(res.status).toBe(400);
    expect(text(res.text)).toContain(
      "发展对象集中培训须不少于 24 学时（《中国共产党发展党员工作细则》（2014）第十七条），自 2025-09-01 成为发展对象以来计入的学时为 10，还差 14 学时，暂不能接收为预备党员",
    );
    expect(changes(ids.target)).toHaveLength(2);
    // The person page says so before anyone tries; a secretary sees no override field.
    const page = text((await c.get(`/manage/people/${ids.target}`)).text);
    expect(page).toMatch(/data-testid="admission-progress">[^<]*计入的学时为 10，还差 14 学时/);
    expect(page).not.toContain('name="gateOverride"');
  });

  it("lets an admin record it with a written reason, stored with the change and audit-logged", async () => {
    const c = await as("A001");
    expect((await c.get(`/manage/people/${ids.target}`)).text).toContain('name="gateOverride"');
    const noReason = await c.post(`/manage/people/${ids.target}`, { intent: "status", toStatus: "probationary", effectiveOn: "2026-10-01" });
    expect(noReason.status).toBe(400);
    expect(text(noReason.text)).toContain("如确需记录，请填写越过学时要求的理由");
    expect(changes(ids.target)).toHaveLength(2);

    const ok = await c.post(`/manage/people/${ids.target}`, {
      intent: "status",
      toStatus: "probationary",
      effectiveOn: "2026-10-01",
      gateOverride: "已在外校党校完成培训，证明存档",
    });
    expect(ok.status).toBe(200);
    expect(text(ok.text)).toContain("已越过学时要求，理由已记录");
    expect(changes(ids.target).at(-1)).toEqual({ fromStatus: "target", toStatus: "probationary", gateOverride: "已在外校党校完成培训，证明存档" });
    const logged = audits("person.gate_override");
    expect(logged).toHaveLength(1);
    expect(logged[0].targetId).toBe(String(ids.target));
    expect(JSON.parse(logged[0].detail)).toMatchObject({ reason: "已在外校党校完成培训，证明存档", fromStatus: "target", toStatus: "probationary" });
    expect(text((await c.get(`/manage/people/${ids.target}`)).text)).toContain("越过学时要求：已在外校党校完成培训，证明存档");
  });

  it("admits a development target with the training hours, storing no override", async () => {
    const c = await as("S001");
    const res = await c.post(`/manage/people/${ids.ready}`, { intent: "status", toStatus: "probationary", effectiveOn: "2026-10-01", gateOverride: "不需要" });
    expect(res.status).toBe(200);
    expect(changes(ids.ready).at(-1)).toEqual({ fromStatus: "target", toStatus: "probationary", gateOverride: null });
  });

  it("warns, but records, 入党积极分子 → 发展对象 before a year as activist", async () => {
    const c = await as("S001");
    const res = await c.post(`/manage/people/${ids.newActivist}`, { intent: "status", toStatus: "target", effectiveOn: "2026-10-01" });
    expect(res.status).toBe(200);
    expect(text(res.text)).toContain(
      "该同志 2026-06-01 成为入党积极分子，至 2026-10-01 仅 4 个月，不足《中国共产党发展党员工作细则》（2014）第十三条要求的 1 年培养考察期",
    );
    expect(changes(ids.newActivist).at(-1)).toMatchObject({ fromStatus: "activist", toStatus: "target" });

    const ok = await c.post(`/manage/people/${ids.oldActivist}`, { intent: "status", toStatus: "target", effectiveOn: "2026-10-01" });
    expect(ok.status).toBe(200);
    expect(ok.text).not.toContain('data-testid="status-warning"');
  });
});

describe("the rules page", () => {
  it("is for admins: the packs, their articles and the pack in force", async () => {
    expect((await (await as("S001")).get("/manage/rules")).status).toBe(403);
    const res = await (await as("A001")).get("/manage/rules");
    expect(res.status).toBe(200);
    const html = text(res.text);
    expect(html).toContain("执行中");
    expect(html).toContain("《中国共产党党员教育管理工作条例》（2019）第二十条");
    expect(html).toContain("《干部教育培训工作条例》（2023）第十四条");
    expect(html).toContain("从未更换，执行系统默认规则包");
  });

  it("overrides a requirement with a reason, shows it in the history and on My hours, and restores it", async () => {
    const admin = await as("A001");
    const noReason = await admin.post("/manage/rules", { intent: "override", pack: "cpc-2019", requirement: "member-annual", hours: "40", reason: "" });
    expect(noReason.status).toBe(400);
    expect(text(noReason.text)).toContain("请填写理由");
    const bad = await admin.post("/manage/rules", { intent: "override", pack: "cpc-2019", requirement: "member-annual", hours: "-3", reason: "理由理由" });
    expect(bad.status).toBe(400);
    expect(text(bad.text)).toContain("学时须为数字，如 2 或 0.5（最多两位小数）");
    // Number("0x10") is 16: a hexadecimal, an exponent or padded text is not a number of 学时.
    for (const hours of ["0x10", "1e1", " 16 ", "16abc"]) {
      const odd = await admin.post("/manage/rules", { intent: "override", pack: "cpc-2019", requirement: "member-annual", hours, reason: "理由理由" });
      expect(odd.status, hours).toBe(400);
      expect(text(odd.text)).toContain("学时须为数字");
    }
    const zero = await admin.post("/manage/rules", { intent: "override", pack: "cpc-2019", requirement: "member-annual", hours: "0", reason: "理由理由" });
    expect(text(zero.text)).toContain("学时必须大于 0");

    const ok = await admin.post("/manage/rules", {
      intent: "override",
      pack: "cpc-2019",
      requirement: "member-annual",
      hours: "40",
      reason: "校党委常委会决定",
    });
    expect(ok.status).toBe(200);
    const page = plain((await admin.get("/manage/rules")).text);
    expect(page).toContain("本校调整，规则包原定 32");
    expect(page).toMatch(/管理员 将 cpc-2019 的“党员年度集中学习培训”调整为 40 学时：校党委常委会决定/);
    expect(text((await (await as("M001")).get("/hours?year=2026")).text)).toContain("本校调整：规则包原定 32 学时，现为 40 学时");

    expect((await admin.post("/manage/rules", { intent: "restore", pack: "cpc-2019", requirement: "member-annual", reason: "恢复原定" })).status).toBe(200);
    expect(text((await (await as("M001")).get("/hours?year=2026")).text)).toContain("全年为正式党员，须完成 32 学时");
    expect(audits("rules.override")).toHaveLength(1);
    expect(audits("rules.restore")).toHaveLength(1);
  });

  it("refuses a change from a secretary and an unknown pack", async () => {
    expect((await (await as("S001")).post("/manage/rules", { intent: "choose", pack: "cpc-2019", reason: "想换" })).status).toBe(403);
    const res = await (await as("A001")).post("/manage/rules", { intent: "choose", pack: "nope", reason: "试试" });
    expect(res.status).toBe(400);
    expect(text(res.text)).toContain("所选规则包不存在");
  });
});
