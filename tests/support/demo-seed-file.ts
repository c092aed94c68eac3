import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { moveToPostgres } from "../../scripts/lib/move-to-postgres";
import type { InProcessDatabase } from "./in-process-db";
import { TEMPLATE_DB, TMP } from "./paths";

// The SQLite file a test seeds the demo into, as `npm start` does on either engine (scripts/start.ts): the
// demo's seed writes a SQLite file, so on SQLite it is the test's own database, and on PostgreSQL a migrated
// file of its own whose rows `moveIn()` then moves into the test's database with the exporter of decision
// 078, as a first start on PostgreSQL moves its demo in.

export type DemoSeedFile = {
  /** The SQLite file the seed functions take. */
  file: string;
  /** On PostgreSQL, moves the seeded file's rows into the test's database; nothing to do on SQLite. */
  moveIn(): Promise<void>;
  /** Deletes the file on PostgreSQL (the test's database itself goes with `testDb.remove()`). */
  remove(): void;
};

export function demoSeedFile(testDb: InProcessDatabase, label: string): DemoSeedFile {
  if (!/^postgres(ql)?:\/\//.test(testDb.target)) return { file: testDb.target, moveIn: async () => {}, remove: () => {} };
  const file = path.join(TMP, `${label}-${crypto.randomUUID()}.db`);
  fs.copyFileSync(TEMPLATE_DB, file);
  return {
    file,
    async moveIn() {
      await moveToPostgres(file, testDb.url);
    },
    remove() {
      for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
    },
  };
}
