import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";

// Manual credit against the real server: a member submits external training with a certificate image
// (judged by its bytes, not its name); only a secretary over the member's unit sees the image and
// decides; approval credits the hours once, rejection needs a reason.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const dataDir = path.join(TMP, `claims-data-${process.pid}-${Date.now()}`);
const PNG_FILE = fs.readFileSync(path.resolve(import.meta.dirname, "../fixtures/media/tiny.png"));
const PNG = new Uint8Array(PNG_FILE);

beforeAll(async () => {
  server = await startTestServer({ env: { DATA_DIR: dataDir } });
  const f = server.factory;
  const root = f.unit({ name: "申请大学党委", kind: "committee" });
  const branch = f.unit({ name: "外语学院党支部", kind: "branch", branchType: "staff", parent: root });
  const other = f.unit({ name: "体育学院党支部", kind: "branch", branchType: "staff", parent: root });
  Object.assign(ids, { branch: branch.id, other: other.id });
  const person = async (key: string, unitId: number) => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("SEC", branch.id);
  f.grant(ids.SEC, "secretary", branch.id);
  await person("OTHERSEC", other.id);
  f.grant(ids.OTHERSEC, "secretary", other.id);
  await person("M1", branch.id);
  await person("M2", branch.id);
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function claimForm(file: { bytes: Uint8Array<ArrayBuffer>; name: string; type: string } | null, overrides: Record<string, string> = {}) {
  const form = new FormData();
  const fields = { title: "省委党校专题培训", organizer: "省委党校", category: "party_school", hours: "8", earnedOn: "2026-03-10", ...overrides };
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append("certificate", new Blob([file.bytes], { type: file.type }), file.name);
  return form;
}
const claims = (key: string) =>
  server.factory.db.prepare("SELECT id, status, filePath, fileMime, hours, decisionReason FROM CreditClaim WHERE personId = ? ORDER BY id").all(ids[key]) as {
    id: number;
    status: string;
    filePath: string;
    fileMime: string;
    hours: number;
    decisionReason: string | null;
  }[];
const claimEntries = (key: string) =>
  server.factory.db.prepare("SELECT amount, category, sourceId FROM HoursEntry WHERE personId = ? AND sourceKind = 'claim'").all(ids[key]);

describe("credit claims", () => {
  it("keeps a certificate only when its bytes are an image", async () => {
    const text = await clients.M1.post(
      "/account/claims",
      claimForm({ bytes: new TextEncoder().encode("not an image at all"), name: "证书.jpg", type: "image/jpeg" }),
    );
    expect(text.status).toBe(400);
    expect(text.text).toContain("证书须为 JPEG、PNG 或 WebP 格式的图片");
    const svg = await clients.M1.post(
      "/account/claims",
      claimForm({ bytes: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), name: "a.png", type: "image/png" }),
    );
    expect(svg.status).toBe(400);
    const missing = await clients.M1.post("/account/claims", claimForm(null, { title: "" }));
    expect(missing.status).toBe(400);
    expect(missing.text).toContain("请填写培训名称");
    expect(missing.text).toContain("请选择证书图片");
    expect(claims("M1")).toEqual([]);

    // A PNG named .jpg is a PNG: stored as one, under DATA_DIR, with a generated name.
    const ok = await clients.M1.post("/account/claims", claimForm({ bytes: PNG, name: "scan.jpg", type: "image/jpeg" }));
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("申请已提交");
    const [claim] = claims("M1");
    expect(claim).toMatchObject({ status: "pending", fileMime: "image/png", hours: 800 });
    expect(claim.filePath).toMatch(/^claims\/[0-9a-f]{32}\.png$/);
    expect(fs.readFileSync(path.join(dataDir, claim.filePath))).toEqual(PNG_FILE);
    expect((await clients.M1.get("/account/claims")).text).toContain("待审核");
  });

  it("shows the image to its owner and reviewers over the unit, to nobody else", async () => {
    const [claim] = claims("M1");
    const url = `/claims/${claim.id}/certificate`;
    for (const key of ["M1", "SEC"]) {
      const res = await clients[key].download(url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      expect(res.bytes).toEqual(PNG_FILE);
    }
    for (const key of ["M2", "OTHERSEC"]) expect((await clients[key].get(url)).status).toBe(404);
    expect((await clients.M1.get("/claims/999999/certificate")).status).toBe(404);
    expect((await new Client(server.url).get(url)).status).toBe(302);
  });

  it("lets only a reviewer over the unit decide, credits an approval once and needs a reason to reject", async () => {
    const [claim] = claims("M1");
    expect((await clients.OTHERSEC.post("/manage/claims", { intent: "approve", claimId: String(claim.id) })).status).toBe(403);
    expect((await clients.M2.post("/manage/claims", { intent: "approve", claimId: String(claim.id) })).status).toBe(403);
    const list = await clients.SEC.get("/manage/claims");
    expect(list.text).toContain("省委党校专题培训");
    expect((await clients.OTHERSEC.get("/manage/claims")).text).not.toContain("省委党校专题培训");

    const approved = await clients.SEC.post("/manage/claims", { intent: "approve", claimId: String(claim.id) });
    expect(approved.text).toContain("已通过");
    expect((await clients.SEC.post("/manage/claims", { intent: "approve", claimId: String(claim.id) })).text).toContain("该申请已审核");
    expect(claimEntries("M1")).toEqual([{ amount: 800, category: "party_school", sourceId: String(claim.id) }]);
    expect((await clients.M1.get("/hours")).text).toContain("校外培训：省委党校专题培训");

    // Rejection: a reason is required and shown to the member.
    expect(
      (
        await clients.M2.post(
          "/account/claims",
          claimForm({ bytes: PNG, name: "x.png", type: "image/png" }, { title: "线上讲座", category: "online", hours: "1" }),
        )
      ).status,
    ).toBe(200);
    const [second] = claims("M2");
    const noReason = await clients.SEC.post("/manage/claims", { intent: "reject", claimId: String(second.id), reason: " " });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("请填写不通过的原因");
    expect(claims("M2")[0].status).toBe("pending");
    expect((await clients.SEC.post("/manage/claims", { intent: "reject", claimId: String(second.id), reason: "证书与培训名称不符" })).text).toContain("已退回");
    expect(claims("M2")[0]).toMatchObject({ status: "rejected", decisionReason: "证书与培训名称不符" });
    expect(claimEntries("M2")).toEqual([]);
    expect((await clients.M2.get("/account/claims")).text).toContain("证书与培训名称不符");
    expect(
      server.factory.db
        .prepare("SELECT action FROM AuditLog WHERE action LIKE 'claim.%' ORDER BY id")
        .all()
        .map((r) => (r as { action: string }).action),
    ).toEqual(["claim.submit", "claim.approve", "claim.submit", "claim.reject"]);
  });

  it("does not let a secretary decide their own claim", async () => {
    expect((await clients.SEC.post("/account/claims", claimForm({ bytes: PNG, name: "x.png", type: "image/png" }, { title: "自己的培训" }))).status).toBe(200);
    const [own] = claims("SEC");
    expect((await clients.SEC.post("/manage/claims", { intent: "approve", claimId: String(own.id) })).text).toContain("不能审核自己的申请");
    expect(claims("SEC")[0].status).toBe("pending");
  });
});
