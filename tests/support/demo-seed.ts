import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { moveToPostgres } from "../../scripts/lib/move-to-postgres";
import { testEngine } from "./engine";
import type { InProcessDatabase } from "./in-process-db";
import { TEMPLATE_DB, TMP } from "./paths";

// The demo written as `npm start` writes it on the run's engine (scripts/start.ts): the seed's steps
// take a SQLite file, so on SQLite they write the test's own database (inProcessDatabase()'s file), and
// on PostgreSQL they write a SQLite file of its own, which is then moved into the test's database with
// the exporter of decision 078, as a first start on PostgreSQL does. One seed path on both engines.

export type DemoFile = {
  /** The SQLite file the seed wrote: the test's database on SQLite, the file moved in on PostgreSQL. */
  file: string;
  /** Deletes the file when it is not the test's database (on PostgreSQL); the test's own goes with testDb.remove(). */
  remove(): void;
};

/** Runs `seed` on a SQLite file and leaves its rows in `testDb`'s database, on either engine. */
export async function seedAsStartDoes<T>(testDb: InProcessDatabase, seed: (file: string) => T | Promise<T>): Promise<DemoFile & { result: T }> {
  if (testEngine() !== "postgres") return { file: testDb.target, remove() {}, result: await seed(testDb.target) };
  const file = path.join(TMP, `demo-${crypto.randomUUID()}.db`);
  const remove = () => {
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
  };
  try {
    fs.copyFileSync(TEMPLATE_DB, file);
    const result = await seed(file);
    await moveToPostgres(file, testDb.url);
    return { file, remove, result };
  } catch (e) {
    remove();
    throw e;
  }
}
