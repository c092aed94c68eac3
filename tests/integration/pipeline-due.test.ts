import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, addMonths } from "~/lib/pipeline/engine";
import { todayInChina } from "~/lib/dates";
import { storedTimestamp } from "~/lib/timestamp";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// /manage/pipeline: who is due for what this month and what is overdue, over the caller's subtree only,
// each row with the rule it comes from, and its Excel export.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const today = new Date(`${todayInChina()}T00:00:00Z`);
// An application whose one-month talk falls due between today and the end of this month (the latest
// such day of application; on a 31st after a 30-day month there is none, and the day before is used,
// whose talk is then overdue), and one long overdue.
const lastOfMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 0));
const candidates = Array.from({ length: 62 }, (_, k) => addDays(today, -k)).filter((d) => addMonths(d, 1) >= today && addMonths(d, 1) <= lastOfMonth);
const dueThisMonth = candidates[0] ?? addDays(today, -1);
const dueState = candidates.length ? "本月到期" : "已逾期";

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "待办大学党委", kind: "committee" });
  const arts = f.unit({ name: "艺术学院党委", kind: "college", parent: root });
  const a1 = f.unit({ name: "艺术学院第一党支部", kind: "branch", branchType: "student", parent: arts });
  const a2 = f.unit({ name: "艺术学院第二党支部", kind: "branch", branchType: "student", parent: arts });
  const law = f.unit({ name: "法学院党委", kind: "college", parent: root });
  const l1 = f.unit({ name: "法学院党支部", kind: "branch", branchType: "student", parent: law });
  const account = async (key: string, unitId: number) => {
    ids[key] = f.person({ number: key, name: `书记${key}`, unitId, politicalStatus: "member", category: "staff" });
    f.grant(ids[key], "secretary", unitId);
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await account("ARTS", arts.id);
  await account("A1SEC", a1.id);
  await account("ROOT", root.id);
  Object.assign(ids, { arts: arts.id, law: law.id, a1: a1.id });
  const applicant = (number: string, name: string, unitId: number, applied: Date) => {
    const id = f.person({ number, name, unitId, politicalStatus: "applicant" });
    f.db
      .prepare(
        `INSERT INTO PipelineRecord (personId, pack, packVersion, step, happenedOn, birthDate, recordedById, recordedAt, activeKey) VALUES (?, 'cpc-2014', 1, 'apply', ?, ?, ?, ?, ?)`,
      )
      .run(id, storedTimestamp(applied), storedTimestamp(new Date("2000-01-01T00:00:00Z")), ids.ARTS, storedTimestamp(new Date()), `${id}:apply`);
    return id;
  };
  ids.overdue = applicant("2025110001", "逾期甲", a1.id, addMonths(today, -3));
  ids.due = applicant("2025110002", "本月乙", a2.id, dueThisMonth);
  ids.other = applicant("2025110003", "法学丙", l1.id, addMonths(today, -3));

  // An activist named eight months ago whose branch has not recorded the half-yearly 考察 since.
  const history = f.unit({ name: "历史学院党委", kind: "college", parent: root });
  const h1 = f.unit({ name: "历史学院党支部", kind: "branch", branchType: "student", parent: history });
  ids.history = history.id;
  const named = addMonths(today, -8);
  const activist = f.person({ number: "2025110004", name: "考察丁", unitId: h1.id, politicalStatus: "activist", statusSince: named });
  const record = f.db.prepare(
    `INSERT INTO PipelineRecord (personId, pack, packVersion, step, happenedOn, birthDate, recordedById, recordedAt, activeKey) VALUES (?, 'cpc-2014', 1, ?, ?, ?, ?, ?, ?)`,
  );
  for (const [step, on] of [
    ["apply", addMonths(today, -10)],
    ["apply-talk", addDays(addMonths(today, -10), 20)],
    ["recommend", named],
  ] as const) {
    const birth = step === "apply" ? storedTimestamp(new Date("2000-01-01T00:00:00Z")) : null;
    record.run(activist, step, storedTimestamp(on), birth, ids.ROOT, storedTimestamp(new Date()), `${activist}:${step}`);
  }
});
afterAll(() => server?.stop());

describe("/manage/pipeline", () => {
  it("shows a college secretary the overdue and this month's steps of the college only, each with its rule", async () => {
    const res = await clients.ARTS.get("/manage/pipeline");
    expect(res.status).toBe(200);
    expect(res.text).toContain("逾期甲");
    expect(res.text).toContain("党组织派人谈话 · 已逾期");
    expect(res.text).toContain("《细则》第七条 党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话");
    expect(res.text).toContain("本月乙");
    expect(res.text).toContain(`党组织派人谈话 · ${dueState}`);
    expect(res.text).not.toContain("法学丙");
    expect(res.text).toContain("艺术学院第二党支部");
  });

  it("shows an activist's half-yearly 考察 overdue six months after she was named, with 第十一条", async () => {
    const res = await clients.ROOT.get(`/manage/pipeline?unitId=${ids.history}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain("考察丁");
    expect(res.text).toContain("培养教育考察 · 已逾期");
    expect(res.text).toContain("《细则》第十一条 党支部每半年对入党积极分子进行一次考察");
  });

  it("shows a branch secretary their branch only", async () => {
    const res = await clients.A1SEC.get("/manage/pipeline");
    expect(res.text).toContain("逾期甲");
    expect(res.text).not.toContain("本月乙");
    expect(res.text).not.toContain("法学丙");
  });

  it("exports the same rows to Excel and audits the export", async () => {
    const file = await clients.ARTS.download("/manage/pipeline.xlsx");
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(file.bytes.subarray(0, 2).toString()).toBe("PK");
    const logged = server.factory.db.prepare("SELECT detail FROM AuditLog WHERE action = 'pipeline.export'").all() as { detail: string }[];
    expect(logged.map((l) => JSON.parse(l.detail))).toEqual([{ rows: 2 }]);
  });

  it("narrows the whole school's list to one college, the workbook with it; a unit outside the caller's scope is refused", async () => {
    const all = await clients.ROOT.get("/manage/pipeline");
    expect(all.text).toContain("法学丙");
    expect(all.text).toContain("逾期甲");
    expect(all.text).toMatch(/<option value="\d+">艺术学院党委<\/option>/);
    const arts = await clients.ROOT.get(`/manage/pipeline?unitId=${ids.arts}`);
    expect(arts.status).toBe(200);
    expect(arts.text).toContain("艺术学院党委 · 截至");
    expect(arts.text).toContain("逾期甲");
    expect(arts.text).not.toContain("法学丙");
    expect(arts.text).toContain(`href="/manage/pipeline.xlsx?unitId=${ids.arts}"`);
    const file = await clients.ROOT.download(`/manage/pipeline.xlsx?unitId=${ids.law}`);
    expect(file.status).toBe(200);
    expect(decodeURIComponent(file.headers.get("content-disposition")!)).toContain(`发展党员待办-法学院党委-${todayInChina()}.xlsx`);
    const logged = server.factory.db.prepare("SELECT detail FROM AuditLog WHERE action = 'pipeline.export' ORDER BY id DESC LIMIT 1").get() as {
      detail: string;
    };
    expect(JSON.parse(logged.detail)).toEqual({ rows: 1, unitId: ids.law });

    expect((await clients.ARTS.get(`/manage/pipeline?unitId=${ids.law}`)).status).toBe(403);
    expect((await clients.A1SEC.download(`/manage/pipeline.xlsx?unitId=${ids.arts}`)).status).toBe(403);
    expect((await clients.ROOT.get("/manage/pipeline?unitId=abc")).status).toBe(400);
  });
});
