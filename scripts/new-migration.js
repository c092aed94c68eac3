// Stands in for `prisma migrate dev`, which fails offline (see docs/decisions/002-prisma-offline.md):
// deploy the committed migrations to a scratch database, diff it against prisma/schema.prisma,
// and write the difference as a new migration.  Usage: npm run db:new-migration -- <name>
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

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
fs.rmSync(scratch, { recursive: true, force: true });

if (!/\S/.test(sql.replace(/^--.*$/gm, ""))) {
  console.log("schema.prisma matches the migrations: nothing to write.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(migrationsDir, `${stamp}_${name}`);
fs.mkdirSync(dir);
fs.writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`wrote ${path.relative(root, dir)}/migration.sql — review it, then npm run db:migrate`);
