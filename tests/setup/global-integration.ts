import fs from "node:fs";
import { buildIfNeeded } from "../../scripts/lib/build";
import { migrate } from "../../scripts/lib/migrate";
import { stopPostgres } from "../support/postgres";
import { TEMPLATE_DB, TMP } from "../support/paths";

// Once per integration run: build the app when its sources changed, and migrate a fresh template database.
// The PostgreSQL cluster starts lazily, with the first test file that needs it (tests/support/postgres.ts);
// here a killed run's cluster is cleared first and this run's is stopped at the end.
export default function setup() {
  fs.mkdirSync(TMP, { recursive: true });
  stopPostgres();
  buildIfNeeded({ quiet: true });
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(TEMPLATE_DB + suffix, { force: true });
  migrate(TEMPLATE_DB);
  return () => stopPostgres();
}
