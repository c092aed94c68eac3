import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";

// The development file through the real server: a branch secretary records an applicant's steps from
// 申请 to 转正 on /manage/people/:id/file; every timing rule of the pack refuses too early a step with its
// article, order is enforced, late steps are accepted and shown, status-setting steps change the
// person's status (and the training-hours gate still refuses an under-trained 发展对象), corrections
// keep their history, back-filled steps are marked, documents are checked by their bytes, and a
// secretary of another branch can neither read nor record the file.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const dataDir = path.join(TMP, `pipeline-data-${process.pid}-${Date.now()}`);
const PNG = new Uint8Array(fs.readFileSync(path.resolve(import.meta.dirname, "../fixtures/media/tiny.png")));

beforeAll(async () => {
  server = await startTestServer({ env: { DATA_DIR: dataDir } });
  const f = server.factory;
  const root = f.unit({ name: "档案大学党委", kind: "committee" });
  const college = f.unit({ name: "文学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "文学院本科生第一党支部", kind: "branch", branchType: "student", parent: college });
  const other = f.unit({ name: "文学院本科生第二党支部", kind: "branch", branchType: "student", parent: college });
  Object.assign(ids, { root: root.id, college: college.id, branch: branch.id, other: other.id });
  const account = async (key: string, unitId: number, status = "member") => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: status, category: "staff" });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await account("BSEC", branch.id);
  f.grant(ids.BSEC, "secretary", branch.id);
  await account("OSEC", other.id);
  f.grant(ids.OSEC, "secretary", other.id);
  await account("CSEC", college.id);
  f.grant(ids.CSEC, "secretary", college.id);
  await account("ADMIN", root.id);
  f.grant(ids.ADMIN, "admin", root.id);
  ids.applicant = f.person({ number: "2024010001", name: "林申请", unitId: branch.id, politicalStatus: "masses" });
  ids.imported = f.person({
    number: "2024010002",
    name: "韩发展",
    unitId: branch.id,
    politicalStatus: "target",
    statusSince: new Date("2025-09-01T00:00:00Z"),
  });
  ids.m1 = f.person({ number: "M0001", name: "党员甲", unitId: branch.id, politicalStatus: "member" });
  ids.p1 = f.person({ number: "P0001", name: "预备乙", unitId: branch.id, politicalStatus: "probationary" });
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const fileUrl = (key = "applicant") => `/manage/people/${ids[key]}/file`;
const record = (who: string, step: string, happenedOn: string, extra: Record<string, string> = {}, key = "applicant") =>
  clients[who].post(fileUrl(key), { intent: "record", step, happenedOn, ...extra });
const status = (key = "applicant") =>
  server.factory.db.prepare("SELECT politicalStatus, statusSince FROM Person WHERE id = ?").get(ids[key]) as {
    politicalStatus: string;
    statusSince: string | null;
  };
const rows = (key = "applicant") =>
  server.factory.db
    .prepare("SELECT id, step, happenedOn, late, backfilled, supersededAt, correctsId, correctionReason FROM PipelineRecord WHERE personId = ? ORDER BY id")
    .all(ids[key]) as {
    id: number;
    step: string;
    happenedOn: string;
    late: string | null;
    backfilled: number;
    supersededAt: string | null;
    correctsId: number | null;
    correctionReason: string | null;
  }[];
const steps = (key = "applicant") =>
  rows(key)
    .filter((r) => r.supersededAt === null)
    .map((r) => r.step);

/** Records steps that must succeed, in order. */
async function recordAll(list: [who: string, step: string, day: string][]) {
  for (const [who, step, day] of list) {
    const res = await record(who, step, day);
    expect(res.status, `${step} on ${day}: ${res.text.match(/role="alert"[^>]*>([^<]+)/)?.[1]}`).toBe(200);
  }
}

describe("scope", () => {
  it("a secretary of another branch can neither read nor record the file (403, as for the person page)", async () => {
    expect((await clients.OSEC.get(fileUrl())).status).toBe(403);
    expect((await record("OSEC", "apply", "2024-03-01", { birthDate: "2004-01-01" })).status).toBe(403);
    expect(steps()).toEqual([]);
    expect((await clients.CSEC.get(fileUrl())).status).toBe(200);
    const page = await clients.BSEC.get(fileUrl());
    expect(page.status).toBe(200);
    expect(page.text).toContain("林申请的发展党员档案");
    expect(page.text).toContain("递交入党申请书");
    expect(page.text).toContain("材料归档");
  });

  it("the person page links to the file", async () => {
    expect((await clients.BSEC.get(`/manage/people/${ids.applicant}`)).text).toContain(`href="/manage/people/${ids.applicant}/file"`);
  });
});

describe("from 申请 to 转正", () => {
  it("refuses an application before the age of 18, naming 第五条; accepts it from the birthday and makes the person an applicant", async () => {
    const young = await record("BSEC", "apply", "2022-12-31", { birthDate: "2005-01-01" });
    expect(young.status).toBe(400);
    expect(young.text).toContain("不能早于 2023-01-01：《细则》第五条 年满十八岁方可申请入党");
    const noBirth = await record("BSEC", "apply", "2024-03-01");
    expect(noBirth.status).toBe(400);
    expect(noBirth.text).toContain("请填写出生日期");
    expect(steps()).toEqual([]);
    expect(status().politicalStatus).toBe("masses");

    const ok = await record("BSEC", "apply", "2024-03-01", { birthDate: "2004-01-01" });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("政治面貌已更新为“入党申请人”");
    expect(status().politicalStatus).toBe("applicant");
  });

  it("enforces order, naming the step and the article", async () => {
    const res = await record("BSEC", "recommend", "2024-04-10");
    expect(res.status).toBe(400);
    expect(res.text).toContain("须先记录「党组织派人谈话」（《细则》第七条），才能记录「推荐和确定入党积极分子」（《细则》第八条）");
  });

  it("accepts a talk later than a month after the application and shows it as late (第七条)", async () => {
    const res = await record("BSEC", "apply-talk", "2024-04-05");
    expect(res.status).toBe(200);
    expect(res.text).toContain("逾期：期限 2024-04-01：《细则》第七条");
    expect(rows().find((r) => r.step === "apply-talk")!.late).toContain("第七条");
  });

  it("refuses a step recorded twice, and a college-level step by a branch secretary", async () => {
    const twice = await record("BSEC", "apply-talk", "2024-04-06");
    expect(twice.status).toBe(400);
    expect(twice.text).toContain("「党组织派人谈话」已于 2024-04-05 记录；如记录有误，请更正原记录");
    await recordAll([["BSEC", "recommend", "2024-04-10"]]);
    expect(status().politicalStatus).toBe("activist");
    const filing = await record("BSEC", "activist-filing", "2024-04-20");
    expect(filing.status).toBe(403);
    expect(filing.text).toContain("「上级党委备案」由院系党组织书记记录");
    await recordAll([["CSEC", "activist-filing", "2024-04-20"]]);
  });

  it("refuses 发展对象 before a year as activist (第十三条), then accepts it on the day", async () => {
    await recordAll([["BSEC", "activist-assessment", "2024-10-08"]]);
    const early = await record("BSEC", "target-decide", "2025-04-09");
    expect(early.status).toBe(400);
    expect(early.text).toContain("不能早于 2025-04-10：《细则》第十三条");
    expect(status().politicalStatus).toBe("activist");
    await recordAll([["BSEC", "target-decide", "2025-04-10"]]);
    expect(status()).toEqual({ politicalStatus: "target", statusSince: "2025-04-10T00:00:00.000+00:00" });
  });

  it("refuses the 支部大会 inside the 公示 of 5 working days, and the old gate still refuses an under-trained 发展对象", async () => {
    await recordAll([
      ["CSEC", "target-filing", "2025-04-15"],
      ["BSEC", "sponsors", "2025-04-20"],
      ["BSEC", "political-review", "2025-05-06"],
      ["CSEC", "training", "2025-05-20"],
      ["BSEC", "committee-review", "2025-06-02"],
      ["CSEC", "pre-review", "2025-06-05"],
      ["BSEC", "application-form", "2025-06-09"],
    ]);
    const inNotice = await record("BSEC", "admit-meeting", "2025-06-12");
    expect(inNotice.status).toBe(400);
    expect(inNotice.text).toContain("不能早于 2025-06-13：本校规定，发展对象公示期满后方可提交支部大会讨论（公示 5 个工作日");

    const untrained = await record("BSEC", "admit-meeting", "2025-06-13");
    expect(untrained.status).toBe(400);
    expect(untrained.text).toContain("发展对象集中培训须不少于 24 学时（《中国共产党发展党员工作细则》（2014）第十七条）");
    expect(steps()).not.toContain("admit-meeting");
    expect(status().politicalStatus).toBe("target");

    server.factory.hours({
      personId: ids.applicant,
      year: 2025,
      amount: 2400,
      category: "party_school",
      sourceKind: "adjustment",
      sourceId: "pipeline-training",
      earnedAt: new Date("2025-05-22T02:00:00Z"),
    });
    const admitted = await record("BSEC", "admit-meeting", "2025-06-13");
    expect(admitted.status).toBe(200);
    expect(admitted.text).toContain("政治面貌已更新为“预备党员”");
    expect(status().politicalStatus).toBe("probationary");
    const change = server.factory.db
      .prepare("SELECT fromStatus, toStatus, note FROM StatusChange WHERE personId = ? ORDER BY id DESC")
      .get(ids.applicant) as Record<string, string>;
    expect(change).toEqual({ fromStatus: "target", toStatus: "probationary", note: "支部大会讨论（《细则》第二十条）" });
  });

  it("accepts an approval later than 3 months after the 支部大会 and marks it late", async () => {
    await recordAll([["CSEC", "approval-talk", "2025-06-20"]]);
    const res = await record("CSEC", "admit-approve", "2025-09-14");
    expect(res.status).toBe(200);
    expect(res.text).toContain("逾期：期限 2025-09-13：《细则》第四章（预备党员的接收） 上级党委对党支部上报的接收预备党员的决议，应当在三个月内审批");
  });

  it("refuses 转正 before the one-year 预备期 (第三十二条); 转正 makes a full member from the end of the 预备期 (第三十四条)", async () => {
    await recordAll([
      ["BSEC", "turn-apply", "2026-05-20"],
      ["ADMIN", "admit-filing", "2025-09-20"],
    ]);
    const early = await record("BSEC", "turn-meeting", "2026-06-12");
    expect(early.status).toBe(400);
    expect(early.text).toContain("不能早于 2026-06-13：《细则》第三十二条 预备党员的预备期为一年");
    await recordAll([
      ["BSEC", "turn-meeting", "2026-06-13"],
      ["CSEC", "turn-approve", "2026-07-01"],
    ]);
    expect(status()).toEqual({ politicalStatus: "member", statusSince: "2026-06-13T00:00:00.000+00:00" });
  });
});

describe("corrections and back-filling", () => {
  it("a correction supersedes the record with a reason; the earlier one stays in the history", async () => {
    const talk = rows().find((r) => r.step === "apply-talk" && r.supersededAt === null)!;
    const noReason = await clients.BSEC.post(fileUrl(), { intent: "correct", recordId: String(talk.id), happenedOn: "2024-03-28", reason: "" });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("请填写更正理由");
    const res = await clients.BSEC.post(fileUrl(), {
      intent: "correct",
      recordId: String(talk.id),
      happenedOn: "2024-03-28",
      reason: "按谈话记录原件更正日期",
    });
    expect(res.status).toBe(200);
    const talks = rows().filter((r) => r.step === "apply-talk");
    expect(talks).toHaveLength(2);
    expect(talks[0].supersededAt).not.toBeNull();
    expect(talks[1]).toMatchObject({
      happenedOn: "2024-03-28T00:00:00.000+00:00",
      late: null,
      correctsId: talk.id,
      correctionReason: "按谈话记录原件更正日期",
      supersededAt: null,
    });
    const page = (await clients.BSEC.get(fileUrl())).text;
    expect(page).toContain("更正理由：按谈话记录原件更正日期");
    expect(page).toContain("原记录 2024-04-05");
    // The superseded record cannot be corrected again.
    const again = await clients.BSEC.post(fileUrl(), { intent: "correct", recordId: String(talk.id), happenedOn: "2024-03-29", reason: "再改" });
    expect(again.status).toBe(409);
  });

  it("a correction is checked like a record, against the steps before and after it", async () => {
    const talk = rows().find((r) => r.step === "apply-talk" && r.supersededAt === null)!;
    const tooLate = await clients.BSEC.post(fileUrl(), { intent: "correct", recordId: String(talk.id), happenedOn: "2024-04-11", reason: "试试" });
    expect(tooLate.status).toBe(400);
    expect(tooLate.text).toContain("「推荐和确定入党积极分子」已记录于 2024-04-10，「党组织派人谈话」的日期不能晚于它");
  });

  const statusChanges = (key = "applicant") =>
    server.factory.db.prepare("SELECT id, toStatus, effectiveOn FROM StatusChange WHERE personId = ? ORDER BY effectiveOn, id").all(ids[key]) as {
      id: number;
      toStatus: string;
      effectiveOn: string;
    }[];
  const inForce = (step: string) => rows().find((r) => r.step === step && r.supersededAt === null)!;
  const correct = (who: string, step: string, happenedOn: string, reason = "按支委会会议记录原件更正日期", key = "applicant") =>
    clients[who].post(fileUrl(key), { intent: "correct", recordId: String(inForce(step).id), happenedOn, reason });

  it("refuses to move 确定为积极分子 so that 发展对象 comes less than a year after it (第十三条); nothing changes", async () => {
    const before = { rows: rows(), changes: statusChanges(), status: status() };
    const res = await correct("BSEC", "recommend", "2024-04-11");
    expect(res.status).toBe(400);
    expect(res.text).toContain("更正后「确定发展对象」（2025-04-10）不再符合时限：不能早于 2025-04-11：《细则》第十三条");
    // Moving the 支部大会 past the day its 转正 meeting counted from is refused too, naming 第三十二条.
    const meeting = await correct("BSEC", "admit-meeting", "2025-06-16");
    expect(meeting.status).toBe(400);
    expect(meeting.text).toContain("更正后「支部大会讨论」（2026-06-13）不再符合时限：不能早于 2026-06-16：《细则》第三十二条");
    // Earlier than its own prerequisite: refused with the prerequisite's article.
    const early = await correct("BSEC", "recommend", "2024-03-20");
    expect(early.status).toBe(400);
    expect(early.text).toContain("「推荐和确定入党积极分子」的日期不能早于「党组织派人谈话」（2024-03-28，《细则》第七条）");
    expect({ rows: rows(), changes: statusChanges(), status: status() }).toEqual(before);
  });

  it("a secretary outside the branch cannot correct it: 403 on the person's file, 404 through a person of her own branch", async () => {
    const before = rows();
    const outsider = server.factory.person({ number: "2024020009", name: "他支部人员", unitId: ids.other, politicalStatus: "activist" });
    const recordId = String(inForce("recommend").id);
    const form = { intent: "correct", recordId, happenedOn: "2024-04-08", reason: "越权更正" };
    expect((await clients.OSEC.post(fileUrl(), form)).status).toBe(403);
    expect((await clients.OSEC.post(`/manage/people/${outsider}/file`, form)).status).toBe(404);
    expect(rows()).toEqual(before);
  });

  it("correcting a status step's date moves the status history with it, in one transaction, audited once with from and to", async () => {
    const activist = statusChanges().find((c) => c.toStatus === "activist")!;
    expect(activist.effectiveOn).toBe("2024-04-10T00:00:00.000+00:00");
    const lastAudit = (server.factory.db.prepare("SELECT MAX(id) AS id FROM AuditLog").get() as { id: number }).id;
    const res = await correct("BSEC", "recommend", "2024-04-08");
    expect(res.status).toBe(200);
    expect(inForce("recommend").happenedOn).toBe("2024-04-08T00:00:00.000+00:00");
    expect(statusChanges().find((c) => c.id === activist.id)!.effectiveOn).toBe("2024-04-08T00:00:00.000+00:00");
    // One entry for the change (the page's own view of the file aside), not one per row.
    const audits = server.factory.db.prepare("SELECT action, detail FROM AuditLog WHERE id > ? AND action <> 'pipeline.view' ORDER BY id").all(lastAudit) as {
      action: string;
      detail: string;
    }[];
    expect(audits.map((a) => a.action)).toEqual(["pipeline.correct"]);
    expect(JSON.parse(audits[0].detail)).toMatchObject({
      step: "recommend",
      from: "2024-04-10",
      to: "2024-04-08",
      statusMoved: [{ statusChangeId: activist.id, from: "2024-04-10", to: "2024-04-08" }],
    });
    // The person page reads the moved date, and sends its correction to the file.
    const person = (await clients.BSEC.get(`/manage/people/${ids.applicant}`)).text;
    expect(person).toMatch(/2024-04-08<\/time>[^]*?入党积极分子[^]*?由发展党员档案记录，日期在档案中更正/);
  });

  it("back-fills the file of someone already in the pipeline: a note is required, the steps are marked, the status is kept", async () => {
    const noNote = await record("BSEC", "apply", "2023-09-10", { birthDate: "2003-05-01", backfilled: "on" }, "imported");
    expect(noNote.status).toBe(400);
    expect(noNote.text).toContain("补录须填写说明");
    const res = await record("BSEC", "apply", "2023-09-10", { birthDate: "2003-05-01", backfilled: "on", note: "据纸质档案补录" }, "imported");
    expect(res.status).toBe(200);
    expect(rows("imported")).toMatchObject([{ step: "apply", backfilled: 1 }]);
    expect(status("imported").politicalStatus).toBe("target");
    expect((await clients.BSEC.get(fileUrl("imported"))).text).toContain("补录");
  });
});

describe("the gate an admin may override", () => {
  it("corrects a mistyped date of birth on the application, checked against the ≥ 18 rule", async () => {
    const apply = rows("imported").find((r) => r.step === "apply" && r.supersededAt === null)!;
    const form = (birthDate: string) => ({ intent: "correct", recordId: String(apply.id), happenedOn: "2023-09-10", birthDate, reason: "出生日期录错" });
    const tooYoung = await clients.BSEC.post(fileUrl("imported"), form("2006-01-01"));
    expect(tooYoung.status).toBe(400);
    expect(tooYoung.text).toContain("《细则》第五条 年满十八岁方可申请入党");
    expect((await clients.BSEC.post(fileUrl("imported"), form("2003-06-01"))).status).toBe(200);
    const birth = server.factory.db
      .prepare("SELECT birthDate FROM PipelineRecord WHERE personId = ? AND step = 'apply' AND supersededAt IS NULL")
      .get(ids.imported);
    expect(birth).toEqual({ birthDate: "2003-06-01T00:00:00.000+00:00" });
  });

  it("refuses an under-trained 发展对象's 支部大会 to an admin without a reason, records it with one, keeping the reason", async () => {
    const steps: [string, string, string][] = [
      ["BSEC", "apply-talk", "2023-09-20"],
      ["BSEC", "recommend", "2024-03-01"],
      ["BSEC", "activist-assessment", "2024-09-01"],
      ["BSEC", "target-decide", "2025-09-01"],
      ["BSEC", "sponsors", "2025-09-05"],
      ["BSEC", "political-review", "2025-09-10"],
      ["CSEC", "training", "2025-09-20"],
      ["BSEC", "committee-review", "2025-10-09"],
      ["CSEC", "pre-review", "2025-10-10"],
      ["BSEC", "application-form", "2025-10-20"],
    ];
    for (const [who, step, day] of steps) expect((await record(who, step, day, {}, "imported")).status, step).toBe(200);
    expect(status("imported").politicalStatus).toBe("target");
    const refused = await record("ADMIN", "admit-meeting", "2025-10-27", {}, "imported");
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("如确需记录，请填写越过学时要求的理由");
    const byBranch = await record("BSEC", "admit-meeting", "2025-10-27", { gateOverride: "书记想越过" }, "imported");
    expect(byBranch.status).toBe(400);
    expect(byBranch.text).not.toContain("如确需记录");
    const ok = await record("ADMIN", "admit-meeting", "2025-10-27", { gateOverride: "已在外校党校完成培训，证明存档" }, "imported");
    expect(ok.status).toBe(200);
    expect(status("imported").politicalStatus).toBe("probationary");
    const change = server.factory.db.prepare("SELECT toStatus, gateOverride FROM StatusChange WHERE personId = ?").get(ids.imported);
    expect(change).toEqual({ toStatus: "probationary", gateOverride: "已在外校党校完成培训，证明存档" });
    expect(server.factory.db.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'person.gate_override'").get()).toEqual({ n: 1 });
  });

  it("nobody records their own steps", async () => {
    const res = await clients.ADMIN.post(`/manage/people/${ids.ADMIN}/file`, {
      intent: "record",
      step: "apply",
      happenedOn: "2024-03-01",
      birthDate: "2000-01-01",
    });
    expect(res.status).toBe(403);
    expect(res.text).toContain("不能记录本人的发展党员步骤");
  });
});

describe("documents and contacts", () => {
  it("keeps a document checked by its bytes, serves it in scope only, refuses a file that is not what it says", async () => {
    const apply = rows().find((r) => r.step === "apply")!;
    const form = (bytes: Uint8Array<ArrayBuffer>, name: string, type: string) => {
      const f = new FormData();
      f.append("intent", "upload");
      f.append("recordId", String(apply.id));
      f.append("name", "入党申请书");
      f.append("file", new Blob([bytes], { type }), name);
      return f;
    };
    const fake = await clients.BSEC.post(
      fileUrl(),
      form(new TextEncoder().encode("<html>not a scan</html>") as Uint8Array<ArrayBuffer>, "申请书.png", "image/png"),
    );
    expect(fake.status).toBe(400);
    expect(fake.text).toContain("材料须为 PDF 或 JPEG、PNG、WebP 格式的图片（按文件内容判断，与文件名无关）");
    const ok = await clients.BSEC.post(fileUrl(), form(PNG, "申请书.png", "image/png"));
    expect(ok.status).toBe(200);
    const doc = server.factory.db.prepare("SELECT id, filePath, fileMime FROM PipelineDocument").get() as { id: number; filePath: string; fileMime: string };
    expect(doc.fileMime).toBe("image/png");
    expect(fs.existsSync(path.join(dataDir, doc.filePath))).toBe(true);
    const got = await clients.CSEC.download(`${fileUrl()}/documents/${doc.id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("image/png");
    expect((await clients.OSEC.download(`${fileUrl()}/documents/${doc.id}`)).status).toBe(403);
    expect((await clients.BSEC.download(`${fileUrl("imported")}/documents/${doc.id}`)).status).toBe(404);
  });

  it("names a 培养联系人 among full members only", async () => {
    const prob = await clients.BSEC.post(fileUrl(), { intent: "contact", role: "contact", memberNumber: "P0001", since: "2024-04-12" });
    expect(prob.status).toBe(400);
    expect(prob.text).toContain("培养联系人须为正式党员（《细则》第九条），预备乙目前为预备党员");
    const ok = await clients.BSEC.post(fileUrl(), { intent: "contact", role: "contact", memberNumber: "M0001", since: "2024-04-12" });
    expect(ok.status).toBe(200);
    expect((await clients.BSEC.get(fileUrl())).text).toContain("培养联系人：党员甲（M0001），2024-04-12 起");
  });

  it("shows the person their own file among everything held about them, without the contacts' names", async () => {
    await server.factory.password(ids.applicant, PASSWORD);
    const me = new Client(server.url);
    expect((await me.login("2024010001", PASSWORD)).status).toBe(302);
    const page = (await me.get("/account/data")).text;
    expect(page).toContain("发展党员档案");
    expect(page).toContain("递交入党申请书");
    expect(page).toContain("2004-01-01");
    expect(page).toContain("按谈话记录原件更正日期");
    expect(page).toContain("培养联系人和入党介绍人");
    expect(page).not.toContain("党员甲");
  });

  it("audits every write", () => {
    const counts = server.factory.db
      .prepare("SELECT action, COUNT(*) AS n FROM AuditLog WHERE action LIKE 'pipeline.%' GROUP BY action ORDER BY action")
      .all() as { action: string; n: number }[];
    expect(Object.fromEntries(counts.map((c) => [c.action, c.n]))).toMatchObject({ "pipeline.contact": 1, "pipeline.correct": 3, "pipeline.document": 1 });
    const recorded = [...rows(), ...rows("imported")].filter((r) => r.correctsId === null).length;
    expect(counts.find((c) => c.action === "pipeline.record")!.n).toBe(recorded);
  });
});
