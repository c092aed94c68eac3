// Small builders that write straight into a SQLite file for each test's own data. The people, units
// and 学时 ones are production code's (scripts/lib/record-writer.ts, which the demo seed and
// create-admin use), so the seed and the tests build with one implementation.

export { type PersonInput, type UnitRow, openRecordWriter as openFactory, type RecordWriter as Factory } from "../scripts/lib/record-writer";

/** A valid 18-digit resident ID number (with its check digit) for test and demo data. */
export function makeIdNumber(region: string, birth: Date, seq: number): string {
  const body = `${region}${birth.toISOString().slice(0, 10).replace(/-/g, "")}${String(seq % 1000).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = body.split("").reduce((s, c, i) => s + Number(c) * weights[i], 0);
  return body + "10X98765432"[sum % 11];
}
