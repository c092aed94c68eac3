// Small builders that write straight into a SQLite file for each test's own data. The people, units
// and 学时 ones are production code's (scripts/lib/record-writer.ts, which the demo seed and
// create-admin use), so the seed and the tests build with one implementation.

import { type RecordWriter, openRecordWriter } from "../scripts/lib/record-writer";
import { openPgSync } from "./support/pg-sync";

export { type PersonInput, type UnitRow, type RecordWriter as Factory } from "../scripts/lib/record-writer";

/** The record writer on a SQLite file, or on a PostgreSQL database (its URL) through the synchronous handle of pg-sync.ts. */
export function openFactory(target: string): RecordWriter {
  return openRecordWriter(/^postgres(ql)?:\/\//.test(target) ? openPgSync(target) : target);
}

/** A valid 18-digit resident ID number (with its check digit) for test and demo data. */
export function makeIdNumber(region: string, birth: Date, seq: number): string {
  const body = `${region}${birth.toISOString().slice(0, 10).replace(/-/g, "")}${String(seq % 1000).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = body.split("").reduce((s, c, i) => s + Number(c) * weights[i], 0);
  return body + "10X98765432"[sum % 11];
}
