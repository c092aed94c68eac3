import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NEW_CLASS_GRADING_RULE } from "~/lib/classes";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Party-school classes against the real server: who may create a class for which unit, and for whom;
// a class moving through its states; a branch secretary nominating their own people only (and only
// those of the class's kind), the organiser approving or rejecting with a reason; enrolment by rule
// (a preview, then one step); the list import with a message per row and nothing written until every
// row is right; withdrawal with a reason, the row kept. Every change is in the audit log.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "培训大学党委", kind: "committee" });
  const lit = f.unit({ name: "文学院党委", kind: "college", parent: root });
  const lit1 = f.unit({ name: "文学院学生第一党支部", kind: "branch", branchType: "student", parent: lit });
  const lit2 = f.unit({ name: "文学院学生第二党支部", kind: "branch", branchType: "student", parent: lit });
  const sci = f.unit({ name: "理学院党委", kind: "college", parent: root });
  const sci1 = f.unit({ name: "理学院学生党支部", kind: "branch", branchType: "student", parent: sci });
  Object.assign(ids, { root: root.id, lit: lit.id, lit1: lit1.id, lit2: lit2.id, sci: sci.id, sci1: sci1.id });
  const person = async (key: string, unitId: number, politicalStatus = "member", statusSince: Date | null = null, login = false) => {
    ids[key] = f.person({ number: key, name: `学员${key}`, unitId, politicalStatus, statusSince });
    if (!login) return;
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("TR", root.id, "member", null, true);
  f.grant(ids.TR, "trainer", root.id);
  await person("SECLIT", lit.id, "member", null, true);
  f.grant(ids.SECLIT, "secretary", lit.id);
  await person("SEC1", lit1.id, "member", null, true);
  f.grant(ids.SEC1, "secretary", lit1.id);
  await person("SECSCI", sci.id, "member", null, true);
  f.grant(ids.SECSCI, "secretary", sci.id);
  await person("PLAIN", lit1.id, "activist", null, true);
  await person("ACT1", lit1.id, "activist", new Date("2025-01-10T00:00:00Z"));
  await person("ACT2", lit1.id, "activist", new Date("2025-03-01T00:00:00Z"));
  await person("ACT3", lit2.id, "activist", new Date("2025-02-01T00:00:00Z"));
  await person("ACT4", lit2.id, "activist", new Date("2026-02-01T00:00:00Z"));
  await person("TGT1", lit1.id, "target", new Date("2025-01-01T00:00:00Z"));
  await person("ACTSCI", sci1.id, "activist", new Date("2025-01-01T00:00:00Z"));
});
afterAll(async () => {
  await server?.stop();
});

const db = () => server.factory.db;
/** The page's text without the markers React puts between adjacent text nodes. */
const plain = (text: string) => text.replaceAll("<!-- -->", "");
const newClass = (overrides: Record<string, string | string[]> = {}) => {
  const body = new URLSearchParams({
    kind: "activist",
    title: "第 12 期入党积极分子培训班",
    term: "12",
    unitId: String(ids.lit),
    startsOn: "2026-03-01",
    endsOn: "2026-04-30",
    description: "",
  });
  const audience = (overrides.audienceUnitIds as string[] | undefined) ?? [String(ids.lit1), String(ids.lit2)];
  for (const [k, v] of Object.entries(overrides)) if (k !== "audienceUnitIds") body.set(k, v as string);
  for (const a of audience) body.append("audienceUnitIds", a);
  return body;
};
async function create(key: string, overrides: Record<string, string | string[]> = {}) {
  const res = await clients[key].request("/manage/classes", { method: "POST", body: newClass(overrides) });
  return res;
}
async function createOk(key: string, overrides: Record<string, string | string[]> = {}) {
  const res = await create(key, overrides);
  expect(res.status).toBe(302);
  return Number(/\/manage\/classes\/(\d+)$/.exec(res.location!)![1]);
}
const page = (classId: number) => `/manage/classes/${classId}`;
const post = (key: string, classId: number, form: Record<string, string>) => clients[key].post(page(classId), form);
const member = (classId: number, key: string) =>
  db().prepare("SELECT status, source, reason, decidedById FROM ClassMember WHERE classId = ? AND personId = ?").get(classId, ids[key]) as
    { status: string; source: string; reason: string | null; decidedById: number | null } | undefined;
const audits = (action: string, classId: number) =>
  (db().prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = ? AND targetKind = 'class' AND targetId = ?").get(action, String(classId)) as { n: number })
    .n;
const memberCount = (classId: number) => (db().prepare("SELECT COUNT(*) AS n FROM ClassMember WHERE classId = ?").get(classId) as { n: number }).n;

describe("classes: creation and scope", () => {
  it("lets a college's secretary create a class for their college only, for units under it", async () => {
    const id = await createOk("SECLIT");
    const row = db().prepare("SELECT kind, term, unitId, status, gradingRule FROM TrainingClass WHERE id = ?").get(id);
    expect(row).toEqual({ kind: "activist", term: 12, unitId: ids.lit, status: "draft", gradingRule: NEW_CLASS_GRADING_RULE });
    expect(db().prepare("SELECT unitId FROM ClassAudience WHERE classId = ? ORDER BY unitId").all(id)).toEqual([{ unitId: ids.lit1 }, { unitId: ids.lit2 }]);
    expect(audits("class.create", id)).toBe(1);

    // Another college: refused by the guard.
    expect((await create("SECLIT", { unitId: String(ids.sci), term: "13" })).status).toBe(403);
    // An audience outside the organising unit.
    const outside = await create("SECLIT", { term: "14", audienceUnitIds: [String(ids.lit1), String(ids.sci1)] });
    expect(outside.status).toBe(400);
    expect(outside.text).toContain("面向的党组织须在主办单位之下：理学院学生党支部不在其中");
    // A branch is not a party school.
    const branch = await create("SEC1", { unitId: String(ids.lit1), term: "15", audienceUnitIds: [String(ids.lit1)] });
    expect(branch.status).toBe(400);
    expect(branch.text).toContain("培训班只能由校党校（校党委）或二级党校（院系党组织）主办");
    // The same term of the same kind at the same school.
    const again = await create("SECLIT");
    expect(again.status).toBe(409);
    expect(again.text).toContain("本党校已有第 12 期入党积极分子培训班");
    // A learner has no class management at all.
    expect((await clients.PLAIN.get("/manage/classes")).status).toBe(403);
    expect((await clients.PLAIN.get(page(id))).status).toBe(403);
    // A bad form: every message at once, nothing written.
    const before = (db().prepare("SELECT COUNT(*) AS n FROM TrainingClass").get() as { n: number }).n;
    const bad = await create("SECLIT", { title: "", term: "0x10", endsOn: "2026-02-01", audienceUnitIds: [] });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("请填写培训班名称");
    expect(bad.text).toContain("期次须为数字");
    expect(bad.text).toContain("结束日期不能早于开始日期");
    expect((db().prepare("SELECT COUNT(*) AS n FROM TrainingClass").get() as { n: number }).n).toBe(before);

    // The school's trainer organises a school class; the college's secretary does not manage it.
    const school = await createOk("TR", {
      unitId: String(ids.root),
      term: "1",
      kind: "target",
      title: "第 1 期发展对象培训班",
      audienceUnitIds: [String(ids.lit)],
    });
    expect((await post("SECLIT", school, { intent: "status", to: "enrolling" })).status).toBe(403);
    expect((await post("TR", school, { intent: "status", to: "enrolling" })).status).toBe(200);
    const list = await clients.SECLIT.get("/manage/classes");
    expect(list.text).toContain("第 1 期发展对象培训班");
    expect(list.text).toContain("可推荐");
    // A class for another college is not in the list of a secretary elsewhere.
    expect((await clients.SECSCI.get("/manage/classes")).text).not.toContain("第 1 期发展对象培训班");
    expect((await clients.SECSCI.get(page(school))).status).toBe(403);
  });
});

describe("classes: nomination and decision", () => {
  let id: number;
  beforeAll(async () => {
    id = await createOk("SECLIT", { term: "20", title: "第 20 期入党积极分子培训班" });
  });

  it("hides a draft from branch secretaries and opens nomination when enrolling", async () => {
    expect((await clients.SEC1.get(page(id))).status).toBe(403);
    expect((await post("SECLIT", id, { intent: "status", to: "running" })).text).toContain("培训班当前为“筹备中”，不能改为“进行中”");
    expect((await post("SECLIT", id, { intent: "status", to: "enrolling" })).status).toBe(200);
    const view = await clients.SEC1.get(page(id));
    expect(view.status).toBe(200);
    expect(view.text).toContain('data-testid="nominate"');
    // Their own branch's activists, not another branch's, not a development target.
    expect(view.text).toContain("学员ACT1");
    expect(view.text).not.toContain("学员ACT3");
    expect(view.text).not.toContain("学员TGT1");
  });

  it("lets a branch secretary nominate their own activists only, saying why otherwise", async () => {
    const ok = await post("SEC1", id, { intent: "nominate", personId: String(ids.ACT1) });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("已推荐学员ACT1，待主办方审核");
    expect(member(id, "ACT1")).toMatchObject({ status: "nominated", source: "nomination" });

    const otherBranch = await post("SEC1", id, { intent: "nominate", personId: String(ids.ACT3) });
    expect(otherBranch.status).toBe(403);
    expect(otherBranch.text).toContain("只能推荐本组织及下级组织的人员");
    const target = await post("SEC1", id, { intent: "nominate", personId: String(ids.TGT1) });
    expect(target.status).toBe(403);
    expect(target.text).toContain("入党积极分子培训班面向入党积极分子，学员TGT1当前为发展对象");
    const again = await post("SEC1", id, { intent: "nominate", personId: String(ids.ACT1) });
    expect(again.status).toBe(409);
    expect(again.text).toContain("学员ACT1已被推荐，待主办方审核");
    expect(member(id, "ACT3")).toBeUndefined();
    expect(member(id, "TGT1")).toBeUndefined();

    // The college's secretary nominates from the whole college; one outside the audience is refused.
    expect((await post("SECLIT", id, { intent: "nominate", personId: String(ids.ACT3) })).status).toBe(200);
    const outside = await post("SECSCI", id, { intent: "nominate", personId: String(ids.ACTSCI) });
    expect(outside.status).toBe(403);
    expect(member(id, "ACTSCI")).toBeUndefined();
    // A branch secretary cannot decide.
    expect((await post("SEC1", id, { intent: "approve", personId: String(ids.ACT1) })).status).toBe(403);
    expect(member(id, "ACT1")!.status).toBe("nominated");
    expect(audits("class.nominate", id)).toBe(2);
  });

  it("lets the organiser approve, or reject with a reason the nominator then sees", async () => {
    expect((await post("SEC1", id, { intent: "nominate", personId: String(ids.ACT2) })).status).toBe(200);
    // Opening the class waits for every nomination to be decided.
    expect((await post("SECLIT", id, { intent: "status", to: "running" })).text).toContain("还有 3 条推荐待审核，请先审核再开班");

    expect((await post("SECLIT", id, { intent: "approve", personId: String(ids.ACT1) })).status).toBe(200);
    expect(member(id, "ACT1")).toMatchObject({ status: "enrolled", decidedById: ids.SECLIT, reason: null });
    const noReason = await post("SECLIT", id, { intent: "reject", personId: String(ids.ACT2), reason: " " });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("请填写原因");
    expect(member(id, "ACT2")!.status).toBe("nominated");
    expect((await post("SECLIT", id, { intent: "reject", personId: String(ids.ACT2), reason: "培养期不足一年" })).status).toBe(200);
    expect(member(id, "ACT2")).toMatchObject({ status: "rejected", reason: "培养期不足一年" });
    // Decided once only.
    expect((await post("SECLIT", id, { intent: "approve", personId: String(ids.ACT2) })).status).toBe(409);
    expect((await post("SECLIT", id, { intent: "approve", personId: String(ids.ACT3) })).status).toBe(200);

    const view = await clients.SEC1.get(page(id));
    expect(view.text).toContain("培养期不足一年");
    // The branch secretary sees their own people's rows, not another branch's.
    expect(view.text).not.toContain("学员ACT3");
    expect(audits("class.approve", id)).toBe(2);
    expect(audits("class.reject", id)).toBe(1);

    expect((await post("SECLIT", id, { intent: "status", to: "running" })).status).toBe(200);
    expect(db().prepare("SELECT status FROM TrainingClass WHERE id = ?").get(id)).toEqual({ status: "running" });
    // No nominations once running.
    expect((await post("SEC1", id, { intent: "nominate", personId: String(ids.PLAIN) })).status).toBe(409);
  });

  it("withdraws a member with a reason and keeps the row", async () => {
    const none = await post("SECLIT", id, { intent: "withdraw", personId: String(ids.ACT1), reason: "" });
    expect(none.status).toBe(400);
    expect((await post("SECLIT", id, { intent: "withdraw", personId: String(ids.ACT1), reason: "因病休学" })).status).toBe(200);
    expect(member(id, "ACT1")).toMatchObject({ status: "withdrawn", reason: "因病休学" });
    expect((await post("SECLIT", id, { intent: "withdraw", personId: String(ids.ACT1), reason: "再次" })).status).toBe(409);
    expect(audits("class.withdraw", id)).toBe(1);
  });
});

describe("classes: settings", () => {
  it("edits a class's settings, keeps terms unique, and fixes the audience once the class runs", async () => {
    const id = await createOk("SECLIT", { term: "50", title: "第 50 期入党积极分子培训班" });
    await createOk("SECLIT", { term: "51", title: "第 51 期入党积极分子培训班" });
    const settings = {
      intent: "settings",
      title: "第 50 期入党积极分子培训班（春季）",
      term: "50",
      startsOn: "2026-03-02",
      endsOn: "2026-05-01",
      description: "每周六上午",
    };
    expect((await post("SECLIT", id, settings)).status).toBe(200);
    expect(db().prepare("SELECT title, description FROM TrainingClass WHERE id = ?").get(id)).toEqual({ title: settings.title, description: "每周六上午" });
    const taken = await post("SECLIT", id, { ...settings, term: "51" });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain("本党校已有第 51 期入党积极分子培训班");
    expect((await post("SEC1", id, settings)).status).toBe(403);

    const audience = new URLSearchParams({ intent: "audience" });
    audience.append("audienceUnitIds", String(ids.lit1));
    expect((await clients.SECLIT.request(page(id), { method: "POST", body: audience })).status).toBe(200);
    expect(db().prepare("SELECT unitId FROM ClassAudience WHERE classId = ?").all(id)).toEqual([{ unitId: ids.lit1 }]);
    expect((await post("SECLIT", id, { intent: "status", to: "enrolling" })).status).toBe(200);
    expect((await post("SECLIT", id, { intent: "nominate", personId: String(ids.ACT1) })).status).toBe(200);
    expect((await post("SECLIT", id, { intent: "approve", personId: String(ids.ACT1) })).status).toBe(200);
    expect((await post("SECLIT", id, { intent: "status", to: "running" })).status).toBe(200);
    const late = await clients.SECLIT.request(page(id), { method: "POST", body: audience });
    expect(late.status).toBe(409);
    expect(late.text).toContain("培训班已开班，不能再修改面向的党组织");
    expect((await post("SECLIT", id, { intent: "status", to: "finished" })).status).toBe(200);
    const closed = await post("SECLIT", id, settings);
    expect(closed.status).toBe(409);
    expect(closed.text).toContain("培训班已结束，不能再修改");
    expect(audits("class.status", id)).toBe(3);
  });
});

describe("classes: enrolment by rule", () => {
  it("previews who a rule selects, then enrols them in one step, refusing a count that changed", async () => {
    const id = await createOk("SECLIT", { term: "30", title: "第 30 期入党积极分子培训班" });
    expect((await post("SECLIT", id, { intent: "status", to: "enrolling" })).status).toBe(200);
    // ACT3 is already in through a nomination: the rule leaves them out.
    expect((await post("SECLIT", id, { intent: "nominate", personId: String(ids.ACT3) })).status).toBe(200);

    const preview = await post("SECLIT", id, { intent: "preview", statusSinceBefore: "2025-06-01" });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('data-testid="rule-preview"');
    const shown = plain(preview.text).split('data-testid="rule-preview"')[1].split("</section>")[0];
    expect(shown).toContain("符合条件 <strong>2</strong> 人");
    expect(shown).toContain("学员ACT1");
    expect(shown).toContain("学员ACT2");
    // Activists since 2026 are not selected; nor is a target, nor anyone outside the audience.
    expect(shown).not.toContain("学员ACT4");
    expect(shown).not.toContain("学员TGT1");
    expect(shown).not.toContain("学员ACTSCI");
    expect(memberCount(id)).toBe(1);

    const stale = await post("SECLIT", id, { intent: "enrolRule", statusSinceBefore: "2025-06-01", expected: "3" });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain("符合条件的人数已变为 2 人（预览时为 3 人）");
    expect(memberCount(id)).toBe(1);
    const done = await post("SECLIT", id, { intent: "enrolRule", statusSinceBefore: "2025-06-01", expected: "2" });
    expect(done.status).toBe(200);
    expect(done.text).toContain("已按条件录取 2 人");
    expect(member(id, "ACT1")).toMatchObject({ status: "enrolled", source: "rule", decidedById: ids.SECLIT });
    expect(member(id, "ACT2")).toMatchObject({ status: "enrolled", source: "rule" });
    expect(member(id, "ACT3")).toMatchObject({ status: "nominated" });
    expect(audits("class.enrol", id)).toBe(1);
    // A branch secretary does not enrol by rule.
    expect((await post("SEC1", id, { intent: "preview", statusSinceBefore: "" })).status).toBe(403);
  });
});

describe("classes: list import", () => {
  const upload = (classId: number, key: string, csv: string, intent: "dryRun" | "confirm", hash?: string) => {
    const form = new FormData();
    form.set("intent", intent);
    if (hash) form.set("expectedHash", hash);
    form.set("file", new Blob([csv], { type: "text/csv" }), "名单.csv");
    return clients[key].post(`${page(classId)}/import`, form);
  };
  const sha = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

  it("says row by row what is wrong, writes nothing until every row is right, then enrols everyone at once", async () => {
    const id = await createOk("SECLIT", { term: "40", title: "第 40 期入党积极分子培训班" });
    expect((await post("SECLIT", id, { intent: "status", to: "enrolling" })).status).toBe(200);
    expect((await post("SEC1", id, { intent: "nominate", personId: String(ids.ACT2) })).status).toBe(200);

    const bad = ["学号/工号,姓名", "ACT1,学员ACT1", "NOSUCH,", "TGT1,", "ACTSCI,", "ACT1,", "ACT3,张三", "ACT2,"].join("\n");
    const dry = await upload(id, "SECLIT", bad, "dryRun");
    expect(dry.status).toBe(200);
    expect(plain(dry.text)).toContain("共 7 行，7 行有问题");
    expect(dry.text).toContain("“ACT1”在文件中重复（另见第 6 行）");
    expect(dry.text).toContain("学号/工号“NOSUCH”不在本培训班面向的党组织内，或系统中没有此人");
    expect(dry.text).toContain("入党积极分子培训班面向入党积极分子，学员TGT1当前为发展对象");
    // Someone of another college is answered as an unknown number: neither name nor unit is told.
    expect(dry.text).toContain("学号/工号“ACTSCI”不在本培训班面向的党组织内，或系统中没有此人");
    expect(dry.text).not.toContain("学员ACTSCI");
    expect(dry.text).not.toContain("理学院学生党支部");
    expect(dry.text).toContain("与账号姓名“学员ACT3”不一致");
    expect(dry.text).toContain("学员ACT2已由支部推荐，待审核");
    // Confirming the file with problems writes nothing.
    const refused = await upload(id, "SECLIT", bad, "confirm", sha(bad));
    expect(refused.status).toBe(400);
    expect(memberCount(id)).toBe(1);

    const good = ["学号/工号,姓名", "ACT1,学员ACT1", "ACT3,", "ACT4,学员ACT4"].join("\n");
    const clean = await upload(id, "SECLIT", good, "dryRun");
    expect(clean.status).toBe(200);
    expect(plain(clean.text)).toContain("预检通过：共 3 人");
    // A confirmation of another file than the one checked is refused.
    expect((await upload(id, "SECLIT", good, "confirm", sha(bad))).text).toContain("所选文件与预检时的文件不一致");
    expect(memberCount(id)).toBe(1);
    const confirmed = await upload(id, "SECLIT", good, "confirm", sha(good));
    expect(confirmed.status).toBe(200);
    expect(plain(confirmed.text)).toContain("已录取 3 人");
    for (const key of ["ACT1", "ACT3", "ACT4"]) expect(member(id, key)).toMatchObject({ status: "enrolled", source: "import", decidedById: ids.SECLIT });
    expect(audits("class.import", id)).toBe(1);
    // The same list again: every row already in.
    expect((await upload(id, "SECLIT", good, "dryRun")).text).toContain("学员ACT1已是本班学员");
    // Only the organiser imports.
    expect((await upload(id, "SEC1", good, "dryRun")).status).toBe(403);
    expect((await clients.SEC1.get(`${page(id)}/import`)).status).toBe(403);
  });
});
