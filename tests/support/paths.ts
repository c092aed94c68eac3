import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const TMP = path.join(ROOT, "tests", ".tmp");
/** A migrated, empty database; each test file copies it (microseconds) instead of migrating. */
export const TEMPLATE_DB = path.join(TMP, "template.db");
