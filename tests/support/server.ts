import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type Factory, openFactory } from "../factories";
import { TEMPLATE_DB, TMP } from "./paths";
import { spawnServer } from "./spawn-server";

// The real server in a child process, on a free port, against its own copy of the template
// database. Tests talk to it over HTTP and build their data with the factories on the same file.

export type TestServer = {
  url: string;
  dbFile: string;
  factory: Factory;
  /** Lines the server printed to stderr (a test may assert none were unexpected). */
  stderr: string[];
  stop(): Promise<void>;
};

export async function startTestServer(opts: { env?: Record<string, string>; allowStderr?: boolean; logFd?: number } = {}): Promise<TestServer> {
  if (!fs.existsSync(TEMPLATE_DB)) throw new Error("template database missing: the integration global setup creates it");
  const dbFile = path.join(TMP, `test-${crypto.randomUUID()}.db`);
  fs.copyFileSync(TEMPLATE_DB, dbFile);
  const factory = openFactory(dbFile);
  const server = await spawnServer({ dbFile, env: opts.env, logFd: opts.logFd });
  return {
    url: server.url,
    dbFile,
    factory,
    stderr: server.stderr,
    async stop() {
      factory.close();
      await server.stop();
      // With the background work's lock files beside it (decision 082).
      for (const suffix of ["", "-wal", "-shm", "-background-sweeper.lock", "-background-reminders.lock"]) fs.rmSync(dbFile + suffix, { force: true });
      // Like console.error in a test: a server that logged an error the test did not expect fails it.
      const logged = server.stderr.join("").trim();
      if (logged && !opts.allowStderr) throw new Error(`the server wrote to stderr:\n${logged}`);
    },
  };
}
