import { readSheet } from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedTimestamp } from "~/lib/timestamp";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The reports page's pipeline view and the 组织部's 发展党员 statistics against the real server: people
// per stage per college, the median days between stage steps on a small known file set, the workbook's
// cells, and scope (a college secretary sees their college only).

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const YEAR = 2025;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "统计大学党委", kind: "committee" });
  const jia = f.unit({ name: "甲学院党委", kind: "college", parent: root });
  const jia1 = f.unit({ name: "甲学院第一党支部", kind: "branch", branchType: "student", parent: jia });
  const jia2 = f.unit({ name: "甲学院第二党支部", kind: "branch", branchType: "student", parent: jia });
  const yi = f.unit({ name: "乙学院党委", kind: "college", parent: root });
  const yi1 = f.unit({ name: "乙学院党支部", kind: "branch", branchType: "student", parent: yi });
  Object.assign(ids, { root: root.id, jia: jia.id, yi: yi.id });
  const account = async (key: string, unitId: number, role: "secretary" | null) => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: "member", category: "staff" });
    if (role) f.grant(ids[key], role, unitId);
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await account("ROOT", root.id, "secretary");
  await account("JIA", jia.id, "secretary");
  await account("MEMBER", jia1.id, null);
  const record = f.db.prepare(
    `INSERT INTO "PipelineRecord" ("personId", "pack", "packVersion", "step", "happenedOn", "birthDate", "recordedById", "recordedAt", "activeKey") VALUES (?, 'cpc-2014', 1, ?, ?, ?, ?, ?, ?)`,
  );
  const person = (number: string, unitId: number, status: string, steps: Record<string, string>) => {
    const id = f.person({ number, name: `发展${number}`, unitId, politicalStatus: status });
    for (const [step, day] of Object.entries(steps))
      record.run(
        id,
        step,
        storedTimestamp(new Date(`${day}T00:00:00Z`)),
        step === "apply" ? storedTimestamp(new Date("2000-01-01T00:00:00Z")) : null,
        ids.ROOT,
        storedTimestamp(new Date()),
        `${id}:${step}`,
      );
    return id;
  };
  // 甲学院第一党支部: an applicant of 2025, an activist (92 days from application), a target (60, then 369 days).
  person("A1", jia1.id, "applicant", { apply: "2025-01-10" });
  person("A2", jia1.id, "activist", { apply: "2024-03-01", recommend: "2024-06-01" });
  person("A3", jia1.id, "target", { apply: "2024-01-01", recommend: "2024-03-01", "target-decide": "2025-03-05" });
  // 甲学院第二党支部: an activist of 2025 (60 days), a probationary member (90, 396, 396 days).
  person("B1", jia2.id, "activist", { apply: "2025-01-01", recommend: "2025-03-02" });
  person("B2", jia2.id, "probationary", { apply: "2023-01-01", recommend: "2023-04-01", "target-decide": "2024-05-01", "admit-meeting": "2025-06-01" });
  // 乙学院: an applicant without a file, a target whose application was 10 days before becoming activist.
  person("C1", yi1.id, "applicant", {});
  person("C2", yi1.id, "target", { apply: "2024-01-01", recommend: "2024-01-11" });
});
afterAll(() => server?.stop());

/** The text of each cell of the rows marked `testId` in a page. */
function rows(html: string, testId: string): string[][] {
  return [...html.matchAll(new RegExp(`<tr[^>]*data-testid="${testId}"[^>]*>(.*?)</tr>`, "gs"))].map((m) =>
    [...m[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) => c[1].replace(/<[^>]+>/g, "").trim()),
  );
}

describe("reports page: the pipeline view", () => {
  it("counts the people at each stage per college and the median days between stage steps, over the whole school", async () => {
    const res = await clients.ROOT.get(`/manage/reports?unitId=${ids.root}&year=${YEAR}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain("发展党员情况");
    expect(rows(res.text, "pipeline-college")).toEqual([
      ["甲学院党委", "1", "2", "1", "1", "0", "0", "0", "0"],
      ["乙学院党委", "1", "0", "1", "0", "0", "0", "0", "0"],
      ["合计", "2", "2", "2", "1", "0", "0", "0", "0"],
    ]);
    // 申请 → 积极分子: 10, 60, 60, 90, 92 days; 积极分子 → 发展对象: 369, 396; 发展对象 → 预备党员: 396.
    expect(rows(res.text, "pipeline-transition")).toEqual([
      ["递交入党申请书 → 确定为入党积极分子", "5", "60 天"],
      ["确定为入党积极分子 → 确定为发展对象", "2", "382.5 天"],
      ["确定为发展对象 → 接收为预备党员", "1", "396 天"],
      ["接收为预备党员 → 转为正式党员", "0", "—"],
    ]);
  });

  it("shows a college secretary their college only, and refuses another college", async () => {
    const res = await clients.JIA.get(`/manage/reports?unitId=${ids.jia}&year=${YEAR}`);
    expect(res.status).toBe(200);
    expect(rows(res.text, "pipeline-college")).toEqual([
      ["甲学院党委", "1", "2", "1", "1", "0", "0", "0", "0"],
      ["合计", "1", "2", "1", "1", "0", "0", "0", "0"],
    ]);
    expect(rows(res.text, "pipeline-transition")[0]).toEqual(["递交入党申请书 → 确定为入党积极分子", "4", "75 天"]);
    expect(res.text).not.toContain("乙学院");
    expect((await clients.JIA.get(`/manage/reports?unitId=${ids.yi}&year=${YEAR}`)).status).toBe(403);
    expect((await clients.JIA.download(`/manage/reports/pipeline.xlsx?unitId=${ids.root}&year=${YEAR}`)).status).toBe(403);
    expect((await clients.MEMBER.download(`/manage/reports/pipeline.xlsx?unitId=${ids.jia}&year=${YEAR}`)).status).toBe(403);
  });
});

describe("the 发展党员 statistics workbook", () => {
  it("holds per branch and per college the stages, the steps recorded in the year and the overdue steps; audited", async () => {
    const file = await clients.JIA.download(`/manage/reports/pipeline.xlsx?unitId=${ids.jia}&year=${YEAR}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toContain("spreadsheetml");
    const branches = await readSheet(file.bytes, "按党支部");
    expect(branches[0]).toEqual([
      "院系",
      "党支部",
      "入党申请人（人）",
      "入党积极分子（人）",
      "发展对象（人）",
      "预备党员（人）",
      "2025年新递交入党申请书",
      "2025年新确定入党积极分子",
      "2025年新确定发展对象",
      "2025年新接收预备党员",
      "2025年新转为正式党员",
      "2025年按期转正",
      "2025年延长预备期后转正",
      "2025年延长预备期",
      "2025年取消预备党员资格",
      "逾期步骤（项）",
    ]);
    const body = branches.slice(1);
    expect(body.map((r) => r.slice(0, 11))).toEqual([
      ["甲学院党委", "甲学院第一党支部", 1, 1, 1, 0, 1, 0, 1, 0, 0],
      ["甲学院党委", "甲学院第二党支部", 0, 1, 0, 1, 1, 1, 0, 1, 0],
      ["合计", null, 1, 2, 1, 1, 2, 1, 1, 1, 0],
    ]);
    // The overdue steps are the due list's: the same count as the dashboard shows the secretary today.
    const dashboard = await clients.JIA.get("/manage/pipeline");
    const overdueOnDashboard = dashboard.text.split(" · 已逾期").length - 1;
    expect(overdueOnDashboard).toBeGreaterThan(0);
    expect(body.at(-1)![15]).toBe(overdueOnDashboard);
    expect((body[0][15] as number) + (body[1][15] as number)).toBe(overdueOnDashboard);
    const colleges = await readSheet(file.bytes, "按院系");
    expect(colleges.slice(1).map((r) => r.slice(0, 6))).toEqual([
      ["甲学院党委", 1, 2, 1, 1, 2],
      ["合计", 1, 2, 1, 1, 2],
    ]);
    const times = await readSheet(file.bytes, "发展用时");
    expect(times[1]).toEqual(["递交入党申请书 → 确定为入党积极分子", 4, 75]);
    // Counts only: no person's name or number is written.
    expect(JSON.stringify([branches, colleges, times])).not.toMatch(/发展A1|A1/);
    const logged = server.factory.db
      .prepare(`SELECT "actorId", "targetId" FROM "AuditLog" WHERE "action" = 'pipeline.export' AND "targetKind" = 'pipeline-statistics'`)
      .all();
    expect(logged).toEqual([{ actorId: ids.JIA, targetId: String(ids.jia) }]);
  });
});

describe("the due list", () => {
  it("lists the quarterly 思想汇报 of activists and targets with its rule, not of applicants", async () => {
    const res = await clients.JIA.get("/manage/pipeline");
    expect(res.status).toBe(200);
    // Each row of the list as its text: the person, then the item and its state, then the rule.
    const items = [...res.text.matchAll(/<li[^>]*>(.*?)<\/li>/gs)].map((m) => m[1].replace(/<[^>]+>/g, " ").replace(/\s+/g, " "));
    const reportsOf = (name: string) => items.filter((t) => t.includes(name) && t.includes("思想汇报（"));
    // A2, activist since 2024, has handed in nothing: last quarter's report is overdue, with its rule.
    expect(reportsOf("发展A2").some((t) => /思想汇报（\d{4} 年第 \d 季度） · 已逾期/.test(t))).toBe(true);
    expect(reportsOf("发展A2")[0]).toContain("本校规定：入党积极分子、发展对象每季度向党组织提交一份思想汇报");
    // The target A3 as well; the applicant A1 and the probationary B2 are not asked.
    expect(reportsOf("发展A3").length).toBeGreaterThan(0);
    expect(reportsOf("发展A1")).toEqual([]);
    expect(reportsOf("发展B2")).toEqual([]);
  });
});
