import crypto from "node:crypto";
import QRCode from "qrcode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signCertificateToken } from "~/.server/hours/certificate-token";
import { ledgerYear } from "~/lib/hours";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// 学时证明 on the real server: who may issue, print and revoke one, and what the public verify page
// answers for a genuine, a forged and a revoked certificate.

const CERT_SECRET = crypto.randomBytes(32).toString("base64url");
const KEY = Buffer.from(CERT_SECRET, "utf8");
const PASSWORD = "Passw0rd1";
const YEAR = ledgerYear(new Date());
const LEARNER = { number: "2024070001", name: "周小党", phone: "13812345678" };

let server: TestServer;
const ids: Record<string, number> = {};

beforeAll(async () => {
  server = await startTestServer({ env: { CERT_SECRET } });
  const f = server.factory;
  const root = f.unit({ name: "测试大学党委", kind: "committee" });
  const cs = f.unit({ name: "计算机学院党委", kind: "college", parent: root });
  const csBranch = f.unit({ name: "计算机学院学生党支部", kind: "branch", branchType: "student", parent: cs });
  const me = f.unit({ name: "机械学院党委", kind: "college", parent: root });
  ids.learner = f.person({ ...LEARNER, unitId: csBranch.id, politicalStatus: "member" });
  ids.csSecretary = f.person({ number: "S001", name: "计院书记", unitId: cs.id, category: "staff", politicalStatus: "member" });
  f.grant(ids.csSecretary, "secretary", cs.id);
  ids.meSecretary = f.person({ number: "S002", name: "机械书记", unitId: me.id, category: "staff", politicalStatus: "member" });
  f.grant(ids.meSecretary, "secretary", me.id);
  ids.stranger = f.person({ number: "L002", name: "路人甲", unitId: csBranch.id, politicalStatus: "member" });
  for (const who of ["learner", "csSecretary", "meSecretary", "stranger"]) await f.password(ids[who], PASSWORD);
  f.hours({ personId: ids.learner, year: YEAR, amount: 150, category: "online", sourceKind: "lesson", sourceId: "c1/l1" });
  f.hours({ personId: ids.learner, year: YEAR, amount: 400, category: "offline", sourceKind: "activity", sourceId: "a1" });
  f.hours({ personId: ids.learner, year: YEAR - 1, amount: 900, category: "offline", sourceKind: "activity", sourceId: "a0" });
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

/** Issues a certificate through the form the hours or person page posts, and returns its id. */
async function issue(c: Client, form: Record<string, string>) {
  const res = await c.post("/hours/certificates/issue", form);
  expect(res.status).toBe(302);
  const m = /^\/hours\/certificates\/(\d+)$/.exec(res.location ?? "");
  expect(m, res.location ?? res.text).not.toBeNull();
  return Number(m![1]);
}

const decode = (html: string) =>
  html
    .replace(/&amp;/g, "&")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"');
const verifyUrlIn = (html: string) => /data-testid="verify-url">([^<]+)</.exec(html)?.[1];
const qrIn = (html: string) => /<img src="(data:image\/svg\+xml;base64,[^"]+)"[^>]*data-testid="certificate-qr"/.exec(html)?.[1];
const count = (action: string) => (server.factory.db.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = ?").get(action) as { n: number }).n;
// Nonces and build hashes differ between responses; the rest of a page must not.
const stable = (html: string) => html.replace(/nonce="[^"]*"/g, "").replace(/"[^"]*\/assets\/[^"]*"/g, "");

describe("issuing", () => {
  it("lets a person issue their own certificate, snapshotting the year's hours", async () => {
    const c = await as(LEARNER.number);
    const hoursPage = await c.get(`/hours?year=${YEAR}`);
    expect(hoursPage.text).toContain(`开具 <!-- -->${YEAR}<!-- --> 年学时证明`);
    const before = count("certificate.issue");
    const id = await issue(c, { year: String(YEAR) });
    const row = server.factory.db.prepare("SELECT personId, year, earned, issuedById, revokedAt FROM HoursCertificate WHERE id = ?").get(id);
    expect(row).toEqual({ personId: ids.learner, year: YEAR, earned: 550, issuedById: ids.learner, revokedAt: null });
    expect(count("certificate.issue")).toBe(before + 1);
    // The hours page lists it.
    expect((await c.get(`/hours?year=${YEAR}`)).text).toContain(`/hours/certificates/${id}`);
  });

  it("prints the name, masked number, unit, year, hours by category, number and a QR code of the verify address", async () => {
    const c = await as(LEARNER.number);
    const id = await issue(c, { year: String(YEAR) });
    const page = await c.get(`/hours/certificates/${id}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toContain("no-store");
    const html = decode(page.text);
    expect(html).toContain("学时证明");
    expect(html).toContain("测试大学党委");
    expect(html).toContain(LEARNER.name);
    expect(html).toContain("2024****01");
    expect(html).toContain("计算机学院学生党支部");
    expect(html).toMatch(/data-testid="certificate-total">5\.5</);
    expect(html).toContain("网上学习");
    expect(html).toContain("组织生活");
    expect(html).toContain(`No. <!-- -->${YEAR}-${String(id).padStart(6, "0")}`);
    // Personal data that has no place on it.
    expect(html).not.toContain(LEARNER.phone);
    expect(html).not.toContain("138****5678");

    const url = verifyUrlIn(html)!;
    expect(url).toMatch(new RegExp(`^${server.url}/hours/verify/[A-Za-z0-9_-]{28}$`));
    // The QR code is exactly the printed address: regenerated from it, it is the same image.
    const svg = await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 0 });
    expect(qrIn(page.text)).toBe(`data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`);
  });

  it("points the QR code at this site whatever Host header the request forged", async () => {
    const c = await as(LEARNER.number);
    const id = await issue(c, { year: String(YEAR) });
    for (const host of ["evil.example", "evil.example:80", `evil.example:${new URL(server.url).port}`, "127.0.0.1.evil.example", "[::1]:9"]) {
      const page = await c.getWithHost(`/hours/certificates/${id}`, host);
      expect(page.status).toBe(200);
      const html = page.text;
      const url = verifyUrlIn(decode(html))!;
      expect(url, host).toMatch(new RegExp(`^${server.url}/hours/verify/[A-Za-z0-9_-]{28}$`));
      expect(html).not.toContain("evil.example");
      const svg = await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 0 });
      expect(qrIn(html)).toBe(`data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`);
    }
  });

  it("puts no personal data in the token: a version and the certificate id under a signature", async () => {
    const c = await as(LEARNER.number);
    const id = await issue(c, { year: String(YEAR) });
    const url = verifyUrlIn(decode((await c.get(`/hours/certificates/${id}`)).text))!;
    const token = url.split("/").pop()!;
    for (const personal of [LEARNER.name, LEARNER.number, LEARNER.phone]) expect(url).not.toContain(personal);
    const bytes = Buffer.from(token, "base64url");
    expect(bytes.length).toBe(21);
    expect(bytes.readUInt32BE(1)).toBe(id);
    expect(token).toBe(signCertificateToken(id, KEY));
  });

  it("lets a secretary issue one for a person of their college, and refuses one of another college", async () => {
    const cs = await as("S001");
    const person = await cs.get(`/manage/people/${ids.learner}`);
    expect(person.text).toContain("开具学时证明");
    const id = await issue(cs, { personId: String(ids.learner), year: String(YEAR - 1) });
    const row = server.factory.db.prepare("SELECT personId, year, earned, issuedById FROM HoursCertificate WHERE id = ?").get(id);
    expect(row).toEqual({ personId: ids.learner, year: YEAR - 1, earned: 900, issuedById: ids.csSecretary });
    expect((await cs.get(`/hours/certificates/${id}`)).status).toBe(200);

    const me = await as("S002");
    const denied = count("access.denied");
    const rows = () => (server.factory.db.prepare("SELECT COUNT(*) AS n FROM HoursCertificate").get() as { n: number }).n;
    const before = rows();
    expect((await me.post("/hours/certificates/issue", { personId: String(ids.learner), year: String(YEAR) })).status).toBe(403);
    // A person who does not exist is refused the same way.
    expect((await me.post("/hours/certificates/issue", { personId: "999999", year: String(YEAR) })).status).toBe(403);
    expect(rows()).toBe(before);
    expect(count("access.denied")).toBe(denied + 2);
    // A learner cannot issue one for somebody else either.
    expect((await (await as("L002")).post("/hours/certificates/issue", { personId: String(ids.learner), year: String(YEAR) })).status).toBe(403);
  });

  it("keeps the figures of the moment of issue when hours are credited or reversed later", async () => {
    const f = server.factory;
    f.hours({ personId: ids.learner, year: YEAR - 2, amount: 300, category: "party_school", sourceKind: "session", sourceId: "s1" });
    const c = await as(LEARNER.number);
    const id = await issue(c, { year: String(YEAR - 2) });
    f.hours({ personId: ids.learner, year: YEAR - 2, amount: 200, category: "quiz", sourceKind: "quiz", sourceId: "q1" });
    f.hours({ personId: ids.learner, year: YEAR - 2, amount: -300, category: "party_school", sourceKind: "reversal", sourceId: "s1" });
    const page = decode((await c.get(`/hours/certificates/${id}`)).text);
    expect(page).toMatch(/data-testid="certificate-total">3</);
    expect(page).toContain("党校培训");
    expect(page).not.toContain("在线测试");
    const verify = await new Client(server.url).get(`/hours/verify/${signCertificateToken(id, KEY)}`);
    expect(verify.text).toMatch(/data-testid="verify-total">3</);
  });

  it("refuses a year that has not begun and a missing year", async () => {
    const c = await as(LEARNER.number);
    expect((await c.post("/hours/certificates/issue", { year: String(YEAR + 1) })).status).toBe(400);
    expect((await c.post("/hours/certificates/issue", {})).status).toBe(400);
  });

  it("keeps an earlier certificate valid when a new one is issued", async () => {
    const c = await as(LEARNER.number);
    const first = await issue(c, { year: String(YEAR) });
    await issue(c, { year: String(YEAR) });
    const anon = new Client(server.url);
    expect((await anon.get(`/hours/verify/${signCertificateToken(first, KEY)}`)).status).toBe(200);
  });
});

describe("the printable page", () => {
  it("is refused to strangers, other colleges' secretaries and the signed-out, alike for ids that do not exist", async () => {
    const id = await issue(await as(LEARNER.number), { year: String(YEAR) });
    const stranger = await as("L002");
    const other = await stranger.get(`/hours/certificates/${id}`);
    expect(other.status).toBe(403);
    expect(other.text).not.toContain(LEARNER.name);
    expect((await stranger.get("/hours/certificates/999999")).status).toBe(403);
    expect((await stranger.get("/hours/certificates/abc")).status).toBe(403);
    expect((await (await as("S002")).get(`/hours/certificates/${id}`)).status).toBe(403);
    const anon = await new Client(server.url).get(`/hours/certificates/${id}`);
    expect(anon.status).toBe(302);
    expect(anon.location).toMatch(/^\/login/);
  });

  it("does not show another person's full number to the secretary who prints it", async () => {
    const cs = await as("S001");
    const id = await issue(cs, { personId: String(ids.learner), year: String(YEAR) });
    const html = (await cs.get(`/hours/certificates/${id}`)).text;
    expect(html).toContain("2024****01");
    expect(html).not.toContain(LEARNER.number);
    expect(html).toContain("撤销此证明");
  });
});

describe("verifying", () => {
  it("shows a genuine certificate to anyone, signed out, with the figures and the name partly masked, and audits nothing", async () => {
    const id = await issue(await as(LEARNER.number), { year: String(YEAR) });
    const audits = (server.factory.db.prepare("SELECT COUNT(*) AS n FROM AuditLog").get() as { n: number }).n;
    const res = await new Client(server.url).get(`/hours/verify/${signCertificateToken(id, KEY)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(res.text).toContain("真实有效");
    expect(res.text).not.toContain("不是真实有效的证明");
    expect(res.text).toContain("周*党");
    expect(res.text).not.toContain(LEARNER.name);
    expect(res.text).toContain("计算机学院学生党支部");
    expect(res.text).toMatch(/data-testid="verify-total">5\.5</);
    expect(res.text).toContain(`${YEAR}-${String(id).padStart(6, "0")}`);
    for (const personal of [LEARNER.number, LEARNER.phone, "2024****01"]) expect(res.text).not.toContain(personal);
    expect((server.factory.db.prepare("SELECT COUNT(*) AS n FROM AuditLog").get() as { n: number }).n).toBe(audits);
  });

  it("answers 不是真实有效的证明 for an altered token, another key's token and a certificate that does not exist, all alike", async () => {
    const id = await issue(await as(LEARNER.number), { year: String(YEAR) });
    const token = signCertificateToken(id, KEY);
    const altered = token.slice(0, 10) + (token[10] === "A" ? "B" : "A") + token.slice(11);
    const otherKey = crypto.randomBytes(32);
    const anon = new Client(server.url);
    const replies = await Promise.all(
      [altered, signCertificateToken(id, otherKey), signCertificateToken(999_999, otherKey), signCertificateToken(999_999, KEY), "not-a-token"].map((t) =>
        anon.get(`/hours/verify/${t}`),
      ),
    );
    for (const r of replies) {
      expect(r.status).toBe(404);
      expect(r.text).toContain("不是真实有效的证明");
      expect(r.text).not.toContain("周*党");
      expect(r.text).not.toContain("5.5");
    }
    // A bad signature says nothing about whether the id exists.
    expect(stable(replies[1].text)).toBe(stable(replies[2].text));
  });

  it("shows a revoked certificate as not genuine; only a secretary in scope may revoke", async () => {
    const learner = await as(LEARNER.number);
    const id = await issue(learner, { year: String(YEAR) });
    const verifyPath = `/hours/verify/${signCertificateToken(id, KEY)}`;
    const anon = new Client(server.url);
    expect((await anon.get(verifyPath)).status).toBe(200);

    expect((await learner.post(`/hours/certificates/${id}`, { intent: "revoke" })).status).toBe(403);
    expect((await (await as("S002")).post(`/hours/certificates/${id}`, { intent: "revoke" })).status).toBe(403);
    expect((await anon.get(verifyPath)).status).toBe(200);

    const cs = await as("S001");
    const revokes = count("certificate.revoke");
    expect((await cs.post(`/hours/certificates/${id}`, { intent: "revoke" })).status).toBe(200);
    expect(count("certificate.revoke")).toBe(revokes + 1);
    expect((await cs.post(`/hours/certificates/${id}`, { intent: "revoke" })).status).toBe(400);

    const after = await anon.get(verifyPath);
    expect(after.status).toBe(404);
    expect(after.text).toContain("不是真实有效的证明");
    expect(after.text).not.toContain("周*党");
    // The owner's page says so and no longer offers a QR code to print.
    const page = await learner.get(`/hours/certificates/${id}`);
    expect(page.text).toContain("此证明已撤销");
    expect(verifyUrlIn(page.text)).toBeUndefined();
  });
});

describe("what the paper says", () => {
  it("prints the requirement then in force, and keeps the name and unit as printed after a transfer and a rename", async () => {
    const f = server.factory;
    const college = f.db.prepare("SELECT id FROM OrgUnit WHERE name = '计算机学院学生党支部'").get() as { id: number };
    const elsewhere = f.db.prepare("SELECT id FROM OrgUnit WHERE name = '机械学院党委'").get() as { id: number };
    const mover = f.person({ number: "M001", name: "调动者", unitId: college.id, politicalStatus: "member" });
    await f.password(mover, PASSWORD);
    const masses = f.person({ number: "M002", name: "群众乙", unitId: college.id, politicalStatus: "masses" });
    await f.password(masses, PASSWORD);
    f.hours({ personId: mover, year: YEAR, amount: 1000, category: "offline", sourceKind: "activity", sourceId: "m1" });

    const id = await issue(await as("M001"), { year: String(YEAR) });
    const printed = decode((await (await as("M001")).get(`/hours/certificates/${id}`)).text);
    // A member owes 32 学时 a year under the shipped pack.
    expect(printed).toContain("（年度要求 32 学时）");
    expect(f.db.prepare("SELECT required, personName, unitName FROM HoursCertificate WHERE id = ?").get(id)).toEqual({
      required: 3200,
      personName: "调动者",
      unitName: "计算机学院学生党支部",
    });

    f.db.prepare("UPDATE Person SET unitId = ?, name = ? WHERE id = ?").run(elsewhere.id, "改名者", mover);
    const verify = await new Client(server.url).get(`/hours/verify/${signCertificateToken(id, KEY)}`);
    expect(verify.text).toContain("计算机学院学生党支部");
    expect(verify.text).not.toContain("机械学院党委");
    expect(verify.text).toContain("调*者");

    // Nothing is required of a person outside the party: the paper names no requirement.
    const none = await issue(await as("M002"), { year: String(YEAR) });
    expect(decode((await (await as("M002")).get(`/hours/certificates/${none}`)).text)).not.toContain("年度要求");
  });
});
