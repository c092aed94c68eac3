import { AppError } from "~/lib/app-error";
import { ledgerMonth, ledgerYear } from "~/lib/hours";
import { type HoursCategory, HoursCategorySchema } from "~/lib/hours-categories";
import { audit } from "../audit";
import { prisma, sqlDb } from "../db";
import { Prisma } from "../generated/prisma/client";
import { type SqlRunner, sql } from "../sql";

// The append-only ledger of 学时. Every feature that earns hours (lessons, quizzes, contests,
// offline activities) credits through `creditHours` (or `creditHoursOn`, for the study
// heartbeat's own transaction); nothing updates or deletes an entry.
// A source credits a person at most once: (person, sourceKind, sourceId) is unique, so a retried
// or concurrent credit is harmless. A mistake is undone by `reverseEntry`, an entry of its own.

export type CreditInput = {
  personId: number;
  /** Hundredths of a 学时 (1 学时 = 100), positive. */
  amount: number;
  category: HoursCategory;
  sourceKind: string;
  sourceId: string;
  /** When the hours were earned: they count for that calendar year (Asia/Shanghai). */
  earnedAt?: Date;
  approvedById?: number | null;
  note?: string | null;
};

export type CreditResult = { status: "credited"; entryId: number } | { status: "already-credited"; entryId: number };

/** The sourceKind of a reversal; its sourceId is the id of the entry it cancels. */
export const REVERSAL_KIND = "reversal";

/** The row a credit writes, after the checks every credit passes. */
function creditRow(input: CreditInput) {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new AppError("invalid", "学时必须为正数");
  HoursCategorySchema.parse(input.category);
  if (input.sourceKind === REVERSAL_KIND || !input.sourceKind || !input.sourceId) throw new AppError("invalid", "学时来源无效");
  const earnedAt = input.earnedAt ?? new Date();
  return {
    personId: input.personId,
    sourceKind: input.sourceKind,
    sourceId: input.sourceId,
    year: ledgerYear(earnedAt),
    month: ledgerMonth(earnedAt),
    earnedAt,
    amount: input.amount,
    category: input.category,
    approvedById: input.approvedById ?? null,
    note: input.note ?? null,
  };
}

export async function creditHours(input: CreditInput): Promise<CreditResult> {
  const data = creditRow(input);
  const key = { personId: data.personId, sourceKind: data.sourceKind, sourceId: data.sourceId };
  try {
    const entry = await prisma.hoursEntry.create({ data, select: { id: true } });
    return { status: "credited", entryId: entry.id };
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") {
      const existing = await prisma.hoursEntry.findUniqueOrThrow({ where: { personId_sourceKind_sourceId: key }, select: { id: true } });
      return { status: "already-credited", entryId: existing.id };
    }
    throw e;
  }
}

/**
 * `creditHours` as raw SQL, on `sqlDb()` or in a transaction of the caller's there (the study
 * heartbeat's batch: the credit commits with the caller's writes or not at all, so a completion can
 * never be stored without its hours). The same source key decides a repeat, on two nodes as well
 * (ON CONFLICT DO NOTHING waits for the other's insert on PostgreSQL, then finds its row).
 */
export async function creditHoursOn(tx: SqlRunner, input: CreditInput): Promise<CreditResult> {
  const d = creditRow(input);
  const inserted = await tx.get<{ id: number }>(
    sql`INSERT INTO "HoursEntry" ("personId", "sourceKind", "sourceId", "year", "month", "earnedAt", "amount", "category", "approvedById", "note", "createdAt")
      VALUES (${d.personId}, ${d.sourceKind}, ${d.sourceId}, ${d.year}, ${d.month}, ${d.earnedAt}, ${d.amount}, ${d.category}, ${d.approvedById}, ${d.note}, ${new Date()})
      ON CONFLICT ("personId", "sourceKind", "sourceId") DO NOTHING RETURNING "id"`,
  );
  if (inserted) return { status: "credited", entryId: inserted.id };
  const existing = (await tx.get<{ id: number }>(
    sql`SELECT "id" FROM "HoursEntry" WHERE "personId" = ${d.personId} AND "sourceKind" = ${d.sourceKind} AND "sourceId" = ${d.sourceId}`,
  ))!;
  return { status: "already-credited", entryId: existing.id };
}

/** Cancels an entry with a negative entry of the same amount, in the same year and category. */
export async function reverseEntry(actorId: number, entryId: number, reason: string) {
  const entry = await prisma.hoursEntry.findUnique({ where: { id: entryId } });
  if (!entry) throw new AppError("invalid", "学时记录不存在");
  if (entry.sourceKind === REVERSAL_KIND) throw new AppError("invalid", "冲销记录不能再次冲销");
  if (!reason.trim()) throw new AppError("invalid", "请填写冲销原因");
  try {
    const reversal = await prisma.hoursEntry.create({
      data: {
        personId: entry.personId,
        year: entry.year,
        month: entry.month,
        amount: -entry.amount,
        category: entry.category,
        sourceKind: REVERSAL_KIND,
        sourceId: String(entry.id),
        earnedAt: entry.earnedAt,
        approvedById: actorId,
        note: reason.trim(),
      },
      select: { id: true },
    });
    await audit({ actorId, action: "hours.reverse", targetKind: "hours", targetId: entry.id, detail: { reason: reason.trim() } });
    return reversal;
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") throw new AppError("invalid", "该学时记录已冲销");
    throw e;
  }
}

/** A person's total 学时 for a year, in hundredths, by category. */
export async function hoursForYear(personId: number, year: number) {
  // Raw SQL: every home page reads it (decision 059).
  const groups = await sqlDb().all<{ category: string; amount: number | null }>(
    sql`SELECT "category", SUM("amount") AS "amount" FROM "HoursEntry" WHERE "personId" = ${personId} AND "year" = ${year} GROUP BY "category"`,
  );
  const byCategory = Object.fromEntries(groups.map((g) => [g.category, Number(g.amount ?? 0)])) as Partial<Record<HoursCategory, number>>;
  const total = groups.reduce((s, g) => s + Number(g.amount ?? 0), 0);
  return { total, byCategory };
}
