import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { type Factory, openFactory } from "../factories";
import { testEngine } from "./engine";
import { TEMPLATE_DB, TMP } from "./paths";
import { freshPostgresDatabase } from "./postgres";

// A database of its own for a test that runs the app's modules in its own process (not through
// startTestServer()), on the engine the run is on (decision 080): a copy of the migrated SQLite template,
// or with TEST_ENGINE=postgres a fresh PostgreSQL database copied from the migrated template.
//
// The app's env module reads DATABASE_URL once, when it is first imported, so the test asks for its
// database before any app module is imported: in an async vi.hoisted, which runs before the file's imports:
//
//   const { testDb } = await vi.hoisted(async () => {
//     const { inProcessDatabase } = await import("../support/in-process-db");
//     return { testDb: await inProcessDatabase("ledger") };
//   });
//
// and removes it in afterAll with `await testDb.remove()` (after the factory is closed).

export type InProcessDatabase = {
  /** The DATABASE_URL the app's modules in this process use: `file:` and the SQLite file, or the PostgreSQL URL. */
  url: string;
  /** The SQLite file, or on PostgreSQL the database's URL: what openFactory() and spawnServer() take. */
  target: string;
  /** The record writer on it; `factory.db` is the synchronous handle to read and write rows as the tests write SQL. */
  factory: Factory;
  /** A synchronous handle (better-sqlite3, or pg-sync.ts's on PostgreSQL): the factory's. */
  db: Database.Database;
  /** Closes the factory and the app's connections in this process, and deletes the database (the file with its WAL and lock files, or DROP DATABASE). */
  remove(): Promise<void>;
};

/** A new database for this file, with DATABASE_URL pointing at it in this process. `label` names the SQLite file. */
export async function inProcessDatabase(label: string): Promise<InProcessDatabase> {
  let target: string;
  let url: string;
  let drop: () => Promise<void>;
  if (testEngine() === "postgres") {
    const database = await freshPostgresDatabase();
    target = url = database.url;
    drop = () => database.drop();
  } else {
    if (!fs.existsSync(TEMPLATE_DB)) throw new Error("template database missing: the integration global setup creates it");
    const file = path.join(TMP, `${label}-${crypto.randomUUID()}.db`);
    fs.copyFileSync(TEMPLATE_DB, file);
    target = file;
    url = `file:${file}`;
    drop = async () => {
      // With the background work's lock files beside it (decision 082).
      for (const suffix of ["", "-wal", "-shm", "-background-sweeper.lock", "-background-reminders.lock"]) fs.rmSync(file + suffix, { force: true });
    };
  }
  process.env.DATABASE_URL = url;
  const factory = openFactory(target);
  let removed = false;
  return {
    url,
    target,
    factory,
    db: factory.db,
    async remove() {
      if (removed) return;
      removed = true;
      if (factory.db.open) factory.close();
      // The app's connections in this process, when a test imported its modules (db.ts keeps Prisma on globalThis).
      if ((globalThis as { __prisma?: unknown }).__prisma) await (await import("../../app/.server/db")).closeDatabase();
      await drop();
    },
  };
}
