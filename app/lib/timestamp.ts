// The one text form of an instant that raw SQL writes and reads back: ISO 8601 with "+00:00", exactly
// what the Prisma adapter writes, so rows written by either compare and sort alike. The seed, the
// scripts and the raw writers all use this rather than their own `toISOString()` edit.

/** An instant as the database's timestamp text, e.g. "2026-12-01T08:00:00.000+00:00". */
export function storedTimestamp(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}
