import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { render, sql } from "../../app/.server/sql";

// Start-up work done once when several processes or nodes start together on one database (decision
// 076): each runs it under one lock, in turn, and every step is idempotent (migrations already applied
// are skipped, a bank or course file unchanged since its last sync is skipped by its hash, the demo
// seed writes only into an empty database), so the first does the work and the others find it done.
//
// - SQLite: a write transaction (BEGIN IMMEDIATE) held on a small lock file beside the database, for
//   as long as the work runs. The lock is the operating system's lock on that file, which it drops
//   when the process dies however it dies, so a crash mid-way leaves no stale lock to time out and
//   the next process to start simply takes it. (Not on a network file system, whose locks SQLite does
//   not trust; several machines share a PostgreSQL database instead.)
// - PostgreSQL: `pg_advisory_lock` on a session of its own, held while the work runs and dropped with
//   the session if the node dies (the same guarantee).

/** How often a process waiting for the SQLite lock tries again. */
const POLL_MS = 200;

/** A PostgreSQL session (a `pg` Client, not a pool: the lock belongs to the session). */
export type PgSession = { query(text: string, values?: unknown[]): Promise<unknown> };

export type StartupLockTarget = { sqliteFile: string } | { postgres: PgSession };

/** Runs `fn` while holding the start-up lock `name` of the database; waits for it if another process holds it. */
export async function withStartupLock<T>(name: string, target: StartupLockTarget, fn: () => Promise<T>): Promise<T> {
  return "postgres" in target ? withAdvisoryLock(name, target.postgres, fn) : withLockFile(name, target.sqliteFile, fn);
}

/** The lock file of a database file: `data/app.db` → `data/app.db-start-up.lock`. */
export function lockFileOf(name: string, sqliteFile: string): string {
  return `${sqliteFile}-${name}.lock`;
}

/**
 * The connections holding a lock file's transaction, referenced from here while they hold it. Otherwise
 * only the waiting async function refers to one, and when `fn`'s promise is referenced by nothing (work
 * that waits on nothing pending, as the tests' holder does) the garbage collector may take the whole
 * chain: better-sqlite3 closes a collected connection, and the lock went with it, the process alive.
 */
const holding = new Set<Database.Database>();

async function withLockFile<T>(name: string, sqliteFile: string, fn: () => Promise<T>): Promise<T> {
  const file = lockFileOf(name, sqliteFile);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // No busy timeout: a held lock answers SQLITE_BUSY at once, and the wait below keeps the event loop free.
  const db = new Database(file, { timeout: 0 });
  try {
    let said = false;
    for (;;) {
      try {
        db.exec("BEGIN IMMEDIATE");
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== "SQLITE_BUSY") throw e;
        if (!said) console.info(`等待另一个进程完成启动工作 (waiting for another process's start-up work: ${name})…`);
        said = true;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
    holding.add(db);
    try {
      return await fn();
    } finally {
      holding.delete(db);
      db.exec("ROLLBACK");
    }
  } finally {
    db.close();
  }
}

async function withAdvisoryLock<T>(name: string, session: PgSession, fn: () => Promise<T>): Promise<T> {
  // One 64-bit key per name, from the name's text: the same on every node.
  const statement = (verb: "lock" | "unlock") => {
    const key = `wsdx:${name}`;
    const { text, values } = render(
      verb === "lock" ? sql`SELECT pg_advisory_lock(hashtextextended(${key}, 0))` : sql`SELECT pg_advisory_unlock(hashtextextended(${key}, 0))`,
      "postgres",
    );
    return session.query(text, values);
  };
  await statement("lock");
  try {
    return await fn();
  } finally {
    await statement("unlock");
  }
}
