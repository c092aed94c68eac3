import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";
import { type SpawnedServer, spawnServer } from "../support/spawn-server";

// The compiled-lesson cache shared by nodes (decision 082): two independent servers on one database,
// each with a data folder of its own (node-local disks, as with S3 storage for the files). A lesson a
// trainer publishes through one is compiled there, and a learner's first page on the other shows it at
// once: the other reads the compiled tree from the database and does not compile. Before, the cache's
// second level was a folder under DATA_DIR: the other node had nothing, and its learner was told the
// content was still being prepared.

let a: TestServer;
let b: SpawnedServer;
const dirs = ["a", "b"].map((n) => path.join(TMP, `mdx-nodes-${n}-${process.pid}-${Date.now()}`));
const PASSWORD = "Passw0rd1";
const PREPARING = "课时内容正在准备中";
const clients: Record<string, { a: Client; b: Client }> = {};
let collegeId: number;

beforeAll(async () => {
  a = await startTestServer({ env: { DATA_DIR: dirs[0] } });
  b = await spawnServer({ dbFile: a.dbFile, env: { DATA_DIR: dirs[1] } });
  const f = a.factory;
  const root = f.unit({ name: "两节点大学党委", kind: "committee" });
  const college = f.unit({ name: "文学院党委", kind: "college", parent: root });
  collegeId = college.id;
  for (const key of ["T1", "L1"]) {
    const id = f.person({ number: key, name: `人员${key}`, unitId: college.id, category: "staff", politicalStatus: "member" });
    await f.password(id, PASSWORD);
    if (key === "T1") f.grant(id, "trainer", college.id);
    clients[key] = { a: new Client(a.url), b: new Client(b.url) };
    expect((await clients[key].a.login(key, PASSWORD)).status).toBe(302);
    expect((await clients[key].b.login(key, PASSWORD)).status).toBe(302);
  }
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("a lesson compiled on one node", () => {
  it("is shown by the other node on a learner's first visit, without a compile there", async () => {
    const created = await clients.T1.a.post("/manage/courses", { title: "两节点的课程", slug: "liang-jiedian", category: "党课", unitId: String(collegeId) });
    const url = created.location!;
    const settings = {
      intent: "settings",
      title: "两节点的课程",
      summary: "在一个节点发布",
      category: "党课",
      tags: "",
      completion: "90",
      audience: "member",
      body: "课程介绍。",
    };
    expect((await clients.T1.a.post(url, settings)).status).toBe(200);
    const body = "这是**第一节点**编译的正文。";
    const lesson = { intent: "save-lesson", title: "第一课", minutes: "1", credit: "100", video: "", body, checkpoints: "" };
    expect((await clients.T1.a.post(`${url}/lessons/lesson-1`, lesson)).status).toBe(200);
    expect((await clients.T1.a.post(url, { intent: "publish" })).status).toBe(200);

    const page = await clients.L1.b.get("/courses/liang-jiedian/lesson-1");
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(PREPARING);
    expect(page.text).toContain("<strong>第一节点</strong>编译的正文");
    // Nothing was written into either node's own folder: the tree is in the database.
    expect(fs.existsSync(path.join(dirs[0], "cache", "mdx"))).toBe(false);
    expect(fs.existsSync(path.join(dirs[1], "cache", "mdx"))).toBe(false);
  });
});
