import Database from "better-sqlite3";
import { hashPassword } from "../../app/.server/auth/password";
import { ledgerMonth } from "../../app/lib/hours";

// Writes org units, people, status changes, passwords, role grants, notices and 学时 entries straight
// into a SQLite file: how the demo seed (prisma/seed.ts, prisma/seed-history.ts) and the production
// bootstrap (scripts/create-admin.ts) write, and what the tests' factories are (tests/factories.ts
// re-exports it). It uses the raw driver so the seed writes 12,000 people in well under a second;
// timestamps are written in the format the Prisma adapter reads (ISO 8601 with +00:00).

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

const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");

export function openRecordWriter(dbFile: string) {
  const db = new Database(dbFile, { timeout: 5000 });
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  const now = () => ts(new Date());

  const insertUnit = db.prepare(
    `INSERT INTO OrgUnit (name, kind, branchType, parentId, path, depth, sortOrder, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, '', ?, ?, ?, ?)`,
  );
  const setPath = db.prepare(`UPDATE OrgUnit SET path = ? WHERE id = ?`);
  const insertPerson = db.prepare(
    `INSERT INTO Person (number, name, gender, category, unitId, politicalStatus, statusSince, cadreLevel,
       isCommitteeMember, committeeRole, phone, disabledAt, createdAt, updatedAt)
     VALUES (@number, @name, @gender, @category, @unitId, @politicalStatus, @statusSince, @cadreLevel,
       @isCommitteeMember, @committeeRole, @phone, @disabledAt, @now, @now)`,
  );
  const insertStatus = db.prepare(
    `INSERT INTO StatusChange (personId, fromStatus, toStatus, effectiveOn, note, recordedById, recordedAt) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertPassword = db.prepare(`INSERT OR REPLACE INTO Password (personId, hash, mustChange, updatedAt) VALUES (?, ?, ?, ?)`);
  const insertGrant = db.prepare(`INSERT INTO RoleGrant (personId, role, unitId, grantedById, createdAt) VALUES (?, ?, ?, NULL, ?)`);
  const insertNotice = db.prepare(`INSERT INTO Notice (unitId, title, body, pinned, authorId, publishedAt) VALUES (?, ?, ?, ?, ?, ?)`);
  const insertHours = db.prepare(
    `INSERT INTO HoursEntry (personId, year, month, amount, category, sourceKind, sourceId, approvedById, note, earnedAt, createdAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  function unit(input: { name: string; kind: string; parent?: UnitRow | null; branchType?: string | null; sortOrder?: number }): UnitRow {
    const parent = input.parent ?? null;
    const depth = parent ? parent.depth + 1 : 0;
    const id = Number(
      insertUnit.run(input.name, input.kind, input.branchType ?? null, parent?.id ?? null, depth, input.sortOrder ?? 0, now(), now()).lastInsertRowid,
    );
    const path = `${parent?.path ?? "/"}${id}/`;
    setPath.run(path, id);
    return { id, path, depth, name: input.name, kind: input.kind };
  }

  function person(input: PersonInput): number {
    const status = input.politicalStatus ?? "masses";
    return Number(
      insertPerson.run({
        number: input.number,
        name: input.name,
        gender: input.gender ?? null,
        category: input.category ?? "student",
        unitId: input.unitId,
        politicalStatus: status,
        statusSince: input.statusSince ? ts(input.statusSince) : null,
        cadreLevel: input.cadreLevel ?? "none",
        isCommitteeMember: input.isCommitteeMember ? 1 : 0,
        committeeRole: input.committeeRole ?? null,
        phone: input.phone ?? null,
        disabledAt: input.disabled ? now() : null,
        now: now(),
      }).lastInsertRowid,
    );
  }

  function statusChange(personId: number, fromStatus: string | null, toStatus: string, effectiveOn: Date, note: string | null = null) {
    insertStatus.run(personId, fromStatus, toStatus, ts(effectiveOn), note, null, now());
  }

  /** Sets a password from an existing hash: bulk accounts share one hash instead of 12,000 argon2 runs. */
  function passwordHash(personId: number, hash: string, mustChange = false) {
    insertPassword.run(personId, hash, mustChange ? 1 : 0, now());
  }

  async function password(personId: number, plain: string, mustChange = false) {
    passwordHash(personId, await hashPassword(plain), mustChange);
  }

  function grant(personId: number, role: "trainer" | "secretary" | "admin", unitId: number) {
    insertGrant.run(personId, role, unitId, now());
  }

  function notice(input: { unitId: number; title: string; body: string; pinned?: boolean; authorId: number; publishedAt?: Date }) {
    return Number(
      insertNotice.run(input.unitId, input.title, input.body, input.pinned ? 1 : 0, input.authorId, ts(input.publishedAt ?? new Date())).lastInsertRowid,
    );
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
    const earnedAt = input.earnedAt ? ts(input.earnedAt) : now();
    const createdAt = input.createdAt ? ts(input.createdAt) : now();
    // The month follows earnedAt as the ledger writes it; `year` is the caller's, as given.
    const month = ledgerMonth(input.earnedAt ?? new Date());
    insertHours.run(
      input.personId,
      input.year,
      month,
      input.amount,
      input.category,
      input.sourceKind,
      input.sourceId,
      input.approvedById ?? null,
      input.note ?? null,
      earnedAt,
      createdAt,
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
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    close: () => db.close(),
  };
}

export type RecordWriter = ReturnType<typeof openRecordWriter>;
