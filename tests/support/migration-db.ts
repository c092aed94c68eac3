import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { ROOT, TMP } from "./paths";

// A data migration tested on the data it exists for: a fresh SQLite file with every migration before
// the one named applied, for the test to fill as the old code stored things, then `apply()` runs it.

const MIGRATIONS = path.join(ROOT, "prisma", "migrations");

export type MigrationDb = { db: Database.Database; apply(): void; close(): void };

export function databaseBefore(name: string): MigrationDb {
  const folders = fs
    .readdirSync(MIGRATIONS)
    .filter((f) => fs.statSync(path.join(MIGRATIONS, f)).isDirectory())
    .sort();
  const sql = (folder: string) => fs.readFileSync(path.join(MIGRATIONS, folder, "migration.sql"), "utf8");
  const index = folders.findIndex((f) => f.endsWith(`_${name}`));
  if (index <= 0) throw new Error(`no migration named ${name} after the first`);
  fs.mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, `migration-${crypto.randomUUID()}.db`);
  const db = new Database(file);
  for (const f of folders.slice(0, index)) db.exec(sql(f));
  return {
    db,
    apply: () => db.exec(sql(folders[index])),
    close: () => {
      db.close();
      for (const s of ["", "-wal", "-shm"]) fs.rmSync(file + s, { force: true });
    },
  };
}
