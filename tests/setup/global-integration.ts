import fs from "node:fs";
import { buildIfNeeded } from "../../scripts/lib/build";
import { migrate } from "../../scripts/lib/migrate";
import { TEMPLATE_DB, TMP } from "../support/paths";

// Once per integration run: build the app when its sources changed, and migrate a fresh template database.
export default function setup() {
  fs.mkdirSync(TMP, { recursive: true });
  buildIfNeeded({ quiet: true });
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(TEMPLATE_DB + suffix, { force: true });
  migrate(TEMPLATE_DB);
}
