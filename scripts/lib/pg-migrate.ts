import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { pgPoolConfig } from "../../app/.server/pg-types";
import { withStartupLock } from "./startup-lock";

// PostgreSQL's migrations, applied by us rather than `prisma migrate deploy`, which fails through the
// pg adapter (prisma/orm#27403) and cannot run offline without it (decision 073). Each folder of
// prisma/postgresql/migrations is applied once, in name order, in a transaction of its own, and
// recorded with a checksum of its SQL in "_app_migrations". The whole run holds an advisory lock (the
// start-up lock "migrate", decision 076), so N nodes starting together apply each migration once: the
// others wait, then find nothing to do.
// A migration changed after it was applied is refused: the database would no longer be what the
// files say.
//
// Table locks (decision 075, the restore drill): a migration that alters a table needs its ACCESS
// EXCLUSIVE lock, and while it waits for it every later statement on that table queues behind it
// (PostgreSQL's lock queue). A backup holds ACCESS SHARE on every table for its whole dump, so a node
// started during a backup would stall the serving nodes on that table until the dump ended (measured:
// a read waited 22.5 s of a 23 s dump). So each migration's transaction waits at most `timeoutMs` for a
// lock, then rolls back, pauses and tries again: the nodes' statements wait at most that long per try.
// It gives up after `giveUpMs` (default 30 minutes, longer than a school's dump) and names the
// sessions with the oldest open transactions: a session left idle in a transaction would otherwise
// hold the node's start forever.

export const POSTGRES_MIGRATIONS = path.resolve(import.meta.dirname, "..", "..", "prisma", "postgresql", "migrations");

export type Migration = { name: string; sql: string; checksum: string };

/** The migrations on disk, in the order they apply. */
export function migrationsIn(dir: string = POSTGRES_MIGRATIONS): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => fs.statSync(path.join(dir, f)).isDirectory())
    .sort()
    .map((name) => {
      // Line endings are not content: a checkout with CRLF must not look edited.
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8").replace(/\r\n/g, "\n");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

export class MigrationEditedError extends Error {}

/** How a migration waits for a table lock held by someone else: tries of `timeoutMs`, `pauseMs` apart, for at most `giveUpMs`. */
export type LockRetry = { timeoutMs: number; pauseMs: number; giveUpMs: number };
const LOCK_RETRY: LockRetry = { timeoutMs: 500, pauseMs: 2_000, giveUpMs: 30 * 60_000 };
/** lock_not_available: lock_timeout ran out. */
const LOCK_NOT_AVAILABLE = "55P03";

/**
 * Applies the pending migrations to the database at `url`; returns the names applied (empty when it was
 * up to date). Throws, leaving the failed migration unapplied, when one fails or an applied one was edited.
 */
export async function migratePostgres(
  url: string,
  { dir = POSTGRES_MIGRATIONS, lockRetry = LOCK_RETRY }: { dir?: string; lockRetry?: Partial<LockRetry> } = {},
): Promise<string[]> {
  const retry = { ...LOCK_RETRY, ...lockRetry };
  const migrations = migrationsIn(dir);
  const client = new pg.Client(pgPoolConfig(url));
  await client.connect();
  try {
    return await withStartupLock("migrate", { postgres: client }, async () => {
      await client.query(`CREATE TABLE IF NOT EXISTS "_app_migrations" (
        "name" text PRIMARY KEY,
        "checksum" text NOT NULL,
        "appliedAt" timestamptz(3) NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ name: string; checksum: string }>(`SELECT "name", "checksum" FROM "_app_migrations"`);
      const applied = new Map(rows.map((r) => [r.name, r.checksum]));
      const edited = migrations.filter((m) => applied.has(m.name) && applied.get(m.name) !== m.checksum);
      if (edited.length > 0) {
        throw new MigrationEditedError(
          `PostgreSQL migrations changed after they were applied: ${edited.map((m) => m.name).join(", ")}. ` +
            "An applied migration is never edited: restore it and write a new one (npm run db:new-migration).",
        );
      }
      const done: string[] = [];
      for (const m of migrations.filter((m) => !applied.has(m.name))) {
        const waitingSince = Date.now();
        for (let tries = 1; ; tries++) {
          await client.query("BEGIN");
          try {
            await client.query(`SET LOCAL lock_timeout = ${Math.round(retry.timeoutMs)}`);
            // No parameters: the simple protocol runs the file's statements in order.
            await client.query(m.sql);
            await client.query(`INSERT INTO "_app_migrations" ("name", "checksum") VALUES ($1, $2)`, [m.name, m.checksum]);
            await client.query("COMMIT");
            break;
          } catch (e) {
            await client.query("ROLLBACK");
            if ((e as { code?: string }).code !== LOCK_NOT_AVAILABLE) {
              throw new Error(`PostgreSQL migration ${m.name} failed and was rolled back: ${(e as Error).message}`, { cause: e });
            }
            if (Date.now() - waitingSince + retry.pauseMs > retry.giveUpMs) {
              throw new Error(
                `PostgreSQL 迁移 ${m.name} 等待表锁超过 ${Math.round(retry.giveUpMs / 1000)} 秒，已放弃 / migration ${m.name} gave up waiting for a table lock. ` +
                  `Oldest open transactions: ${await oldestTransactions(client)}`,
                { cause: e },
              );
            }
            if (tries === 1) {
              console.info(
                `PostgreSQL 迁移 ${m.name} 正在等待表锁（可能正在备份或有长查询），稍后重试 / migration ${m.name} is waiting for a table lock (a backup or a long query holds it); trying again`,
              );
            }
            await new Promise((r) => setTimeout(r, retry.pauseMs));
          }
        }
        done.push(m.name);
      }
      return done;
    });
  } finally {
    await client.end();
  }
}

/** The sessions of this database with the oldest open transactions (who most likely holds the lock), for the operator. */
async function oldestTransactions(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ pid: number; app: string; state: string; seconds: number }>(
    `SELECT "pid", "application_name" AS "app", "state", floor(extract(epoch FROM now() - "xact_start"))::int AS "seconds"
     FROM pg_stat_activity
     WHERE "datname" = current_database() AND "pid" <> pg_backend_pid() AND "xact_start" IS NOT NULL
     ORDER BY "xact_start" LIMIT 3`,
  );
  return rows.length ? rows.map((r) => `pid ${r.pid} (${r.app || "no application_name"}, ${r.state}, ${r.seconds} s)`).join("; ") : "none left";
}
