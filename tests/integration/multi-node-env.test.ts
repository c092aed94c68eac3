import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TEMPLATE_DB, TMP } from "../support/paths";
import { SERVER_START_TEST_MS, spawnServer } from "../support/spawn-server";

// Multi-node mode (a PostgreSQL DATABASE_URL, decision 076) refuses to start without CERT_SECRET, in
// English for the operator and in Chinese, before it touches anything: otherwise each node would sign
// certificates with a key of its own that the other nodes cannot verify.

const dbFile = path.join(TMP, `multi-node-${crypto.randomUUID()}.db`);
afterAll(() => {
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
});

describe("multi-node mode", () => {
  it("refuses to start without CERT_SECRET, saying why in English and Chinese", { timeout: SERVER_START_TEST_MS }, async () => {
    fs.copyFileSync(TEMPLATE_DB, dbFile);
    const env: Record<string, string> = { DATABASE_URL: "postgresql://app@127.0.0.1:5432/dangxiao", CERT_SECRET: "" }; // "" is unset
    const started = spawnServer({ dbFile, env, startTimeoutMs: 60_000 });
    await expect(started).rejects.toThrow(/CERT_SECRET is required when DATABASE_URL is PostgreSQL/);
    await expect(started).rejects.toThrow(/必须设置 CERT_SECRET/);
  });

  it("starts one machine on SQLite without CERT_SECRET, as before", { timeout: SERVER_START_TEST_MS }, async () => {
    expect(process.env.CERT_SECRET).toBeUndefined();
    const server = await spawnServer({ dbFile });
    await server.stop();
  });
});
