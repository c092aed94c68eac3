import type Database from "better-sqlite3";
import { type SqlValue, join, raw, run, sql } from "../app/.server/sql";

// Many rows of one table in a few statements: the demo's year of letters, posts and likes would
// otherwise be thousands of single inserts. Chunks stay well under SQLite's bound-parameter limit.

const MAX_PARAMS = 30_000;

export function insertRows(db: Database.Database, table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): number {
  if (rows.length === 0) return 0;
  const head = raw(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `);
  const per = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  let n = 0;
  for (let i = 0; i < rows.length; i += per) {
    const values = rows.slice(i, i + per).map((r) => sql`(${join(r)})`);
    n += run(db, sql`${head}${join(values)}`);
  }
  return n;
}
