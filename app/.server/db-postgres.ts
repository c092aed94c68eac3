import { PrismaPg } from "@prisma/adapter-pg";
import { type PrismaClient } from "./generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "./generated/prisma-pg/client";
import { pgPoolConfig } from "./pg-types";

// Prisma on PostgreSQL (decision 073), loaded by db.ts only when DATABASE_URL is postgres(ql)://, so the
// SQLite setup never loads `pg` or this second client.
//
// The PostgreSQL client is generated from prisma/postgresql/schema.prisma, which is written from
// prisma/schema.prisma (a unit test fails when they differ): the same models, fields and relations,
// so the same model API. It is typed as the SQLite client the whole app is written against. What the
// PostgreSQL client offers beyond it (`mode: "insensitive"` on string filters) is reached only through
// `insensitive()` in db.ts; what it lacks, nothing: SQLite's filters are a subset of PostgreSQL's.

export function createPostgresPrisma(url: string): PrismaClient {
  const adapter = new PrismaPg(pgPoolConfig(url));
  return new PostgresPrismaClient({ adapter }) as unknown as PrismaClient;
}
