import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";
import { type SpawnedServer, spawnServer } from "../support/spawn-server";

// Two independent server processes (two nodes, not one node's workers: no primary between them) on
// one database and one shared data folder (decision 076): a file uploaded through one is served by the
// other, and sign-in failures spread over both hit one throttle, since it is kept in the database.
// Before, each process counted on its own: five failures on each were ten tries.

let a: TestServer;
let b: SpawnedServer;
const dataDir = path.join(TMP, `two-nodes-${process.pid}-${Date.now()}`);
const PASSWORD = "Passw0rd1";
const PNG = new Uint8Array(fs.readFileSync(path.resolve(import.meta.dirname, "../fixtures/media/tiny.png")));

beforeAll(async () => {
  a = await startTestServer({ env: { DATA_DIR: dataDir } });
  b = await spawnServer({ dbFile: a.dbFile, env: { DATA_DIR: dataDir } });
  const f = a.factory;
  const root = f.unit({ name: "两节点大学党委", kind: "committee" });
  const branch = f.unit({ name: "化学学院党支部", kind: "branch", branchType: "staff", parent: root });
  for (const number of ["UPLOADER", "VICTIM"]) await f.password(f.person({ number, name: number, unitId: branch.id, politicalStatus: "member" }), PASSWORD);
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("two nodes on one database and one shared folder", () => {
  it("serves on one node the certificate image uploaded through the other", async () => {
    const onA = new Client(a.url);
    expect((await onA.login("UPLOADER", PASSWORD)).status).toBe(302);
    const form = new FormData();
    for (const [k, v] of Object.entries({ title: "市委党校轮训", organizer: "市委党校", category: "party_school", hours: "4", earnedOn: "2026-03-10" }))
      form.append(k, v);
    form.append("certificate", new Blob([PNG], { type: "image/png" }), "证书.png");
    const submitted = await onA.post("/account/claims", form);
    expect(submitted.status).toBe(200);
    expect(submitted.text).toContain("申请已提交");
    const { id } = a.factory.db.prepare(`SELECT "id" FROM "CreditClaim" ORDER BY "id" DESC LIMIT 1`).get() as { id: number };

    const onB = new Client(b.url);
    expect((await onB.login("UPLOADER", PASSWORD)).status).toBe(302);
    const image = await onB.download(`/claims/${id}/certificate`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.bytes.equals(Buffer.from(PNG))).toBe(true);
  });

  it("locks an account after five failures spread over both nodes", async () => {
    for (let i = 0; i < 5; i++) expect((await new Client(i % 2 ? b.url : a.url).login("VICTIM", "wrong-password")).status).toBe(400);
    // The right password, from the same address, on either node: refused for now.
    expect((await new Client(a.url).login("VICTIM", PASSWORD)).status).toBe(400);
    expect((await new Client(b.url).login("VICTIM", PASSWORD)).status).toBe(400);
  });
});
