import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { POSTGRES_SCHEMA, SQLITE_SCHEMA, postgresSchema } from "../../scripts/lib/pg-schema";

// One data model, two schema files (decision 073): PostgreSQL's is written from SQLite's, and its
// migrations are written beside SQLite's by `npm run db:new-migration`.

const MIGRATED = path.join(path.dirname(POSTGRES_SCHEMA), "migrated.prisma");

describe("PostgreSQL's schema", () => {
  it("is the one written from prisma/schema.prisma (run npm run db:pg-schema)", () => {
    const expected = postgresSchema(fs.readFileSync(SQLITE_SCHEMA, "utf8"));
    const committed = fs.readFileSync(POSTGRES_SCHEMA, "utf8");
    expect(committed === expected, "prisma/postgresql/schema.prisma is stale: run npm run db:pg-schema").toBe(true);
  });

  it("has a migration for every change (run npm run db:new-migration -- <name>)", () => {
    const migrated = fs.readFileSync(MIGRATED, "utf8");
    const current = fs.readFileSync(POSTGRES_SCHEMA, "utf8");
    expect(
      migrated === current,
      "prisma/postgresql/migrated.prisma differs from schema.prisma: PostgreSQL's migrations miss a change, run npm run db:new-migration -- <name>",
    ).toBe(true);
  });

  it("changes the provider, the client's folder and every DateTime, and nothing else", () => {
    const source = [
      "generator client {",
      '  provider = "prisma-client"',
      '  output   = "../app/.server/generated/prisma"',
      "}",
      "datasource db {",
      '  provider = "sqlite"',
      '  url      = env("DATABASE_URL")',
      "}",
      "model A {",
      "  id        Int       @id @default(autoincrement())",
      "  at        DateTime  @default(now()) // when",
      "  doneAt    DateTime?",
      "  note      String    // a DateTime in a comment stays",
      "}",
      "",
    ].join("\n");
    const out = postgresSchema(source);
    expect(out).toContain('provider = "postgresql"');
    expect(out).toContain('output   = "../../app/.server/generated/prisma-pg"');
    expect(out).toContain("  at        DateTime @db.Timestamptz(3)  @default(now()) // when");
    expect(out).toContain("  doneAt    DateTime? @db.Timestamptz(3)\n");
    expect(out).toContain("  note      String    // a DateTime in a comment stays");
    expect(out.match(/Timestamptz/g)).toHaveLength(2);
  });

  it("refuses a source it does not recognise rather than writing a wrong schema", () => {
    expect(() => postgresSchema('datasource db {\n  provider = "mysql"\n}\n')).toThrow(/provider = "sqlite"/);
  });

  it("stores every DateTime of the real schema as timestamptz(3)", () => {
    const committed = fs.readFileSync(POSTGRES_SCHEMA, "utf8");
    const dateFields = committed.split("\n").filter((l) => /^\s+\w+\s+DateTime\??\s/.test(l));
    expect(dateFields.length).toBeGreaterThan(100);
    for (const l of dateFields) expect(l).toContain("@db.Timestamptz(3)");
  });
});
