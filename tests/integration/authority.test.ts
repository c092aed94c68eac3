import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Nobody acts on a person with authority they do not have themselves, and the throttle holds
// against parallel guesses. (Findings of the security review.)

let server: TestServer;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "党委", kind: "committee" });
  const office = f.unit({ name: "机关党委", kind: "college", parent: root });
  const branch = f.unit({ name: "组织部党支部", kind: "branch", branchType: "staff", parent: office });
  const archived = f.unit({ name: "已撤销支部", kind: "branch", branchType: "staff", parent: office });
  f.db.prepare("UPDATE OrgUnit SET archivedAt = ? WHERE id = ?").run(new Date().toISOString().replace("Z", "+00:00"), archived.id);
  Object.assign(ids, { root: root.id, office: office.id, branch: branch.id, archived: archived.id });
  const person = async (key: string, number: string, unitId: number) => {
    ids[key] = f.person({ number, name: key, unitId, category: "staff", politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
  };
  await person("rootAdmin", "R1", branch.id);
  f.grant(ids.rootAdmin, "admin", root.id);
  await person("unitAdmin", "U1", branch.id);
  f.grant(ids.unitAdmin, "admin", office.id);
  await person("branchSec", "B1", branch.id);
  f.grant(ids.branchSec, "secretary", branch.id);
  await person("plain", "P1", branch.id);
  await person("victim", "V1", branch.id);
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}
const grantsOf = (personId: number) => server.factory.db.prepare("SELECT role, unitId FROM RoleGrant WHERE personId = ?").all(personId);

describe("authority over a person", () => {
  it("a unit admin cannot reset, disable or edit the school admin, nor remove the school admin's grant", async () => {
    const c = await as("U1");
    expect((await c.post(`/manage/people/${ids.rootAdmin}`, { intent: "reset-password" })).status).toBe(403);
    expect((await c.post(`/manage/people/${ids.rootAdmin}`, { intent: "disable" })).status).toBe(403);
    expect((await c.post(`/manage/people/${ids.rootAdmin}`, { intent: "update", name: "改名", unitId: String(ids.branch), cadreLevel: "none" })).status).toBe(
      403,
    );
    const grantId = (server.factory.db.prepare("SELECT id FROM RoleGrant WHERE personId = ?").get(ids.rootAdmin) as { id: number }).id;
    expect((await c.post(`/manage/people/${ids.rootAdmin}`, { intent: "grant-remove", grantId: String(grantId) })).status).toBe(403);
    expect(grantsOf(ids.rootAdmin)).toEqual([{ role: "admin", unitId: ids.root }]);
    const row = server.factory.db.prepare("SELECT name, disabledAt FROM Person WHERE id = ?").get(ids.rootAdmin);
    expect(row).toEqual({ name: "rootAdmin", disabledAt: null });
    // The school admin can still sign in with the old password.
    expect((await new Client(server.url).login("R1", PASSWORD)).location).toBe("/");
  });

  it("a branch secretary cannot disable or edit an admin of their branch, nor change their own record", async () => {
    const c = await as("B1");
    expect((await c.post(`/manage/people/${ids.unitAdmin}`, { intent: "disable" })).status).toBe(403);
    expect((await c.post(`/manage/people/${ids.branchSec}`, { intent: "status", toStatus: "probationary", effectiveOn: "2026-01-01" })).status).toBe(403);
    expect((await c.post(`/manage/people/${ids.branchSec}`, { intent: "update", name: "B", unitId: String(ids.branch), cadreLevel: "division" })).status).toBe(
      403,
    );
    // …but manages a plain member of the branch.
    expect((await c.post(`/manage/people/${ids.plain}`, { intent: "status", toStatus: "probationary", effectiveOn: "2026-01-01" })).status).toBe(200);
  });

  it("a unit admin cannot read the whole school's audit log", async () => {
    expect((await (await as("U1")).get("/manage/audit")).status).toBe(403);
    expect((await (await as("R1")).get("/manage/audit")).status).toBe(200);
  });

  it("refuses archived units as a destination for people, notices and grants", async () => {
    const c = await as("R1");
    const move = await c.post(`/manage/people/${ids.plain}`, { intent: "update", name: "plain", unitId: String(ids.archived), cadreLevel: "none" });
    expect(move.status).toBe(400);
    expect(move.text).toContain("已撤销");
    const notice = await c.post("/manage/notices", { intent: "post", unitId: String(ids.archived), title: "t", body: "b" });
    expect(notice.status).toBe(400);
    const grant = await c.post(`/manage/people/${ids.plain}`, { intent: "grant-add", role: "secretary", unitId: String(ids.archived) });
    expect(grant.status).toBe(400);
    expect(grantsOf(ids.plain)).toEqual([]);
  });

  it("records a back-dated status change from the status in force on that date", async () => {
    const f = server.factory;
    const id = f.person({ number: "H1", name: "历史", unitId: ids.branch, politicalStatus: "target" });
    f.statusChange(id, "masses", "applicant", new Date("2023-01-01T00:00:00Z"));
    f.statusChange(id, "applicant", "activist", new Date("2023-06-01T00:00:00Z"));
    f.statusChange(id, "activist", "target", new Date("2024-06-01T00:00:00Z"));
    const c = await as("R1");
    const res = await c.post(`/manage/people/${id}`, { intent: "status", toStatus: "activist", effectiveOn: "2024-01-10", note: "补录" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("所选日期时已是该政治面貌");
    const ok = await c.post(`/manage/people/${id}`, { intent: "status", toStatus: "applicant", effectiveOn: "2022-06-01", note: "补录申请" });
    expect(ok.status).toBe(200);
    const row = f.db.prepare("SELECT fromStatus, toStatus FROM StatusChange WHERE personId = ? AND note = '补录申请'").get(id);
    expect(row).toEqual({ fromStatus: "target", toStatus: "applicant" });
    expect((f.db.prepare("SELECT politicalStatus AS s FROM Person WHERE id = ?").get(id) as { s: string }).s).toBe("target");
  });
});

describe("sign-in hardening", () => {
  it("gives a burst of parallel guesses no more tries than a sequence", async () => {
    const guesses = Array.from({ length: 30 }, () => new Client(server.url).login("V1", "wrong-guess"));
    await Promise.all(guesses);
    const right = await new Client(server.url).login("V1", PASSWORD);
    expect(right.status).toBe(400);
    const failures = server.factory.db.prepare("SELECT detail FROM AuditLog WHERE action = 'login.failure' AND targetId = 'V1'").all() as { detail: string }[];
    const checked = failures.filter((r) => JSON.parse(r.detail).reason === "password").length;
    expect(checked).toBeLessThanOrEqual(5);
  });

  it("ends the browser's previous session when someone else signs in on it", async () => {
    const c = await as("P1");
    const first = c.sessionToken()!;
    expect((await c.login("R1", PASSWORD)).status).toBe(302);
    const replay = await new Client(server.url).request("/", { headers: { Cookie: `wsdx_session=${first}` } });
    expect(replay.location).toContain("/login");
  });

  it("issues a new session token when the password changes", async () => {
    const c = await as("B1");
    const before = c.sessionToken()!;
    const res = await c.post("/account/password", { currentPassword: PASSWORD, newPassword: "Another123", confirmPassword: "Another123" });
    expect(res.status).toBe(302);
    expect(c.sessionToken()).not.toBe(before);
    expect((await c.get("/account")).status).toBe(200);
    const replay = await new Client(server.url).request("/", { headers: { Cookie: `wsdx_session=${before}` } });
    expect(replay.location).toContain("/login");
  });

  it("answers a JSON body with 415 and a Chinese message instead of a server error", async () => {
    const c = await as("P1");
    const res = await c.request(`/manage/people/${ids.plain}`, { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } });
    expect(res.status).toBe(415);
    expect(res.text).toContain("请通过页面表单提交");
  });
});
