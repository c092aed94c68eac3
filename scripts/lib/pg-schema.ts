import fs from "node:fs";
import path from "node:path";

// prisma/schema.prisma is the one source of the data model. Prisma takes the provider from the schema
// file and cannot read it from the environment, so PostgreSQL gets a second schema written from the
// first (decision 073): another provider, another generated client, and every DateTime stored as
// `timestamptz(3)` (an instant, read back the same whatever the time zone of the process or session).

const root = path.resolve(import.meta.dirname, "..", "..");
export const SQLITE_SCHEMA = path.join(root, "prisma", "schema.prisma");
export const POSTGRES_SCHEMA = path.join(root, "prisma", "postgresql", "schema.prisma");

const HEADER = [
  "// Written by `npm run db:pg-schema` from prisma/schema.prisma: do not edit, edit that file and run it again.",
  "// PostgreSQL's copy of the data model (decision 073): its own client, DateTime as timestamptz(3).",
  "",
].join("\n");

/** The PostgreSQL schema for a given SQLite schema text. Pure: the CLI writes it, a unit test compares it. */
export function postgresSchema(source: string): string {
  const replace = (text: string, pattern: RegExp, by: string, what: string) => {
    if (!pattern.test(text)) throw new Error(`pg-schema: ${what} not found in prisma/schema.prisma`);
    return text.replace(pattern, by);
  };
  let out = replace(source, /^(\s*provider\s*=\s*)"sqlite"/m, '$1"postgresql"', 'provider = "sqlite"');
  out = replace(out, /^(\s*output\s*=\s*)"\.\.\/app\/\.server\/generated\/prisma"/m, '$1"../../app/.server/generated/prisma-pg"', "the generator's output");
  // Prisma's default for DateTime on PostgreSQL is `timestamp(3)` without a time zone: `pg` reads
  // that back in the process's zone (shifted unless TZ is UTC), and a session with another TimeZone
  // sees other values. timestamptz stores the instant; the column width and precision are the same.
  out = out.replace(/^(\s+\w+\s+DateTime\??)(?=\s|$)/gm, "$1 @db.Timestamptz(3)");
  return HEADER + out;
}

/** Writes prisma/postgresql/schema.prisma; true when it changed. */
export function writePostgresSchema(): boolean {
  const next = postgresSchema(fs.readFileSync(SQLITE_SCHEMA, "utf8"));
  const current = fs.existsSync(POSTGRES_SCHEMA) ? fs.readFileSync(POSTGRES_SCHEMA, "utf8") : null;
  if (current === next) return false;
  fs.mkdirSync(path.dirname(POSTGRES_SCHEMA), { recursive: true });
  fs.writeFileSync(POSTGRES_SCHEMA, next);
  return true;
}
