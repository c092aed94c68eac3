import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { type Row, type Scenario } from "../bench/lib/report";
import { buildIfNeeded } from "./lib/build";

// `npm run bench [-- scenario…]`: build when needed, migrate and seed a fresh database under
// bench/.tmp/, sync the question banks and the curriculum (content/) into it, start the built server as a child
// process, run the scenarios, print one table.
// Benchmarks print figures; they assert nothing about time (bench/README.md).

const root = path.resolve(import.meta.dirname, "..");
const tmp = path.join(root, "bench", ".tmp");
const dbFile = path.join(tmp, `bench-${process.pid}.db`);
// The data folder (DATA_DIR) and database of this run: the sync below writes the courses and their
// compiled MDX (a table, decision 082) and the server, which inherits this environment, reads them.
// Set before any app module is loaded: the app reads its
// environment once, when first imported (app/.server/env.ts, db.ts), so every module that may reach
// it is imported dynamically below, after these two lines; a static import would bind the seed and
// the scenarios to whatever DATABASE_URL the shell had.
const dataDir = path.join(tmp, `data-${process.pid}`);
process.env.DATA_DIR = dataDir;
process.env.DATABASE_URL = `file:${dbFile}`;

const { formatTable } = await import("../bench/lib/report");
const { startBenchServer } = await import("../bench/lib/server");
const { seedDemoUniversity } = await import("../prisma/seed");
const { migrate } = await import("./lib/migrate");
const SCENARIOS: Scenario[] = await Promise.all([
  import("../bench/scenarios/signin-storm"),
  import("../bench/scenarios/people-list"),
  import("../bench/scenarios/hours-reports"),
  import("../bench/scenarios/quiz-attempts"),
  import("../bench/scenarios/course-page"),
  import("../bench/scenarios/heartbeats"),
  import("../bench/scenarios/contest"),
  import("../bench/scenarios/contest-crash"),
  import("../bench/scenarios/contest-steps"),
  import("../bench/scenarios/live"),
  import("../bench/scenarios/mdx-preview"),
  import("../bench/scenarios/pipeline-dashboard"),
  import("../bench/scenarios/similarity"),
  import("../bench/scenarios/discussion"),
  import("../bench/scenarios/library-search"),
  import("../bench/scenarios/home"),
  import("../bench/scenarios/reminders"),
  import("../bench/scenarios/contest-morning"),
  import("../bench/scenarios/quiz-morning"),
]);

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
if (unknown.length) throw new Error(`unknown scenario ${unknown.join(", ")}; known: ${SCENARIOS.map((s) => s.name).join(", ")}`);
const scenarios = wanted.length ? SCENARIOS.filter((s) => wanted.includes(s.name)) : SCENARIOS;

const cpus = os.cpus();
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
const loadBefore = load(); // before our own build and seed add to it
const t0 = performance.now();
const secs = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const mb = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size / 1e6 : 0);

buildIfNeeded();
fs.mkdirSync(tmp, { recursive: true });
const removeRunFiles = () => {
  ["", "-wal", "-shm"].forEach((s) => fs.rmSync(dbFile + s, { force: true }));
  fs.rmSync(dataDir, { recursive: true, force: true });
};
removeRunFiles();
migrate(dbFile);
const seeded = await seedDemoUniversity(dbFile);
const synced = await syncContent();

const db = new Database(dbFile);
db.pragma("wal_checkpoint(TRUNCATE)"); // so the file size below is the whole database
db.close();
console.info(
  `machine:  ${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${os.platform()} ${os.arch()}`,
);
console.info(`load:     ${loadBefore} (1/5/15 min) at start: well above ${cpus.length} means the figures are not comparable`);
console.info(
  `database: ${mb(dbFile).toFixed(1)} MB, ${seeded.people} people in ${seeded.units} units (seeded in ${seeded.ms} ms), ${path.relative(root, dbFile)}`,
);
console.info(
  `content:  ${synced.questions} questions from content/banks, courses ${synced.courses.join(", ")} from content/courses, synced in ${synced.ms} ms, data in ${path.relative(root, dataDir)}`,
);

let server = await startBenchServer(dbFile);
console.info(`server:   ${server.url} (ready at ${secs()})\n`);
const stderrOfKilled: string[] = [];
async function killAndRestart(): Promise<string> {
  const exited = new Promise((r) => server.child.once("exit", r));
  server.child.kill("SIGKILL");
  await exited;
  stderrOfKilled.push(...server.stderr);
  server = await startBenchServer(dbFile);
  return server.url;
}
const rows: Row[] = [];
try {
  for (const s of scenarios) {
    const started = performance.now();
    rows.push(...(await s.run({ url: server.url, dbFile, serverPid: server.child.pid!, killAndRestart })));
    console.info(`${s.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
} finally {
  await server.stop();
  console.info(`\n${formatTable(rows)}\n`);
  const logged = [...stderrOfKilled, ...server.stderr].join("").trim();
  if (logged) console.info(`the server wrote to stderr:\n${logged}\n`);
  console.info(
    `database after the run: ${(mb(dbFile) + mb(`${dbFile}-wal`)).toFixed(1)} MB (with WAL); load at the end ${load()} (this run included); total ${secs()}`,
  );
  removeRunFiles();
}

/**
 * The question banks and the curriculum as `npm start` brings them in (compiled MDX into this run's
 * cache), on a raw connection.
 */
async function syncContent(): Promise<{ courses: string[]; questions: number; ms: number }> {
  const started = performance.now();
  const { syncContentCourses } = await import("../app/.server/content/course-sync");
  const { SqliteSqlDb } = await import("../app/.server/sql-sqlite");
  const { syncContentBanks } = await import("../app/.server/quiz/banks");
  const db = new Database(dbFile, { timeout: 5000 });
  try {
    const banks = await syncContentBanks({ dir: path.join(root, "content", "banks"), db: new SqliteSqlDb(db) });
    const summary = await syncContentCourses({ dir: path.join(root, "content", "courses"), projectRoot: root, db: new SqliteSqlDb(db) });
    if (summary.failed.length)
      throw new Error(`content/courses: ${summary.failed.map((f) => `${f.slug}: ${f.problems.map((p) => p.message).join("; ")}`).join("\n")}`);
    return { courses: summary.synced, questions: banks.questionsAdded, ms: Math.round(performance.now() - started) };
  } finally {
    db.close();
  }
}
