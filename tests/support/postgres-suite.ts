// The integration files that also run on PostgreSQL (decision 080): every file in tests/integration/
// but those below, each with the reason it runs on one engine only. The `integration-pg` vitest project
// (vite.config.ts) runs the rest with TEST_ENGINE=postgres, so startTestServer() serves them from a
// fresh PostgreSQL database and their factory's handle is pg-sync.ts's.

export const SQLITE_ONLY: Record<string, string> = {
  // Already about PostgreSQL, on a database of their own.
  "attempts-postgres.test.ts": "a PostgreSQL test already",
  "contest-postgres.test.ts": "a PostgreSQL test already (a hand-in racing another node's answer batch)",
  "postgres-backup.test.ts": "a PostgreSQL test already",
  "postgres-live-fan-out.test.ts": "a PostgreSQL test already",
  "postgres-migrations.test.ts": "a PostgreSQL test already",
  "postgres-prisma.test.ts": "a PostgreSQL test already",
  "postgres-serving.test.ts": "a PostgreSQL test already",
  "postgres-start.test.ts": "a PostgreSQL test already",
  "postgres-startup-lock.test.ts": "a PostgreSQL test already",
  "sql-db-postgres.test.ts": "a PostgreSQL test already",
  "pg-sync-postgres.test.ts": "a PostgreSQL test already (the handle itself)",
  "postgres-listener.test.ts": "a PostgreSQL test already (the LISTEN connection's probe)",
  "background-postgres.test.ts": "a PostgreSQL test already (background locks and claims racing)",
  "cluster.test.ts": "a PostgreSQL test already (three nodes on the test cluster behind HAProxy)",
  "background-lock-sqlite.test.ts": "the background lock's file beside a SQLite database (on PostgreSQL: background-postgres.test.ts)",
  "move-to-postgres.test.ts": "moves a SQLite file into PostgreSQL: both engines by design",
  // Not yet on the PostgreSQL handle.
  "create-admin.test.ts": "the `create-admin` script on a SQLite file of its own",
  "multi-node-env.test.ts": "multi-node settings checked at start-up, engines chosen by the test itself",
  "personal-data-migration.test.ts": "a SQLite migration on a file (PostgreSQL's migrations: postgres-migrations.test.ts)",
  "record-writer.test.ts": "the record writer on a SQLite file (on PostgreSQL every startTestServer() file uses it)",
  "shared-password-migration.test.ts": "a SQLite migration on a file (PostgreSQL's migrations: postgres-migrations.test.ts)",
  "startup-lock.test.ts": "`npm start` on a SQLite file (on PostgreSQL: postgres-startup-lock.test.ts)",
};

/** The files of tests/integration/ the PostgreSQL run leaves out. */
export function postgresExcludes(): string[] {
  return Object.keys(SQLITE_ONLY).map((f) => `tests/integration/${f}`);
}
