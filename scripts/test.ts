import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { E2E_REPORT } from "../tests/e2e/support/paths";
import { buildIfNeeded } from "./lib/build";
import { postgresBin } from "./lib/postgres-server";
import { type SystemPackage, ensureSystemPackages, haproxyBinary, onPath } from "./lib/system-packages";

// `npm test`: every test. Makes sure Debian's Chromium and openssl are there (installing it with apt-get when
// run as root), builds when the sources changed, runs vitest (unit + integration on SQLite and on PostgreSQL) and then
// Playwright (end-to-end) — always both — and ends with one line: `N passed, N failed`
// (`, N skipped` only when some were). Exits non-zero when anything failed or a runner crashed.

const root = path.resolve(import.meta.dirname, "..");
const tmp = path.join(root, "tests", ".tmp");
const CHROMIUM = "/usr/bin/chromium";
const VITEST_REPORT = path.join(tmp, "vitest-report.json");
// Where playwright.config.ts has its JSON reporter write.
const PLAYWRIGHT_REPORT = E2E_REPORT;

type Tally = { runner: string; passed: number; failed: number; skipped: number; notes: string[] };

// Debian packages the tests need: Chromium for Playwright, openssl for the certificate of the test
// push service (tests/support/push-endpoint.ts), PostgreSQL for the tests on PostgreSQL, HAProxy for the
// multi-node suite's balancer (tests/integration/cluster.test.ts).
const SYSTEM_PACKAGES: SystemPackage[] = [
  { pkg: "chromium", present: () => fs.existsSync(CHROMIUM) },
  { pkg: "openssl", present: () => onPath("openssl") },
  // The integration tests' private PostgreSQL cluster (tests/support/postgres.ts) uses its server binaries.
  { pkg: "postgresql", present: () => postgresBin() !== null },
  { pkg: "haproxy", present: () => haproxyBinary() !== null },
];

function run(bin: string, args: string[]): number {
  console.info(`\n$ ${bin} ${args.join(" ")}`);
  const r = spawnSync(path.join(root, "node_modules", ".bin", bin), args, { cwd: root, stdio: "inherit" });
  if (r.error) console.error(`${bin} could not start: ${r.error.message}`);
  return r.status ?? 1;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

type VitestJson = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { status: string; fullName?: string; duration?: number; failureMessages?: string[] }[];
  }[];
};

// The first line of a failure, short enough for the summary.
const firstLine = (text: string | undefined) => (text ?? "").split("\n")[0].slice(0, 300);

function tallyVitest(code: number): Tally {
  const t: Tally = { runner: "vitest", passed: 0, failed: 0, skipped: 0, notes: [] };
  const report = readJson<VitestJson>(VITEST_REPORT);
  if (!report) {
    t.failed = 1;
    t.notes.push(`vitest wrote no report (exit code ${code}): counted as one failure`);
    return t;
  }
  t.passed = report.numPassedTests;
  t.failed = report.numFailedTests;
  t.skipped = report.numPendingTests + report.numTodoTests;
  for (const file of report.testResults) {
    const failed = file.assertionResults.filter((a) => a.status === "failed");
    // Each failed test by name, so the summary at the end of a long log says which (CI shows only the tail).
    for (const a of failed) {
      // With its duration: a timeout's report says only STACK_TRACE_ERROR, its duration says the rest.
      const took = a.duration === undefined ? "" : ` (${(a.duration / 1000).toFixed(1)} s)`;
      t.notes.push(`✗ ${path.relative(root, file.name)} › ${a.fullName ?? ""}${took}: ${firstLine(a.failureMessages?.[0])}`);
    }
    // A test file that fails before its tests run (an import error, a failing beforeAll) has no failed test.
    if (file.status === "failed" && failed.length === 0) {
      t.failed++;
      t.notes.push(`${path.relative(root, file.name)} failed outside its tests${file.message ? `: ${firstLine(file.message)}` : ""}`);
    }
  }
  if (code !== 0 && t.failed === 0) {
    t.failed = 1;
    t.notes.push(`vitest exited with code ${code} although no test failed (an unhandled error?): counted as one failure`);
  }
  return t;
}

type PlaywrightSuite = {
  title: string;
  file?: string;
  specs?: { title: string; file: string; line: number; tests: { projectName: string; status: string }[] }[];
  suites?: PlaywrightSuite[];
};
type PlaywrightJson = {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  errors: { message?: string }[];
  suites?: PlaywrightSuite[];
};

// Every test that failed ("unexpected"), named as the list reporter names it.
function unexpectedTests(suites: PlaywrightSuite[] = [], titles: string[] = []): string[] {
  return suites.flatMap((suite) => {
    const inner = suite.file === suite.title ? titles : [...titles, suite.title];
    const own = (suite.specs ?? []).flatMap((spec) =>
      spec.tests
        .filter((test) => test.status === "unexpected")
        .map((test) => `✗ [${test.projectName}] ${spec.file}:${spec.line} › ${[...inner, spec.title].join(" › ")}`),
    );
    return [...own, ...unexpectedTests(suite.suites, inner)];
  });
}

function tallyPlaywright(code: number): Tally {
  const t: Tally = { runner: "playwright", passed: 0, failed: 0, skipped: 0, notes: [] };
  const report = readJson<PlaywrightJson>(PLAYWRIGHT_REPORT);
  if (!report) {
    t.failed = 1;
    t.notes.push(`playwright wrote no report (exit code ${code}): counted as one failure`);
    return t;
  }
  t.passed = report.stats.expected + report.stats.flaky;
  t.failed = report.stats.unexpected;
  t.skipped = report.stats.skipped;
  t.notes.push(...unexpectedTests(report.suites));
  // Errors outside the tests: the global setup or teardown, a file that does not load, no tests found.
  for (const e of report.errors ?? []) {
    t.failed++;
    t.notes.push(`error outside the tests: ${(e.message ?? "").split("\n")[0]}`);
  }
  if (code !== 0 && t.failed === 0) {
    t.failed = 1;
    t.notes.push(`playwright exited with code ${code} although no test failed: counted as one failure`);
  }
  return t;
}

const started = performance.now();
ensureSystemPackages(SYSTEM_PACKAGES, "npm test", {
  zh: `（Chromium 位于 ${CHROMIUM}；不要使用 npx playwright install）`,
  en: ` (Chromium at ${CHROMIUM}; do not use \`npx playwright install\`)`,
});
fs.mkdirSync(tmp, { recursive: true });
try {
  buildIfNeeded();
} catch (e) {
  console.error(`构建失败 (the build failed): ${(e as Error).message}`);
}

for (const f of [VITEST_REPORT, PLAYWRIGHT_REPORT]) fs.rmSync(f, { force: true });
// Every vitest project in one run (unit, integration, and integration-pg: the integration files again on
// PostgreSQL, decision 080), then the browser tests.
const vitestCode = run("vitest", ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${path.relative(root, VITEST_REPORT)}`]);
const playwrightCode = run("playwright", ["test"]);

const tallies = [tallyVitest(vitestCode), tallyPlaywright(playwrightCode)];
console.info("");
for (const t of tallies) {
  console.info(`${t.runner.padEnd(10)} ${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ""}`);
  for (const n of t.notes) console.info(`           ${n}`);
}
console.info(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
const sum = (k: "passed" | "failed" | "skipped") => tallies.reduce((s, t) => s + t[k], 0);
const skipped = sum("skipped");
console.info(`${sum("passed")} passed, ${sum("failed")} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exitCode = sum("failed") > 0 ? 1 : 0;
