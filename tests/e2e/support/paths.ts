import path from "node:path";

// Files of an end-to-end run, all under tests/.tmp (ignored by git).
const TMP = path.resolve(import.meta.dirname, "..", "..", ".tmp");
const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");

export const E2E_TMP = TMP;
export const E2E_DB = path.join(TMP, "e2e.db");
/** The snapshot of build/ the e2e servers run from (their working directory). */
export const E2E_APP_DIR = path.join(TMP, "e2e-app");
/** Written by the global setup: `{ "url": "http://127.0.0.1:<port>", "pid": <n> }`. */
export const E2E_SERVER_FILE = path.join(TMP, "e2e-server.json");
/** Everything the server printed during the run. */
export const E2E_SERVER_LOG = path.join(TMP, "e2e-server.log");
/** Playwright's JSON report, read by scripts/test.ts. */
export const E2E_REPORT = path.join(TMP, "playwright-report.json");
/**
 * The content folders an e2e server reads at run time, from the project (its working directory is the
 * build snapshot, which has none): every server an e2e spec starts passes these.
 */
export const E2E_CONTENT_ENV = {
  CONTENT_ROOT: ROOT,
  RULE_PACKS_DIR: path.join(ROOT, "content", "rule-packs"),
  PIPELINE_PACKS_DIR: path.join(ROOT, "content", "pipeline-packs"),
};
