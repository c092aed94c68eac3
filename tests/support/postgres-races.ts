import crypto from "node:crypto";
import pg from "pg";
import { type TestDatabase, freshPostgresDatabase } from "./postgres";

// For files that race the app's own functions on PostgreSQL (attempts, contest entries, background work:
// decisions 074 and 082): the app's database module on a fresh database of the test cluster, a monitor
// connection that sees who waits for a lock, and a third connection that holds a table so two others
// meet in the order a case needs.

export type AppOnPostgres = {
  database: TestDatabase;
  app: typeof import("~/.server/db");
  monitor: pg.Client;
  /** Closes the monitor and the app's connections and drops the database. */
  close(): Promise<void>;
};

/** Before any app module is imported: the app reads DATABASE_URL once, when first imported. */
export async function appOnPostgres(): Promise<AppOnPostgres> {
  const database = await freshPostgresDatabase();
  process.env.DATABASE_URL = database.url;
  process.env.CERT_SECRET ??= crypto.randomBytes(32).toString("base64url");
  const app = await import("~/.server/db");
  const monitor = new pg.Client({ connectionString: database.url });
  await monitor.connect();
  return {
    database,
    app,
    monitor,
    async close() {
      await monitor.end();
      await (app.sqlDb() as { end?: () => Promise<void> }).end?.();
      await app.prisma.$disconnect();
      await database.drop();
    },
  };
}

/** Resolves when `n` connections of the database wait for a lock (a row, a table or an advisory lock), or `done` settles first. */
export async function lockWaits(monitor: pg.Client, n: number, done?: Promise<unknown>) {
  let settled = false;
  void done?.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (const t0 = Date.now(); Date.now() - t0 < 20_000;) {
    const { rows } = await monitor.query<{ n: number }>(
      `SELECT COUNT(*)::int AS "n" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0].n >= n || settled) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${n} connections waiting for a lock within 20 s`);
}

/** A third connection holding `LOCK TABLE … IN SHARE MODE`: others may read the table (and lock its rows), and wait to write it. */
export async function holdTable(url: string, table: string) {
  const blocker = new pg.Client({ connectionString: url });
  await blocker.connect();
  await blocker.query("BEGIN");
  await blocker.query(`LOCK TABLE "${table}" IN SHARE MODE`);
  return async () => {
    await blocker.query("COMMIT");
    await blocker.end();
  };
}
