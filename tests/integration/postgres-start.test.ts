import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { pgPoolConfig } from "../../app/.server/pg-types";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { Client } from "../support/client";
import { ROOT, TMP } from "../support/paths";
import { type TestDatabase, TEST_CERT_SECRET, freshPostgresDatabase } from "../support/postgres";

// `npm start` on PostgreSQL (issue 16): three nodes started at once on one empty database, each with a
// data folder of its own, as three machines would be. One of them migrates, seeds the demo university
// (on a SQLite file of its own, moved in by decision 078's exporter) and syncs the content; the other
// two wait for the start-up lock and find it done. Then each serves, and each signs in a person the
// first one wrote.

const folder = path.join(TMP, `pg-start-${crypto.randomUUID()}`);
const children: ChildProcess[] = [];
let database: TestDatabase;

afterAll(async () => {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
          c.once("exit", () => (clearTimeout(timer), resolve()));
          c.kill("SIGTERM");
        }),
    ),
  );
  await database?.drop();
  fs.rmSync(folder, { recursive: true, force: true });
});

let node = 0;
/** `npm start` in demo mode on the shared database; resolves with what it printed once it serves. */
function start(url: string): Promise<{ out: string; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "start.ts")], {
    cwd: ROOT,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST"))),
      // As a person types `npm start` (vitest's "test" would be kept into the server).
      NODE_ENV: "development",
      TSX_TSCONFIG_PATH: path.join(ROOT, "tsconfig.json"),
      APP_MODE: "demo",
      DATABASE_URL: url,
      CERT_SECRET: TEST_CERT_SECRET,
      DATA_DIR: path.join(folder, `node-${++node}`),
      HOST: "127.0.0.1",
      PORT: "0",
      WEB_CONCURRENCY: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /is running at (\S+)/.exec(out);
      if (m) resolve({ out, url: m[1] });
    });
    child.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${out}\n${err}`)));
  });
}

describe("three nodes started at once on one empty PostgreSQL database", () => {
  it("migrate, seed and sync once between them, and all three serve the same data", async () => {
    database = await freshPostgresDatabase();
    const started = await Promise.all([start(database.url), start(database.url), start(database.url)]);
    const outs = started.map((s) => s.out);
    expect(outs.filter((o) => /已写入演示大学/.test(o))).toHaveLength(1);
    expect(outs.filter((o) => /题库文件 \(content\/banks\): \d+ 个，0 个已更新/.test(o))).toHaveLength(3);
    const client = new pg.Client(pgPoolConfig(database.url));
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(`SELECT COUNT(*)::integer AS "n" FROM "OrgUnit" WHERE "depth" = 0`);
      expect(rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
    for (const { url } of started) {
      const member = new Client(url);
      expect((await member.login("member", DEMO_PASSWORD)).status, url).toBe(302);
      const home = await member.get("/hours");
      expect(home.status, url).toBe(200);
      expect(home.text).toContain("我的学时");
    }
  }, 240_000);
});
