import Database from "better-sqlite3";
import { hashPassword } from "../../app/.server/auth/password";
import { ledgerMonth } from "../../app/lib/hours";
import { get, run, sql } from "../../app/.server/sql";

// Writes org units, people, status changes, passwords, role grants, notices and 学时 entries straight
// into a SQLite file: how the demo seed (prisma/seed.ts, prisma/seed-history.ts) and the production
// bootstrap (scripts/create-admin.ts) write, and what the tests' factories are (tests/factories.ts
// re-exports it). It uses the raw driver so the seed writes 12,000 people in well under a second;
// its statements go through the one raw-SQL helper (decision 037), portable SQL that binds dates as
// the Prisma adapter's timestamps and booleans per engine, each text prepared once per connection.

export type UnitRow = { id: number; path: string; depth: number; name: string; kind: string };

export type PersonInput = {
  number: string;
  name: string;
  unitId: number;
  politicalStatus?: string;
  statusSince?: Date | null;
  gender?: "male" | "female" | null;
  category?: "student" | "staff" | "foreign" | "service";
  cadreLevel?: "none" | "section" | "division";
  isCommitteeMember?: boolean;
  committeeRole?: string | null;
  phone?: string | null;
  disabled?: boolean;
};

/** On a SQLite file, or on a connection already open (the tests' handle on PostgreSQL, tests/support/pg-sync.ts). */
export function openRecordWriter(target: string | Database.Database) {
  const db = typeof target === "string" ? openFile(target) : target;

  function unit(input: { name: string; kind: string; parent?: UnitRow | null; branchType?: string | null; sortOrder?: number }): UnitRow {
    const parent = input.parent ?? null;
    const depth = parent ? parent.depth + 1 : 0;
    const now = new Date();
    // The path holds the unit's own id, known only once the row exists.
    const { id } = get<{ id: number }>(
      db,
      sql`INSERT INTO "OrgUnit" ("name", "kind", "branchType", "parentId", "path", "depth", "sortOrder", "createdAt", "updatedAt")
          VALUES (${input.name}, ${input.kind}, ${input.branchType ?? null}, ${parent?.id ?? null}, '', ${depth}, ${input.sortOrder ?? 0}, ${now}, ${now})
          RETURNING "id"`,
    )!;
    const path = `${parent?.path ?? "/"}${id}/`;
    run(db, sql`UPDATE "OrgUnit" SET "path" = ${path} WHERE "id" = ${id}`);
    return { id, path, depth, name: input.name, kind: input.kind };
  }

  function person(input: PersonInput): number {
    const now = new Date();
    return get<{ id: number }>(
      db,
      sql`INSERT INTO "Person" ("number", "name", "gender", "category", "unitId", "politicalStatus", "statusSince", "cadreLevel",
            "isCommitteeMember", "committeeRole", "phone", "disabledAt", "createdAt", "updatedAt")
          VALUES (${input.number}, ${input.name}, ${input.gender ?? null}, ${input.category ?? "student"}, ${input.unitId}, ${input.politicalStatus ?? "masses"},
            ${input.statusSince ?? null}, ${input.cadreLevel ?? "none"}, ${input.isCommitteeMember ?? false}, ${input.committeeRole ?? null},
            ${input.phone ?? null}, ${input.disabled ? now : null}, ${now}, ${now})
          RETURNING "id"`,
    )!.id;
  }

  function statusChange(personId: number, fromStatus: string | null, toStatus: string, effectiveOn: Date, note: string | null = null) {
    run(
      db,
      sql`INSERT INTO "StatusChange" ("personId", "fromStatus", "toStatus", "effectiveOn", "note", "recordedById", "recordedAt")
          VALUES (${personId}, ${fromStatus}, ${toStatus}, ${effectiveOn}, ${note}, NULL, ${new Date()})`,
    );
  }

  /** Sets a password from an existing hash: bulk accounts share one hash instead of 12,000 argon2 runs. */
  function passwordHash(personId: number, hash: string, mustChange = false) {
    run(
      db,
      sql`INSERT INTO "Password" ("personId", "hash", "mustChange", "updatedAt") VALUES (${personId}, ${hash}, ${mustChange}, ${new Date()})
          ON CONFLICT ("personId") DO UPDATE SET "hash" = excluded."hash", "mustChange" = excluded."mustChange", "updatedAt" = excluded."updatedAt"`,
    );
  }

  async function password(personId: number, plain: string, mustChange = false) {
    passwordHash(personId, await hashPassword(plain), mustChange);
  }

  function grant(personId: number, role: "trainer" | "secretary" | "admin", unitId: number) {
    run(
      db,
      sql`INSERT INTO "RoleGrant" ("personId", "role", "unitId", "grantedById", "createdAt") VALUES (${personId}, ${role}, ${unitId}, NULL, ${new Date()})`,
    );
  }

  function notice(input: { unitId: number; title: string; body: string; pinned?: boolean; authorId: number; publishedAt?: Date }) {
    return get<{ id: number }>(
      db,
      sql`INSERT INTO "Notice" ("unitId", "title", "body", "pinned", "authorId", "publishedAt")
          VALUES (${input.unitId}, ${input.title}, ${input.body}, ${input.pinned ?? false}, ${input.authorId}, ${input.publishedAt ?? new Date()})
          RETURNING "id"`,
    )!.id;
  }

  function hours(input: {
    personId: number;
    year: number;
    amount: number;
    category: string;
    sourceKind: string;
    sourceId: string;
    note?: string;
    earnedAt?: Date;
    approvedById?: number | null;
    createdAt?: Date;
  }) {
    const now = new Date();
    const earnedAt = input.earnedAt ?? now;
    // The month follows earnedAt as the ledger writes it; `year` is the caller's, as given.
    run(
      db,
      sql`INSERT INTO "HoursEntry" ("personId", "year", "month", "amount", "category", "sourceKind", "sourceId", "approvedById", "note", "earnedAt", "createdAt")
          VALUES (${input.personId}, ${input.year}, ${ledgerMonth(earnedAt)}, ${input.amount}, ${input.category}, ${input.sourceKind}, ${input.sourceId},
            ${input.approvedById ?? null}, ${input.note ?? null}, ${earnedAt}, ${input.createdAt ?? now})`,
    );
  }

  return {
    db,
    unit,
    person,
    statusChange,
    password,
    passwordHash,
    grant,
    notice,
    hours,
    /**
     * Runs `fn` in one transaction that holds the write lock from its start (BEGIN IMMEDIATE), waiting
     * for it up to the busy timeout. Begun as a reader, as SQLite's plain BEGIN does, a transaction
     * whose first write comes after another process's commit (a server already serving beside a
     * start, decision 076) fails at once with SQLITE_BUSY: its reads are out of date and waiting
     * cannot help.
     */
    transaction<T>(fn: () => T): T {
      const tx = db.transaction(fn);
      // A writer over PostgreSQL's synchronous stand-in (tests) has only the plain form: there the distinction does not exist.
      return typeof tx.immediate === "function" ? tx.immediate() : tx();
    },
    close: () => db.close(),
  };
}

function openFile(dbFile: string): Database.Database {
  const db = new Database(dbFile, { timeout: 5000 });
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  return db;
}

export type RecordWriter = ReturnType<typeof openRecordWriter>;
