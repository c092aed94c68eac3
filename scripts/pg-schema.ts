import path from "node:path";
import { POSTGRES_SCHEMA, writePostgresSchema } from "./lib/pg-schema";

// `npm run db:pg-schema`: writes PostgreSQL's schema from prisma/schema.prisma (decision 073).
// `npm run db:new-migration` runs it too; run it alone after editing schema.prisma without a migration.
const changed = writePostgresSchema();
console.info(`${path.relative(process.cwd(), POSTGRES_SCHEMA)} ${changed ? "written" : "already up to date"}`);
