import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

// The CLI runs on the WebAssembly engine through the driver adapter, so nothing is downloaded
// (see docs/decisions/002-prisma-offline.md). DATABASE_URL is relative to the project root.
process.env.DATABASE_URL ??= "file:./data/app.db";
const url = process.env.DATABASE_URL;

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    // SQLite's CLI settings; PostgreSQL's are prisma/postgresql/prisma.config.ts, and its migrations are applied by npm start (decision 073).
    if (/^postgres(ql)?:\/\//.test(url))
      throw new Error("DATABASE_URL is PostgreSQL: PostgreSQL's migrations are applied by `npm start` (scripts/lib/pg-migrate.ts), not by prisma migrate");
    return new PrismaBetterSQLite3({ url });
  },
});
