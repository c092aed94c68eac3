import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { pgPoolConfig } from "../../app/.server/pg-types";

// PostgreSQL's migrations, applied by us rather than `prisma migrate deploy`, which fails through the
// pg adapter (prisma/orm#27403) and cannot run offline without it (decision 073). Each folder of
// prisma/postgresql/migrations is applied once, in name order, in a transaction of its own, and
// recorded with a checksum of its SQL in "_app_migrations". The whole run holds an advisory lock,
// so N nodes starting together apply each migration once: the others wait, then find nothing to do.
// A migration changed after it was applied is refused: the database would no longer be what the
// files say.

export const POSTGRES_MIGRATIONS = path.resolve(import.meta.dirname, "..", "..", "prisma", "postgresql", "migrations");

/** The advisory lock's key: one 64-bit number for "migrating this database" (any fixed value; this is "wsdx-mig"). */
const LOCK_KEY = "8386660536380098919";

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

/**
 * Applies the pending migrations to the database at `url`; returns the names applied (empty when it was
 * up to date). Throws, leaving the failed migration unapplied, when one fails or an applied one was edited.
 */
export async function migratePostgres(url: string, { dir = POSTGRES_MIGRATIONS }: { dir?: string } = {}): Promise<string[]> {
  const migrations = migrationsIn(dir);
  const client = new pg.Client(pgPoolConfig(url));
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${LOCK_KEY})`);
    try {
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
        await client.query("BEGIN");
        try {
          // No parameters: the simple protocol runs the file's statements in order.
          await client.query(m.sql);
          await client.query(`INSERT INTO "_app_migrations" ("name", "checksum") VALUES ($1, $2)`, [m.name, m.checksum]);
          await client.query("COMMIT");
        } catch (e) {
          await client.query("ROLLBACK");
          throw new Error(`PostgreSQL migration ${m.name} failed and was rolled back: ${(e as Error).message}`, { cause: e });
        }
        done.push(m.name);
      }
      return done;
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`);
    }
  } finally {
    await client.end();
  }
}
