import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// The CLI's settings for PostgreSQL's schema (decision 073): `prisma generate` of the second client. With
// this config every other command connects to DATABASE_URL first; `prisma migrate diff` between two
// schema files runs with SQLite's config instead (scripts/new-migration.js). Migrations are applied by
// scripts/lib/pg-migrate.ts, not by `prisma migrate deploy` (it fails through the adapter, prisma/orm#27403).
// The schema's url must be a postgres one even where nothing connects (generate); without any, the CLI
// would try to download an engine. DATABASE_URL may be SQLite's in this shell.
if (!/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "")) process.env.DATABASE_URL = "postgresql://unused@127.0.0.1:1/unused";
const url = process.env.DATABASE_URL;

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  // Relative to this file's folder.
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  async adapter() {
    return new PrismaPg({ connectionString: url });
  },
});
