import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";
import { env } from "./env";
import { PrismaClient } from "./generated/prisma/client";

// The one Prisma client of the process, plus one raw better-sqlite3 connection for batch writers
// (bulk import, and later contest answers and heartbeats), where one statement per row through
// Prisma would be 50–100× slower. Both open the same file in WAL mode.

const BUSY_TIMEOUT_MS = 5000;

function createPrisma() {
  fs.mkdirSync(path.dirname(env.databaseFile), { recursive: true });
  const adapter = new PrismaBetterSQLite3({ url: env.databaseFile, timeout: BUSY_TIMEOUT_MS });
  return new PrismaClient({ adapter });
}

function createRaw() {
  fs.mkdirSync(path.dirname(env.databaseFile), { recursive: true });
  const raw = new Database(env.databaseFile, { timeout: BUSY_TIMEOUT_MS });
  applyPragmas(raw);
  return raw;
}

export function applyPragmas(raw: Database.Database) {
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = NORMAL");
  raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  raw.pragma("foreign_keys = ON");
}

type Globals = { __prisma?: PrismaClient; __raw?: Database.Database; __prismaReady?: Promise<void> };
const g = globalThis as typeof globalThis & Globals;

export const prisma: PrismaClient = (g.__prisma ??= createPrisma());

/** The raw connection for batched writes; dates go through `sqliteTimestamp`. */
export function rawDb(): Database.Database {
  return (g.__raw ??= createRaw());
}

/** Sets the per-connection PRAGMAs on Prisma's connection; awaited before the server listens. */
export function prismaReady(): Promise<void> {
  return (g.__prismaReady ??= (async () => {
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
    await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
    await prisma.$queryRawUnsafe(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  })());
}

/** The timestamp text the Prisma adapter writes (ISO 8601 with "+00:00"): raw writers must match it. */
export function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}
