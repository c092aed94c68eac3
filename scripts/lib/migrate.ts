import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { all, get, sql } from "../../app/.server/sql";

// Applies the committed migrations with `prisma migrate deploy` (WebAssembly engine, no download),
// skipping the 1.5 s CLI start when the database already has every migration.

const root = path.resolve(import.meta.dirname, "..", "..");

function pendingMigrations(dbFile: string): boolean {
  const dir = path.join(root, "prisma", "migrations");
  const wanted = fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isDirectory());
  if (!fs.existsSync(dbFile)) return wanted.length > 0;
  const db = new Database(dbFile, { readonly: true });
  try {
    const applied = new Set(
      all<{ name: string }>(
        db,
        sql`SELECT "migration_name" AS "name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
      ).map((r) => r.name),
    );
    return wanted.some((m) => !applied.has(m));
  } catch {
    return true;
  } finally {
    db.close();
  }
}

export function migrate(dbFile: string): boolean {
  if (!pendingMigrations(dbFile)) return false;
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  execFileSync(path.join(root, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `file:${dbFile}` },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return true;
}

export function isEmpty(dbFile: string): boolean {
  const db = new Database(dbFile, { readonly: true });
  try {
    return get<{ n: number }>(db, sql`SELECT COUNT(*) AS "n" FROM "OrgUnit"`)!.n === 0;
  } finally {
    db.close();
  }
}
