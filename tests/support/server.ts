import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type Factory, openFactory } from "../factories";
import { testEngine } from "./engine";
import { TEMPLATE_DB, TMP } from "./paths";
import { freshPostgresDatabase } from "./postgres";
import { spawnServer } from "./spawn-server";

// The real server in a child process, on a free port, against its own copy of the template
// database. Tests talk to it over HTTP and build their data with the factories on the same file.
// With TEST_ENGINE=postgres (decision 080) the server runs on a fresh PostgreSQL database copied from the
// migrated template instead, and the factory's handle (`factory.db`) is the synchronous one of pg-sync.ts.

export type TestServer = {
  url: string;
  /** The SQLite file, or on PostgreSQL the database's URL. */
  dbFile: string;
  factory: Factory;
  /** Lines the server printed to stderr (a test may assert none were unexpected). */
  stderr: string[];
  stop(): Promise<void>;
};

export async function startTestServer(opts: { env?: Record<string, string>; allowStderr?: boolean; logFd?: number } = {}): Promise<TestServer> {
  if (testEngine() === "postgres") return startOnPostgres(opts);
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

async function startOnPostgres(opts: { env?: Record<string, string>; allowStderr?: boolean; logFd?: number }): Promise<TestServer> {
  const database = await freshPostgresDatabase();
  const factory = openFactory(database.url);
  let server;
  try {
    server = await spawnServer({ dbFile: database.url, env: opts.env, logFd: opts.logFd });
  } catch (e) {
    factory.close();
    await database.drop();
    throw e;
  }
  return {
    url: server.url,
    dbFile: database.url,
    factory,
    stderr: server.stderr,
    async stop() {
      factory.close();
      await server.stop();
      // What the server said while it served: dropping the database ends any connection left (a worker
      // process still stopping), which would log its own lines.
      const logged = server.stderr.join("").trim();
      await database.drop();
      if (logged && !opts.allowStderr) throw new Error(`the server wrote to stderr:\n${logged}`);
    },
  };
}
