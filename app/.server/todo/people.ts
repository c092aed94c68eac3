import { sqlDb } from "../db";
import { inList, sql } from "../sql";

// Whom a to-do list is for: what every source reads of a person (their unit path, political status and
// cadre level), loaded once for the whole batch so no source reads people again.

export type TodoPerson = { id: number; unitPath: string; politicalStatus: string; cadreLevel: string };

/** The active people among the ids, as the sources read them. */
export async function todoPeople(personIds: readonly number[]): Promise<TodoPerson[]> {
  if (personIds.length === 0) return [];
  return sqlDb().all<TodoPerson>(
    sql`SELECT p."id", u."path" AS "unitPath", p."politicalStatus", p."cadreLevel"
      FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId"
      WHERE p."id" ${inList([...personIds])} AND p."disabledAt" IS NULL`,
  );
}

/** Date plus days. */
export function daysAfter(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}

/** A timestamp column as raw SQL reads it back (text on SQLite, a Date on PostgreSQL), as a Date. */
export function asDate(value: string | Date): Date;
export function asDate(value: string | Date | null): Date | null;
export function asDate(value: string | Date | null): Date | null {
  return value === null ? null : new Date(value);
}
