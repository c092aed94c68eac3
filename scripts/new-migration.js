// Stands in for `prisma migrate dev`, which fails offline (see docs/decisions/002-prisma-offline.md):
// deploy the committed migrations to a scratch database, diff it against prisma/schema.prisma,
// and write the difference as a new migration.  Usage: npm run db:new-migration -- <name>
// PostgreSQL's migration is written beside it (decision 073): prisma/postgresql/schema.prisma is written
// from schema.prisma, diffed against prisma/postgresql/migrated.prisma (the model its migrations build),
// and the difference goes to prisma/postgresql/migrations/<same folder>/migration.sql.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { POSTGRES_SCHEMA, writePostgresSchema } from "./lib/pg-schema";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
if (!name) {
  console.error("usage: npm run db:new-migration -- <name>");
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, "..");
const prisma = path.join(root, "node_modules", ".bin", "prisma");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "wsdx-migrate-"));
const scratchDb = path.join(scratch, "scratch.db");
const env = { ...process.env, DATABASE_URL: `file:${scratchDb}` };
const run = (args) => execFileSync(prisma, args, { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

const migrationsDir = path.join(root, "prisma", "migrations");
fs.mkdirSync(migrationsDir, { recursive: true });
const lock = path.join(migrationsDir, "migration_lock.toml");
if (!fs.existsSync(lock)) fs.writeFileSync(lock, 'provider = "sqlite"\n');

const hasMigrations = fs.readdirSync(migrationsDir).some((f) => fs.statSync(path.join(migrationsDir, f)).isDirectory());
let from = ["--from-empty"];
if (hasMigrations) {
  run(["migrate", "deploy"]);
  const current = path.join(scratch, "current.prisma");
  // With a driver adapter the CLI prefixes the printed schema with a warning: keep the schema only.
  const pulled = run(["db", "pull", "--print"]);
  fs.writeFileSync(current, pulled.slice(Math.max(0, pulled.search(/^(generator|datasource|model) /m))));
  from = ["--from-schema-datamodel", current];
}
const sql = run(["migrate", "diff", ...from, "--to-schema-datamodel", path.join(root, "prisma", "schema.prisma"), "--script"]);

// PostgreSQL: from the model its migrations build to the one written from schema.prisma now. Both are
// schema files, so the diff needs no database. It runs with SQLite's config (the scratch file): with
// PostgreSQL's, the CLI connects to DATABASE_URL first.
writePostgresSchema();
const pgDir = path.join(root, "prisma", "postgresql");
const pgMigrationsDir = path.join(pgDir, "migrations");
const migrated = path.join(pgDir, "migrated.prisma");
fs.mkdirSync(pgMigrationsDir, { recursive: true });
const pgLock = path.join(pgMigrationsDir, "migration_lock.toml");
if (!fs.existsSync(pgLock)) fs.writeFileSync(pgLock, 'provider = "postgresql"\n');
const pgFrom = fs.existsSync(migrated) ? ["--from-schema-datamodel", migrated] : ["--from-empty"];
const pgSql = run(["migrate", "diff", ...pgFrom, "--to-schema-datamodel", POSTGRES_SCHEMA, "--script"]);
fs.rmSync(scratch, { recursive: true, force: true });

const empty = (text) => !/\S/.test(text.replace(/^--.*$/gm, ""));
if (empty(sql) && empty(pgSql)) {
  console.log("schema.prisma matches the migrations of both engines: nothing to write.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
for (const [base, text] of [
  [migrationsDir, sql],
  [pgMigrationsDir, pgSql],
]) {
  if (empty(text)) continue;
  const dir = path.join(base, `${stamp}_${name}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "migration.sql"), text);
  console.log(`wrote ${path.relative(root, dir)}/migration.sql — review it`);
}
fs.copyFileSync(POSTGRES_SCHEMA, migrated);
console.log("then npm run db:migrate (SQLite); PostgreSQL's are applied by npm start");
