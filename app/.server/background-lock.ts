import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type pg from "pg";
import { sqlDb } from "./db";
import { env } from "./env";
import { render, sql } from "./sql";
import type { PgSqlDb } from "./sql-pg";

// Background work done by one node at a time (decision 082). Every node (and every `npm start` on one
// SQLite file) starts the sweeper and the reminder runner; each tick first tries the work's lock and,
// when another process holds it, skips the tick instead of waiting: the other is doing the same work
// now, and the next tick comes in seconds. Nothing is waited for, so a stuck holder delays no request.
// - PostgreSQL: `pg_try_advisory_lock` on a connection taken from the pool for the tick, unlocked and
//   given back at its end. A node that dies mid-tick loses its connection, and the lock with it.
// - SQLite: a write transaction (BEGIN IMMEDIATE, no busy wait) on a small file beside the database,
//   `app.db-background-<name>.lock`, as the start-up lock does (decision 076): the operating system's
//   file lock, dropped with the process however it ends.

export type BackgroundLock = {
  /** Runs `fn` if no other process holds the lock `name`; `{ ran: false }` at once if one does. */
  runAlone<T>(name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
};

/** The lock on a PostgreSQL pool: each try takes a connection of its own and holds it while `fn` runs. */
export function pgBackgroundLock(pool: pg.Pool): BackgroundLock {
  const statement = (fn: "pg_try_advisory_lock" | "pg_advisory_unlock", name: string) =>
    render(
      fn === "pg_try_advisory_lock"
        ? sql`SELECT pg_try_advisory_lock(hashtextextended(${`wsdx:background:${name}`}, 0)) AS "held"`
        : sql`SELECT pg_advisory_unlock(hashtextextended(${`wsdx:background:${name}`}, 0)) AS "held"`,
      "postgres",
    );
  return {
    async runAlone(name, fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      // The connection lost while `fn` runs (the server restarted, the session was ended): the lock is
      // gone with it. Noted here, or `pg` throws it from the client as an uncaught error; the unlock then
      // fails and the client is closed.
      const lost = (e: Error) => (broken = e);
      client.on("error", lost);
      try {
        const lock = statement("pg_try_advisory_lock", name);
        const { rows } = await client.query<{ held: boolean }>(lock.text, lock.values);
        if (!rows[0]?.held) return { ran: false };
        try {
          return { ran: true, value: await fn() };
        } finally {
          const unlock = statement("pg_advisory_unlock", name);
          // A connection whose unlock failed may still hold the lock: closed rather than pooled.
          await client.query(unlock.text, unlock.values).catch((e: Error) => (broken = e));
        }
      } finally {
        client.off("error", lost);
        client.release(broken);
      }
    },
  };
}

/**
 * The lock on a SQLite database file: one connection per lock name to its lock file, kept open, and a
 * write transaction on it while `fn` runs (held in this module, so the garbage collector cannot close it).
 */
export function sqliteBackgroundLock(databaseFile: string): BackgroundLock {
  const connections = new Map<string, Database.Database>();
  const connection = (name: string) => {
    let db = connections.get(name);
    if (!db) {
      const file = `${databaseFile}-background-${name}.lock`;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // No busy timeout: a held lock answers SQLITE_BUSY at once.
      connections.set(name, (db = new Database(file, { timeout: 0 })));
    }
    return db;
  };
  const running = new Set<string>();
  return {
    async runAlone(name, fn) {
      // Within the process a file lock does not exclude (it is the same process): a set does.
      if (running.has(name)) return { ran: false };
      const db = connection(name);
      try {
        db.exec("BEGIN IMMEDIATE");
      } catch (e) {
        if ((e as { code?: string }).code === "SQLITE_BUSY") return { ran: false };
        throw e;
      }
      running.add(name);
      try {
        return { ran: true, value: await fn() };
      } finally {
        running.delete(name);
        db.exec("ROLLBACK");
      }
    },
  };
}

// On globalThis like the database connections: server.ts and the Remix build each load this module.
const g = globalThis as typeof globalThis & { __backgroundLock?: BackgroundLock };

/** The app's background lock, on its database's engine. */
export function backgroundLock(): BackgroundLock {
  if (g.__backgroundLock) return g.__backgroundLock;
  const db = sqlDb();
  return (g.__backgroundLock = db.dialect === "postgres" ? pgBackgroundLock((db as PgSqlDb).pool) : sqliteBackgroundLock(env.databaseFile));
}
