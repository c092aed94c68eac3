import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { moveToPostgres } from "../../scripts/lib/move-to-postgres";
import { testEngine } from "./engine";
import type { InProcessDatabase } from "./in-process-db";
import { TEMPLATE_DB, TMP } from "./paths";

// The demo written as `npm start` writes it on the run's engine (scripts/start.ts): the seed's steps take a
// SQLite file, so on SQLite they write the test's own database (inProcessDatabase()'s file), and on
// PostgreSQL a migrated SQLite file of its own, whose rows are then moved into the test's database with the
// exporter of decision 078, as a first start on PostgreSQL moves its demo in. One seed path on both engines.

export type DemoSeedFile = {
  /** The SQLite file the seed functions take: the test's database on SQLite, a file of its own on PostgreSQL. */
  file: string;
  /** On PostgreSQL, moves the seeded file's rows into the test's database; nothing to do on SQLite. */
  moveIn(): Promise<void>;
  /** Deletes the file on PostgreSQL (the test's database itself goes with `testDb.remove()`). */
  remove(): void;
};

/** The file to seed, for a test whose seeding has steps after the move (or none): call `moveIn()` between them. */
export function demoSeedFile(testDb: InProcessDatabase, label: string): DemoSeedFile {
  if (testEngine() !== "postgres") return { file: testDb.target, moveIn: async () => {}, remove: () => {} };
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

/** Runs `seed` on the demo's file and leaves its rows in `testDb`'s database, on either engine. */
export async function seedAsStartDoes<T>(testDb: InProcessDatabase, seed: (file: string) => T | Promise<T>): Promise<DemoSeedFile & { result: T }> {
  const demo = demoSeedFile(testDb, "demo");
  try {
    const result = await seed(demo.file);
    await demo.moveIn();
    return { ...demo, result };
  } catch (e) {
    demo.remove();
    throw e;
  }
}
