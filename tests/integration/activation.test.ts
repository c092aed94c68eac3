import crypto from "node:crypto";
import { readSheet } from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type UnitRow } from "../factories";
import { Client, type Reply } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Account activation against the real server (decision 030): a secretary issues one-time codes for
// the people of their own units (one at a time, as slips to print, as a workbook), and a person who
// has never signed in sets their own password with theirs, once.

let server: TestServer;
const PASSWORD = "Passw0rd1";
let csBranch: UnitRow;
let meBranch: UnitRow;
let adminId: number;
const ids: Record<string, number> = {};

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  const cs = f.unit({ name: "计算机学院党委", kind: "college", parent: root });
  csBranch = f.unit({ name: "计算机学生第一党支部", kind: "branch", branchType: "student", parent: cs });
  const me = f.unit({ name: "机械学院党委", kind: "college", parent: root });
  meBranch = f.unit({ name: "机械学生第一党支部", kind: "branch", branchType: "student", parent: me });

  const secretary = f.person({ number: "S001", name: "计院书记", unitId: cs.id, category: "staff", politicalStatus: "member" });
  f.grant(secretary, "secretary", cs.id);
  adminId = f.person({ number: "A001", name: "管理员", unitId: root.id, category: "staff", politicalStatus: "member" });
  f.grant(adminId, "admin", root.id);
  for (const id of [secretary, adminId]) await f.password(id, PASSWORD);

  // Not yet activated: imported without a password.
  for (let i = 1; i <= 12; i++) {
    const number = `20240800${String(i).padStart(2, "0")}`;
    ids[number] = f.person({ number, name: `新生${i}`, unitId: csBranch.id });
  }
  ids.active = f.person({ number: "2024089001", name: "已激活", unitId: csBranch.id });
  await f.password(ids.active, "Mine12345");
  ids.temporary = f.person({ number: "2024089002", name: "临时密码", unitId: csBranch.id });
  await f.password(ids.temporary, "Shared2026", true);
  ids.other = f.person({ number: "2024099001", name: "机械新生", unitId: meBranch.id });
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

const db = () => server.factory.db;
/** React separates adjacent text nodes with comments in server HTML. */
const plain = (r: Reply) => r.text.replace(/<!-- -->/g, "");
const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
const codeOf = (r: Reply) => /data-testid="activation-code">([A-Z0-9-]+)</.exec(plain(r))?.[1];
const audits = (action: string) =>
  db().prepare("SELECT targetKind, targetId, detail FROM AuditLog WHERE action = ? ORDER BY id").all(action) as {
    targetKind: string;
    targetId: string;
    detail: string | null;
  }[];
const passwordOf = (personId: number) =>
  db().prepare("SELECT hash, mustChange FROM Password WHERE personId = ?").get(personId) as { hash: string; mustChange: number } | undefined;

async function issueFor(c: Client, personId: number) {
  return c.post(`/manage/people/${personId}`, { intent: "activation-issue" });
}

function activate(number: string, code: string, newPassword = "MyOwn2026", client = new Client(server.url)) {
  return client.post("/activate", { number, code, newPassword, confirmPassword: newPassword });
}

describe("one person's code, from the person's page", () => {
  it("activates exactly that account, once, and signs the person in", async () => {
    const sec = await as("S001");
    const issued = await issueFor(sec, ids["2024080001"]);
    expect(issued.status).toBe(200);
    const code = codeOf(issued)!;
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(plain(issued)).toContain(`/activate/${code.replace(/-/g, "")}`);
    expect(issued.text).toMatch(/<img src="data:image\/svg\+xml;base64,[^"]+" alt="扫码激活账号"/);

    // Only the hash is stored.
    const raw = code.replace(/-/g, "");
    const rows = db().prepare("SELECT * FROM ActivationCode WHERE personId = ?").all(ids["2024080001"]) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0].codeHash).toBe(sha256(raw));
    expect(JSON.stringify(db().prepare("SELECT * FROM ActivationCode").all())).not.toContain(raw);
    const days = (Date.parse(String(rows[0].expiresAt)) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);

    // The slip's link opens the form with the code filled in, and keeps it out of caches.
    const linkPage = await new Client(server.url).get(`/activate/${raw}`);
    expect(linkPage.status).toBe(200);
    expect(linkPage.text).toContain(`value="${code}"`);
    expect(linkPage.headers.get("cache-control")).toBe("no-store");

    const passwordsBefore = db().prepare("SELECT COUNT(*) AS n FROM Password").get() as { n: number };
    const person = new Client(server.url);
    // Typed in lower case with spaces, as people do.
    const done = await activate("2024080001", code.toLowerCase().replace(/-/g, " "), "MyOwn2026", person);
    expect(done.status).toBe(302);
    expect(done.location).toBe("/");
    const home = await person.get("/");
    expect(home.status).toBe(200);
    expect(home.text).toContain("新生1");
    expect(passwordOf(ids["2024080001"])?.mustChange).toBe(0);
    expect((db().prepare("SELECT COUNT(*) AS n FROM Password").get() as { n: number }).n).toBe(passwordsBefore.n + 1);

    const again = await activate("2024080001", code, "Another2026");
    expect(again.status).toBe(400);
    expect(plain(again)).toContain("该激活码已经使用过，不能再次使用");
    // The password chosen first stands.
    expect((await new Client(server.url).login("2024080001", "MyOwn2026")).status).toBe(302);
    expect((await new Client(server.url).login("2024080001", "Another2026")).status).toBe(400);

    expect(audits("activation.issue").some((a) => a.targetKind === "person" && a.targetId === String(ids["2024080001"]))).toBe(true);
    expect(audits("activation.use").map((a) => a.targetId)).toContain(String(ids["2024080001"]));
    expect(audits("activation.failure").some((a) => JSON.parse(a.detail!).reason === "used")).toBe(true);
  });

  it("refuses another person's code, a wrong code and an expired one, saying so in Chinese", async () => {
    const sec = await as("S001");
    const code = codeOf(await issueFor(sec, ids["2024080002"]))!;

    const otherPerson = await activate("2024080003", code);
    expect(otherPerson.status).toBe(400);
    expect(plain(otherPerson)).toContain("学号/工号或激活码不正确，请核对后再试。");
    const wrong = await activate("2024080002", "ABCD-EFGH-JKMN");
    expect(plain(wrong)).toContain("学号/工号或激活码不正确，请核对后再试。");
    const malformed = await activate("2024080002", "123");
    expect(malformed.status).toBe(400);
    expect(plain(malformed)).toContain("激活码应为 12 位字母和数字");
    const weak = await activate("2024080002", code, "short");
    expect(plain(weak)).toContain("密码至少 8 位");
    expect(passwordOf(ids["2024080002"])).toBeUndefined();
    expect(passwordOf(ids["2024080003"])).toBeUndefined();

    db().prepare("UPDATE ActivationCode SET expiresAt = ? WHERE personId = ?").run("2020-01-01T00:00:00.000+00:00", ids["2024080002"]);
    const expired = await activate("2024080002", code);
    expect(expired.status).toBe(400);
    expect(plain(expired)).toContain("该激活码已于 2020-01-01 08:00 过期，请联系所在党组织书记重新发放。");
    expect(passwordOf(ids["2024080002"])).toBeUndefined();
  });

  it("revokes the older code when a new one is issued", async () => {
    const sec = await as("S001");
    const first = codeOf(await issueFor(sec, ids["2024080004"]))!;
    const second = codeOf(await issueFor(sec, ids["2024080004"]))!;
    expect(second).not.toBe(first);
    const old = await activate("2024080004", first);
    expect(plain(old)).toContain("该激活码已作废");
    expect((await activate("2024080004", second)).status).toBe(302);
    expect(audits("activation.revoke").some((a) => a.targetId === String(ids["2024080004"]))).toBe(true);
  });

  it("lets exactly one of two simultaneous activations with one code through", async () => {
    const sec = await as("S001");
    const code = codeOf(await issueFor(sec, ids["2024080005"]))!;
    const [a, b] = await Promise.all([activate("2024080005", code, "First2026a"), activate("2024080005", code, "Second2026b")]);
    expect([a.status, b.status].sort()).toEqual([302, 400]);
    const winner = a.status === 302 ? "First2026a" : "Second2026b";
    const loser = a.status === 302 ? "Second2026b" : "First2026a";
    expect(plain(a.status === 302 ? b : a)).toContain("该激活码已经使用过");
    expect((await new Client(server.url).login("2024080005", winner)).status).toBe(302);
    expect((await new Client(server.url).login("2024080005", loser)).status).toBe(400);
    expect(db().prepare("SELECT COUNT(*) AS n FROM ActivationCode WHERE personId = ? AND usedAt IS NOT NULL").get(ids["2024080005"])).toEqual({ n: 1 });
  });

  it("throttles guessing: after repeated wrong codes even the right one is refused for a while", async () => {
    const sec = await as("S001");
    const code = codeOf(await issueFor(sec, ids["2024080006"]))!;
    let throttled: Reply | null = null;
    for (let i = 0; i < 20 && !throttled; i++) {
      const r = await activate(
        "2024080006",
        `ZZZZ-ZZZZ-ZZ${String(i + 22)
          .slice(-2)
          .replace(/[01]/g, "2")}`,
      );
      if (plain(r).includes("尝试过于频繁")) throttled = r;
      else expect(plain(r)).toContain("学号/工号或激活码不正确");
    }
    expect(throttled, "the throttle never answered").not.toBeNull();
    const right = await activate("2024080006", code);
    expect(right.status).toBe(429);
    expect(plain(right)).toContain("尝试过于频繁，请稍后再试。");
    expect(passwordOf(ids["2024080006"])).toBeUndefined();
  });

  it("withdraws a temporary password when a code replaces it", async () => {
    expect((await new Client(server.url).login("2024089002", "Shared2026")).status).toBe(302);
    const sec = await as("S001");
    expect(codeOf(await issueFor(sec, ids.temporary))).toBeDefined();
    expect(passwordOf(ids.temporary)).toBeUndefined();
    expect((await new Client(server.url).login("2024089002", "Shared2026")).status).toBe(400);
  });

  it("leaves an account whose owner chose a password to an administrator, who may issue a code instead of a reset", async () => {
    const sec = await as("S001");
    const refused = await issueFor(sec, ids.active);
    expect(refused.status).toBe(400);
    expect(plain(refused)).toContain("该账号已激活");
    expect(db().prepare("SELECT COUNT(*) AS n FROM ActivationCode WHERE personId = ?").get(ids.active)).toEqual({ n: 0 });

    const admin = await as("A001");
    const code = codeOf(await issueFor(admin, ids.active))!;
    // The old password keeps working until the code is used.
    expect((await new Client(server.url).login("2024089001", "Mine12345")).status).toBe(302);
    expect((await activate("2024089001", code, "Fresh2026x")).status).toBe(302);
    expect((await new Client(server.url).login("2024089001", "Mine12345")).status).toBe(400);
  });
});

describe("scope", () => {
  it("refuses a secretary codes for a person or a unit outside their college, by id", async () => {
    const sec = await as("S001");
    const person = await issueFor(sec, ids.other);
    expect(person.status).toBe(403);
    const sheet = await sec.post("/manage/people/activation/sheet", { unitId: String(meBranch.id), scope: "all" });
    expect(sheet.status).toBe(403);
    const xlsx = await sec.post("/manage/people/activation.xlsx", { unitId: String(meBranch.id), scope: "all" });
    expect(xlsx.status).toBe(403);
    expect((await sec.get(`/manage/people/activation?unitId=${meBranch.id}`)).status).toBe(403);
    expect(db().prepare("SELECT COUNT(*) AS n FROM ActivationCode WHERE personId = ?").get(ids.other)).toEqual({ n: 0 });
    expect(audits("access.denied").length).toBeGreaterThanOrEqual(4);
  });

  it("refuses a learner", async () => {
    const learner = new Client(server.url);
    expect((await learner.login("2024080001", "MyOwn2026")).status).toBe(302);
    expect((await learner.get("/manage/people/activation")).status).toBe(403);
    expect((await learner.post("/manage/people/activation/sheet", { unitId: String(csBranch.id), scope: "all" })).status).toBe(403);
  });
});

describe("a branch's sheet and the secretary's workbook", () => {
  const pendingNumbers = () =>
    (
      db()
        .prepare(
          `SELECT p.number FROM Person p LEFT JOIN Password pw ON pw.personId = p.id
           WHERE p.unitId = ? AND (pw.personId IS NULL OR pw.mustChange = 1) ORDER BY p.number`,
        )
        .all(csBranch.id) as { number: string }[]
    ).map((r) => r.number);

  it("prints one slip per person not yet activated, with a code that works, and audits it", async () => {
    const sec = await as("S001");
    const page = await sec.get(`/manage/people/activation?unitId=${csBranch.id}`);
    expect(page.status).toBe(200);
    const expected = pendingNumbers();
    expect(page.text.match(/data-testid="pending-person"/g)).toHaveLength(expected.length);

    const res = await sec.post("/manage/people/activation/sheet", { unitId: String(csBranch.id), scope: "all" });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const html = plain(res);
    const names = [...html.matchAll(/data-testid="slip-name">([^<]+)</g)].map((m) => m[1]);
    const codes = [...html.matchAll(/data-testid="slip-code">([A-Z0-9-]+)</g)].map((m) => m[1]);
    expect(names).toHaveLength(expected.length);
    expect(names).not.toContain("已激活");
    expect(names).not.toContain("机械新生");
    expect(names).not.toContain("计院书记");
    expect(codes).toHaveLength(expected.length);
    expect(html).toContain("2024****07");
    expect(html).not.toContain("2024080007");
    expect(html.match(/<img src="data:image\/svg\+xml;base64,/g)).toHaveLength(expected.length);

    const export_ = audits("activation.export").at(-1)!;
    expect(export_).toMatchObject({ targetKind: "unit", targetId: String(csBranch.id) });
    expect(JSON.parse(export_.detail!)).toEqual({ format: "print", people: expected.length });

    // 新生7's slip works.
    const slip = names.indexOf("新生7");
    expect((await activate("2024080007", codes[slip])).status).toBe(302);

    // Nobody is left without a valid code, so the default "pending" issues nothing more.
    const none = await sec.post("/manage/people/activation/sheet", { unitId: String(csBranch.id), scope: "pending" });
    expect(none.status).toBe(400);
    expect(plain(none)).toContain("没有需要发放激活码的人员");
  });

  it("exports a workbook of the same people with whole numbers for the secretary, revoking the printed codes, and audits it", async () => {
    const sec = await as("S001");
    const res = await sec.download("/manage/people/activation.xlsx", { unitId: String(csBranch.id), scope: "all" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    expect(res.headers.get("content-disposition")).toContain("attachment");
    expect(res.headers.get("cache-control")).toContain("no-store");
    const rows = await readSheet(res.bytes);
    expect(rows[0]).toEqual(["姓名", "学号/工号", "所在党组织", "激活码", "激活链接", "有效期至"]);
    const expected = pendingNumbers();
    expect(
      rows
        .slice(1)
        .map((r) => r[1])
        .sort(),
    ).toEqual(expected);
    for (const r of rows.slice(1)) {
      const code = String(r[3]).replace(/-/g, "");
      expect(r[4]).toBe(`${server.url}/activate/${code}`);
      const row = db().prepare("SELECT revokedAt, usedAt FROM ActivationCode WHERE codeHash = ?").get(sha256(code)) as {
        revokedAt: string | null;
        usedAt: string | null;
      };
      expect(row).toEqual({ revokedAt: null, usedAt: null });
    }
    expect(JSON.parse(audits("activation.export").at(-1)!.detail!)).toEqual({ format: "xlsx", people: expected.length });
    // The codes printed before are revoked: only the workbook's are valid now.
    expect(db().prepare("SELECT COUNT(*) AS n FROM ActivationCode WHERE revokedAt IS NULL AND usedAt IS NULL").get()).toEqual({ n: expected.length });
  });
});

describe("a large unit", () => {
  it("issues a workbook for up to 5,000 people at once, and refuses a sheet above 1,000 in Chinese, writing nothing", async () => {
    const f = server.factory;
    const root = db().prepare("SELECT id, path, depth, name, kind FROM OrgUnit WHERE parentId IS NULL").get() as UnitRow;
    const big = f.unit({ name: "大班党支部", kind: "branch", branchType: "student", parent: root });
    f.db.transaction(() => {
      for (let i = 0; i < 5000; i++) f.person({ number: `2025${String(i).padStart(6, "0")}`, name: `大班${i}`, unitId: big.id });
    })();
    const admin = await as("A001");
    const codesBefore = (db().prepare("SELECT COUNT(*) AS n FROM ActivationCode").get() as { n: number }).n;

    const sheet = await admin.post("/manage/people/activation/sheet", { unitId: String(big.id), scope: "pending" });
    expect(sheet.status).toBe(400);
    expect(plain(sheet)).toContain("共有 5000 人，超过一次最多 1000 人的上限，请选择下级党组织分别生成");
    expect((db().prepare("SELECT COUNT(*) AS n FROM ActivationCode").get() as { n: number }).n).toBe(codesBefore);

    const res = await admin.download("/manage/people/activation.xlsx", { unitId: String(big.id), scope: "pending" });
    expect(res.status).toBe(200);
    const rows = await readSheet(res.bytes);
    expect(rows).toHaveLength(5001);
    expect(new Set(rows.slice(1).map((r) => r[3])).size).toBe(5000);
    expect(
      db().prepare("SELECT COUNT(*) AS n FROM ActivationCode a JOIN Person p ON p.id = a.personId WHERE p.unitId = ? AND a.revokedAt IS NULL").get(big.id),
    ).toEqual({ n: 5000 });
  }, 60_000);
});
