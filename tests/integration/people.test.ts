import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Scope: a secretary sees and changes the people of their college only, whatever id a request names.

let server: TestServer;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  const cs = f.unit({ name: "计算机学院党委", kind: "college", parent: root });
  const csBranch = f.unit({ name: "计算机学院学生党支部", kind: "branch", branchType: "student", parent: cs });
  const me = f.unit({ name: "机械学院党委", kind: "college", parent: root });
  const meBranch = f.unit({ name: "机械学院学生党支部", kind: "branch", branchType: "student", parent: me });
  Object.assign(ids, { root: root.id, cs: cs.id, csBranch: csBranch.id, me: me.id, meBranch: meBranch.id });

  ids.secretary = f.person({ number: "S001", name: "计院书记", unitId: cs.id, category: "staff", politicalStatus: "member" });
  f.grant(ids.secretary, "secretary", cs.id);
  ids.admin = f.person({ number: "A001", name: "管理员", unitId: root.id, category: "staff", politicalStatus: "member" });
  f.grant(ids.admin, "admin", root.id);
  ids.trainer = f.person({ number: "T001", name: "教员", unitId: root.id, category: "staff", politicalStatus: "member" });
  f.grant(ids.trainer, "trainer", root.id);
  ids.learner = f.person({ number: "L001", name: "学员", unitId: csBranch.id, politicalStatus: "activist" });
  for (const who of ["secretary", "admin", "trainer", "learner"]) await f.password(ids[who], PASSWORD);

  ids.csStudent = f.person({ number: "2024070001", name: "计院学生甲", unitId: csBranch.id, politicalStatus: "activist", phone: "13812345678" });
  ids.meStudent = f.person({ number: "2024020001", name: "机械学生乙", unitId: meBranch.id, politicalStatus: "activist", phone: "13900001111" });
  for (let i = 2; i <= 30; i++) f.person({ number: `20240700${String(i).padStart(2, "0")}`, name: `计院学生${i}`, unitId: csBranch.id });
  for (let i = 2; i <= 20; i++) f.person({ number: `20240200${String(i).padStart(2, "0")}`, name: `机械学生${i}`, unitId: meBranch.id });
});
afterAll(() => server?.stop());

async function as(who: string) {
  const c = new Client(server.url);
  const res = await c.login(who, PASSWORD);
  expect(res.status).toBe(302);
  return c;
}

const deniedCount = () => (server.factory.db.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'access.denied'").get() as { n: number }).n;

describe("people list", () => {
  it("shows a secretary the people of their college only", async () => {
    const c = await as("S001");
    const res = await c.get("/manage/people");
    expect(res.status).toBe(200);
    expect(res.text).toContain("计院学生甲");
    expect(res.text).not.toContain("机械学生乙");
    // 30 students + the learner + the secretary.
    expect(res.text).toMatch(/共 <!-- -->32<!-- --> 人|共 32 人/);
  });

  it("masks phone numbers in the list", async () => {
    const c = await as("S001");
    const res = await c.get("/manage/people?q=计院学生甲");
    expect(res.text).toContain("138****5678");
    expect(res.text).not.toContain("13812345678");
  });

  it("filters by political status and finds by number prefix", async () => {
    const c = await as("S001");
    const res = await c.get("/manage/people?status=activist");
    expect(res.text).toContain("计院学生甲");
    expect(res.text).not.toContain("计院学生2<");
    const byNumber = await c.get("/manage/people?q=2024070001");
    expect(byNumber.text).toContain("计院学生甲");
  });

  it("refuses a unit filter outside the scope with 403 and logs the refusal", async () => {
    const c = await as("S001");
    const before = deniedCount();
    const res = await c.get(`/manage/people?unitId=${ids.me}`);
    expect(res.status).toBe(403);
    expect(deniedCount()).toBe(before + 1);
  });

  it("refuses learners and trainers", async () => {
    expect((await (await as("L001")).get("/manage/people")).status).toBe(403);
    expect((await (await as("T001")).get("/manage/people")).status).toBe(403);
  });
});

describe("a person's page", () => {
  it("opens a person of the secretary's college and logs the view", async () => {
    const c = await as("S001");
    const res = await c.get(`/manage/people/${ids.csStudent}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain("计院学生甲");
    expect(res.text).toContain("138****5678");
    expect(res.text).not.toContain("13812345678");
    const views = server.factory.db.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'person.view' AND targetId = ?").get(String(ids.csStudent)) as {
      n: number;
    };
    expect(views.n).toBeGreaterThan(0);
  });

  it("answers 403 for a person of another college and for an id that does not exist", async () => {
    const c = await as("S001");
    expect((await c.get(`/manage/people/${ids.meStudent}`)).status).toBe(403);
    expect((await c.get(`/manage/people/999999`)).status).toBe(403);
    const post = await c.post(`/manage/people/${ids.meStudent}`, { intent: "status", toStatus: "target", effectiveOn: "2026-01-05" });
    expect(post.status).toBe(403);
    const row = server.factory.db.prepare("SELECT politicalStatus FROM Person WHERE id = ?").get(ids.meStudent) as { politicalStatus: string };
    expect(row.politicalStatus).toBe("activist");
  });

  it("shows the full phone number only on request, and records who looked", async () => {
    const c = await as("S001");
    const res = await c.post(`/manage/people/${ids.csStudent}`, { intent: "reveal" });
    expect(res.status).toBe(200);
    expect(res.text).toContain("13812345678");
    const log = server.factory.db
      .prepare("SELECT actorId FROM AuditLog WHERE action = 'person.sensitive_view' AND targetId = ?")
      .all(String(ids.csStudent)) as { actorId: number }[];
    expect(log.map((l) => l.actorId)).toContain(ids.secretary);
  });

  it("records a status change with its effective date and who recorded it", async () => {
    const c = await as("S001");
    const res = await c.post(`/manage/people/${ids.csStudent}`, { intent: "status", toStatus: "target", effectiveOn: "2026-03-01", note: "支部委员会讨论" });
    expect(res.status).toBe(200);
    const person = server.factory.db.prepare("SELECT politicalStatus, statusSince FROM Person WHERE id = ?").get(ids.csStudent) as {
      politicalStatus: string;
      statusSince: string;
    };
    expect(person.politicalStatus).toBe("target");
    expect(person.statusSince.slice(0, 10)).toBe("2026-03-01");
    const change = server.factory.db
      .prepare("SELECT fromStatus, toStatus, recordedById FROM StatusChange WHERE personId = ? ORDER BY id DESC")
      .get(ids.csStudent) as { fromStatus: string; toStatus: string; recordedById: number };
    expect(change).toEqual({ fromStatus: "activist", toStatus: "target", recordedById: ids.secretary });
    const page = await c.get(`/manage/people/${ids.csStudent}`);
    expect(page.text).toContain("2026-03-01");
    expect(page.text).toContain("支部委员会讨论");
  });

  it("keeps the newest status when an older change is recorded later", async () => {
    const c = await as("S001");
    // Current: target since 2026-03-01. A back-dated entry must not overwrite it.
    const res = await c.post(`/manage/people/${ids.csStudent}`, { intent: "status", toStatus: "applicant", effectiveOn: "2025-01-10", note: "补录" });
    expect(res.status).toBe(200);
    const person = server.factory.db.prepare("SELECT politicalStatus FROM Person WHERE id = ?").get(ids.csStudent) as { politicalStatus: string };
    expect(person.politicalStatus).toBe("target");
  });

  it("refuses a future date, a bad date and an unknown status with a Chinese message, changing nothing", async () => {
    const c = await as("S001");
    const before = server.factory.db.prepare("SELECT COUNT(*) AS n FROM StatusChange").get() as { n: number };
    const future = await c.post(`/manage/people/${ids.csStudent}`, { intent: "status", toStatus: "probationary", effectiveOn: "2099-01-01" });
    expect(future.status).toBe(400);
    expect(future.text).toContain("生效日期不能晚于今天");
    const bad = await c.post(`/manage/people/${ids.csStudent}`, { intent: "status", toStatus: "probationary", effectiveOn: "2026-02-30" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("日期不存在");
    const unknown = await c.post(`/manage/people/${ids.csStudent}`, { intent: "status", toStatus: "king", effectiveOn: "2026-02-01" });
    expect(unknown.status).toBe(400);
    const after = server.factory.db.prepare("SELECT COUNT(*) AS n FROM StatusChange").get() as { n: number };
    expect(after.n).toBe(before.n);
  });

  it("refuses moving a person into a unit outside the scope", async () => {
    const c = await as("S001");
    const res = await c.post(`/manage/people/${ids.csStudent}`, { intent: "update", name: "计院学生甲", unitId: String(ids.meBranch), cadreLevel: "none" });
    expect(res.status).toBe(403);
    const row = server.factory.db.prepare("SELECT unitId FROM Person WHERE id = ?").get(ids.csStudent) as { unitId: number };
    expect(row.unitId).toBe(ids.csBranch);
  });

  it("lets only an admin grant roles", async () => {
    const sec = await as("S001");
    const denied = await sec.post(`/manage/people/${ids.csStudent}`, { intent: "grant-add", role: "secretary", unitId: String(ids.csBranch) });
    expect(denied.status).toBe(403);
    const admin = await as("A001");
    const ok = await admin.post(`/manage/people/${ids.csStudent}`, { intent: "grant-add", role: "secretary", unitId: String(ids.csBranch) });
    expect(ok.status).toBe(200);
    const grants = server.factory.db.prepare("SELECT role, unitId FROM RoleGrant WHERE personId = ?").all(ids.csStudent);
    expect(grants).toEqual([{ role: "secretary", unitId: ids.csBranch }]);
    const audit = server.factory.db.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = 'grant.add' AND targetId = ?").get(String(ids.csStudent)) as {
      n: number;
    };
    expect(audit.n).toBe(1);
  });

  it("resets a password to a temporary one the person must change", async () => {
    const admin = await as("A001");
    const res = await admin.post(`/manage/people/${ids.meStudent}`, { intent: "reset-password" });
    expect(res.status).toBe(200);
    const temp = /data-testid="temporary-password">([^<]+)</.exec(res.text)![1];
    const person = new Client(server.url);
    const login = await person.login("2024020001", temp);
    expect(login.location).toBe("/account/password");
  });

  it("ends every session of an account when it is disabled", async () => {
    const learner = await as("L001");
    expect((await learner.get("/")).status).toBe(200);
    const sec = await as("S001");
    expect((await sec.post(`/manage/people/${ids.learner}`, { intent: "disable" })).status).toBe(200);
    expect((await learner.get("/")).location).toContain("/login");
    const again = await new Client(server.url).login("L001", PASSWORD);
    expect(again.status).toBe(400);
    expect((await sec.post(`/manage/people/${ids.learner}`, { intent: "enable" })).status).toBe(200);
  });
});

describe("notices", () => {
  it("a secretary posts to their college; learners there see it, others do not", async () => {
    const sec = await as("S001");
    const res = await sec.post("/manage/notices", { intent: "post", unitId: String(ids.cs), title: "计院主题党日通知", body: "周五下午", pinned: "on" });
    expect(res.status).toBe(200);
    const learner = await as("L001");
    const home = await learner.get("/");
    expect(home.text).toContain("计院主题党日通知");
    const outside = await sec.post("/manage/notices", { intent: "post", unitId: String(ids.me), title: "越权通知", body: "x" });
    expect(outside.status).toBe(403);
    const count = server.factory.db.prepare("SELECT COUNT(*) AS n FROM Notice WHERE title = '越权通知'").get() as { n: number };
    expect(count.n).toBe(0);
    // A field without a message of its own still gets zod's message in Chinese, not English.
    const garbled = await sec.post("/manage/notices", { intent: "post", unitId: "abc", title: "通知", body: "x" });
    expect(garbled.status).toBe(400);
    expect(garbled.text).toContain("无效输入");
    expect(garbled.text).not.toMatch(/Invalid input|expected number/);
  });
});

describe("audit log page", () => {
  it("shows admins the refusals and sign-ins, and nobody else", async () => {
    const admin = await as("A001");
    const page = await admin.get("/manage/audit?action=access.denied");
    expect(page.status).toBe(200);
    expect(page.text).toContain("越权访问被拒绝");
    expect(page.text).toContain("计院书记（S001）");
    expect((await (await as("S001")).get("/manage/audit")).status).toBe(403);
  });
});
