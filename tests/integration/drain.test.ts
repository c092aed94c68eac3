import { afterAll, beforeAll, expect, it } from "vitest";
import { type TestServer, startTestServer } from "../support/server";
import { type SpawnedServer, spawnServer } from "../support/spawn-server";

// A node stopped behind a balancer drains (decision 079): for DRAIN_SECONDS after SIGTERM its health
// check answers 503 "draining" while every other request is still served, so the balancer (HAProxy
// checks every second and takes a node out after two failures) sends it nothing new before its port
// closes. Then it exits as before. Without it, the port closed at once and a request on a connection
// the balancer had kept open could meet the close.

let db: TestServer;
let node: SpawnedServer;

beforeAll(async () => {
  db = await startTestServer();
  node = await spawnServer({ dbFile: db.dbFile, env: { DRAIN_SECONDS: "5" } });
});
afterAll(async () => {
  await node?.stop();
  await db?.stop();
});

it("answers 503 on /healthz while it drains, still serves pages, then closes and exits cleanly", async () => {
  expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
  const exited = new Promise<number | null>((r) => node.child.once("exit", (code) => r(code)));
  const t0 = Date.now();
  node.child.kill("SIGTERM");

  let health = await fetch(`${node.url}/healthz`);
  while (health.status === 200 && Date.now() - t0 < 4_000) health = await fetch(`${node.url}/healthz`);
  expect(health.status).toBe(503);
  expect(health.headers.get("cache-control")).toBe("no-store");
  expect(await health.json()).toEqual({ status: "draining" });
  const page = await fetch(`${node.url}/login`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("登录");
  expect(Date.now() - t0).toBeLessThan(5_000);

  expect(await exited).toBe(0);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(5_000);
  await expect(fetch(`${node.url}/healthz`)).rejects.toThrow();
  // The other server on the same database, without DRAIN_SECONDS, was never affected.
  expect((await fetch(`${db.url}/healthz`)).status).toBe(200);
});
