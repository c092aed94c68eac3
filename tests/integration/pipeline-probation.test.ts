import { readSheet } from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedTimestamp } from "~/lib/timestamp";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// The three outcomes of the 预备期 (党章第七条) through the real server: at the end of the 预备期 the
// branch meeting decides 延长预备期 (with its length, at most a year) and the college approves it, the
// 转正 then waits for the end of the extended period and 党龄 counts from it; another probationary
// member is turned on time, a third has the 预备党员资格 cancelled (the status goes back to 群众); the
// reports page and the 发展党员统计 workbook tell the three apart.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const YEAR = 2026;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "预备期大学党委", kind: "committee" });
  const college = f.unit({ name: "丙学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "丙学院学生党支部", kind: "branch", branchType: "student", parent: college });
  Object.assign(ids, { root: root.id, college: college.id, branch: branch.id });
  const account = async (key: string, unitId: number) => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: "member", category: "staff" });
    f.grant(ids[key], "secretary", unitId);
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await account("BSEC", branch.id);
  await account("CSEC", college.id);
  // Three probationary members admitted on 2025-06-02, their files back-filled up to the 转正申请.
  const record = f.db.prepare(
    `INSERT INTO "PipelineRecord" ("personId", "pack", "packVersion", "step", "happenedOn", "birthDate", "recordedById", "recordedAt", "activeKey")
     VALUES (?, 'cpc-2014', 1, ?, ?, ?, ?, ?, ?)`,
  );
  const admitted: Record<string, string> = {
    apply: "2023-01-02",
    "apply-talk": "2023-01-20",
    recommend: "2023-03-01",
    "activist-filing": "2023-03-10",
    "target-decide": "2024-03-05",
    "target-filing": "2024-03-10",
    sponsors: "2024-03-10",
    "political-review": "2024-04-01",
    training: "2024-04-20",
    "committee-review": "2025-05-06",
    "pre-review": "2025-05-12",
    "application-form": "2025-05-20",
    "admit-meeting": "2025-06-02",
    "approval-talk": "2025-06-10",
    "admit-approve": "2025-07-01",
    "turn-apply": "2026-05-20",
  };
  for (const key of ["E1", "E2", "E3"]) {
    ids[key] = f.person({ number: key, name: `预备${key}`, unitId: branch.id, politicalStatus: "probationary", statusSince: new Date("2025-06-02T00:00:00Z") });
    for (const [step, day] of Object.entries(admitted))
      record.run(
        ids[key],
        step,
        storedTimestamp(new Date(`${day}T00:00:00Z`)),
        step === "apply" ? storedTimestamp(new Date("2000-01-01T00:00:00Z")) : null,
        ids.BSEC,
        storedTimestamp(new Date()),
        `${ids[key]}:${step}`,
      );
  }
});
afterAll(() => server?.stop());

const record = (who: string, key: string, step: string, happenedOn: string, extra: Record<string, string> = {}) =>
  clients[who].post(`/manage/people/${ids[key]}/file`, { intent: "record", step, happenedOn, ...extra });
const status = (key: string) =>
  server.factory.db.prepare("SELECT politicalStatus, statusSince FROM Person WHERE id = ?").get(ids[key]) as { politicalStatus: string; statusSince: string };
const alert = (html: string) => html.match(/role="alert"[^>]*>([^<]+)/)?.[1];
async function ok(who: string, key: string, step: string, day: string, extra: Record<string, string> = {}) {
  const res = await record(who, key, step, day, extra);
  expect(res.status, `${key} ${step} on ${day}: ${alert(res.text)}`).toBe(200);
  return res;
}

describe("延长预备期", () => {
  it("is refused beyond one year, naming 党章第七条, and without a length; nothing is written", async () => {
    const long = await record("BSEC", "E1", "extend-meeting", "2026-06-02", { months: "13" });
    expect(long.status).toBe(400);
    expect(long.text).toContain("不能超过 12 个月：《中国共产党章程》第七条 预备党员需要继续考察和教育的，可以延长预备期，但不能超过一年");
    const none = await record("BSEC", "E1", "extend-meeting", "2026-06-02");
    expect(none.status).toBe(400);
    expect(none.text).toContain("请填写月数：《中国共产党章程》第七条");
    const early = await record("BSEC", "E1", "extend-meeting", "2026-06-01", { months: "3" });
    expect(early.status).toBe(400);
    expect(early.text).toContain("不能早于 2026-06-02：《细则》第三十二条");
    const count = server.factory.db.prepare("SELECT COUNT(*) AS n FROM PipelineRecord WHERE personId = ? AND step = 'extend-meeting'").get(ids.E1);
    expect(count).toEqual({ n: 0 });
  });

  it("is recorded with its length; the 转正 waits for the college's approval, then for the end of the extended 预备期", async () => {
    await ok("BSEC", "E1", "extend-meeting", "2026-06-02", { months: "3" });
    const stored = server.factory.db.prepare("SELECT months FROM PipelineRecord WHERE personId = ? AND step = 'extend-meeting'").get(ids.E1);
    expect(stored).toEqual({ months: 3 });
    const waiting = await record("BSEC", "E1", "turn-meeting", "2026-09-02");
    expect(waiting.status).toBe(400);
    expect(waiting.text).toContain("须待「上级党委审批延长预备期」记录后方可记录「支部大会讨论」：《中国共产党章程》第七条");
    // The branch does not approve its own extension.
    expect((await record("BSEC", "E1", "extend-approve", "2026-06-20")).status).toBe(403);
    await ok("CSEC", "E1", "extend-approve", "2026-06-20");

    const page = (await clients.BSEC.get(`/manage/people/${ids.E1}/file`)).text;
    expect(page).toContain("延长 3 个月");
    const early = await record("BSEC", "E1", "turn-meeting", "2026-09-01");
    expect(early.status).toBe(400);
    expect(early.text).toContain("不能早于 2026-09-02：《细则》第三十二条");
    expect(early.text).toContain("另延长 3 个月");
    expect(status("E1").politicalStatus).toBe("probationary");

    await ok("BSEC", "E1", "turn-meeting", "2026-09-02");
    await ok("CSEC", "E1", "turn-approve", "2026-09-20");
    // 党龄 from the end of the extended 预备期.
    expect(status("E1")).toEqual({ politicalStatus: "member", statusSince: "2026-09-02T00:00:00.000+00:00" });
  });

  it("can no longer be decided once the 转正 meeting is held", async () => {
    await ok("BSEC", "E2", "turn-meeting", "2026-06-02");
    const closed = await record("BSEC", "E2", "extend-meeting", "2026-06-03", { months: "6" });
    expect(closed.status).toBe(400);
    expect(closed.text).toContain("「支部大会讨论」已于 2026-06-02 记录，不能再记录「支部大会讨论延长预备期」");
    await ok("CSEC", "E2", "turn-approve", "2026-06-10");
    expect(status("E2")).toEqual({ politicalStatus: "member", statusSince: "2026-06-02T00:00:00.000+00:00" });
  });

  it("moves the 转正's status date when the 支部大会 it counts from is corrected (党龄 from the end of the 预备期)", async () => {
    const meeting = server.factory.db
      .prepare("SELECT id FROM PipelineRecord WHERE personId = ? AND step = 'admit-meeting' AND supersededAt IS NULL")
      .get(ids.E2) as { id: number };
    const res = await clients.BSEC.post(`/manage/people/${ids.E2}/file`, {
      intent: "correct",
      recordId: String(meeting.id),
      happenedOn: "2025-05-30",
      reason: "按支部大会会议记录更正",
    });
    expect(res.status, alert(res.text)).toBe(200);
    expect(status("E2")).toEqual({ politicalStatus: "member", statusSince: "2026-05-30T00:00:00.000+00:00" });
    const change = server.factory.db.prepare("SELECT toStatus, effectiveOn FROM StatusChange WHERE personId = ?").all(ids.E2);
    expect(change).toEqual([{ toStatus: "member", effectiveOn: "2026-05-30T00:00:00.000+00:00" }]);
  });
});

describe("取消预备党员资格", () => {
  it("closes the 转正 and, once approved, sets the status back to 群众 through the status history", async () => {
    await ok("BSEC", "E3", "cancel-meeting", "2026-06-05");
    const turn = await record("BSEC", "E3", "turn-meeting", "2026-06-06");
    expect(turn.status).toBe(400);
    const approved = await ok("CSEC", "E3", "cancel-approve", "2026-06-15");
    expect(approved.text).toContain("政治面貌已更新为“群众”");
    expect(status("E3")).toEqual({ politicalStatus: "masses", statusSince: "2026-06-15T00:00:00.000+00:00" });
    const change = server.factory.db.prepare("SELECT fromStatus, toStatus FROM StatusChange WHERE personId = ?").all(ids.E3);
    expect(change).toEqual([{ fromStatus: "probationary", toStatus: "masses" }]);
  });
});

describe("the statistics tell 按期转正 from 延长预备期 and 取消", () => {
  it("counts each outcome per branch and college in the workbook", async () => {
    const file = await clients.CSEC.download(`/manage/reports/pipeline.xlsx?unitId=${ids.college}&year=${YEAR}`);
    expect(file.status).toBe(200);
    const branches = await readSheet(file.bytes, "按党支部");
    const header = branches[0] as string[];
    const cell = (row: unknown[], title: string) => row[header.indexOf(title)];
    expect(header).toEqual(
      expect.arrayContaining([`${YEAR}年新转为正式党员`, `${YEAR}年按期转正`, `${YEAR}年延长预备期后转正`, `${YEAR}年延长预备期`, `${YEAR}年取消预备党员资格`]),
    );
    const row = branches.find((r) => r[1] === "丙学院学生党支部")!;
    expect(
      [`${YEAR}年新转为正式党员`, `${YEAR}年按期转正`, `${YEAR}年延长预备期后转正`, `${YEAR}年延长预备期`, `${YEAR}年取消预备党员资格`].map((t) =>
        cell(row, t),
      ),
    ).toEqual([2, 1, 1, 1, 1]);
    const colleges = await readSheet(file.bytes, "按院系");
    const collegeRow = colleges.find((r) => r[0] === "丙学院党委")!;
    const collegeHeader = colleges[0] as string[];
    expect(
      [`${YEAR}年按期转正`, `${YEAR}年延长预备期后转正`, `${YEAR}年延长预备期`, `${YEAR}年取消预备党员资格`].map((t) => collegeRow[collegeHeader.indexOf(t)]),
    ).toEqual([1, 1, 1, 1]);
    // The year before holds none of them.
    const before = await readSheet((await clients.CSEC.download(`/manage/reports/pipeline.xlsx?unitId=${ids.college}&year=${YEAR - 1}`)).bytes, "按院系");
    expect(before.find((r) => r[0] === "丙学院党委")?.[before[0].indexOf(`${YEAR - 1}年按期转正`)] ?? 0).toBe(0);
  });

  it("shows the outcomes per college on the reports page", async () => {
    const res = await clients.CSEC.get(`/manage/reports?unitId=${ids.college}&year=${YEAR}`);
    expect(res.status).toBe(200);
    const row = res.text.match(/<tr[^>]*data-testid="pipeline-college"[^>]*>(.*?)<\/tr>/s)![1];
    const outcomes = Object.fromEntries([...row.matchAll(/data-outcome="([^"]+)"[^>]*>(\d+)</g)].map((m) => [m[1], Number(m[2])]));
    expect(outcomes).toEqual({ "turn-on-time": 1, "turn-extended": 1, "extend-approve": 1, "cancel-approve": 1 });
  });
});
