import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { type BenchContext, type Engine, type Row, type Scenario } from "../bench/lib/report";
import { buildIfNeeded } from "./lib/build";

// `npm run bench [-- scenario…]`: build when needed, migrate and seed a fresh database under
// bench/.tmp/, sync the question banks and the curriculum (content/) into it, start the built server as a child
// process, run the scenarios, print one table.
// `--engines sqlite,cluster` runs each named scenario on one SQLite node and then on three nodes on
// PostgreSQL behind HAProxy (bench/lib/cluster.ts, decision 084), on the same seeded data, each beside
// a `/healthz` reference measured on its own target just before it.
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
const { clusterPrerequisites, postgresDir, removePostgres, startBenchCluster } = await import("../bench/lib/cluster");
const { drive } = await import("../bench/lib/load");
const { SqliteSqlDb } = await import("../app/.server/sql-sqlite");
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
  import("../bench/scenarios/contest-step-cost"),
  import("../bench/scenarios/contest-close"),
  import("../bench/scenarios/quiz-morning"),
]);

const args = process.argv.slice(2);
const enginesAt = args.findIndex((a) => a === "--engines" || a.startsWith("--engines="));
const enginesArg = enginesAt < 0 ? undefined : args[enginesAt].includes("=") ? args[enginesAt].split("=")[1] : args[enginesAt + 1];
if (enginesAt >= 0) args.splice(enginesAt, args[enginesAt].includes("=") ? 1 : 2);
const engines = (enginesArg ?? "sqlite").split(",").filter(Boolean) as Engine[];
if (!engines.length || engines.some((e) => e !== "sqlite" && e !== "cluster"))
  throw new Error(`--engines takes sqlite, cluster or both (sqlite,cluster), not ${enginesArg}`);
const wanted = args;
const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
if (unknown.length) throw new Error(`unknown scenario ${unknown.join(", ")}; known: ${SCENARIOS.map((s) => s.name).join(", ")}`);
const scenarios = wanted.length ? SCENARIOS.filter((s) => wanted.includes(s.name)) : SCENARIOS;
const withReference = enginesArg !== undefined;
if (engines.includes("cluster")) {
  const notOnCluster = scenarios.filter((s) => !s.prepare || !s.measure).map((s) => s.name);
  if (notOnCluster.length)
    throw new Error(
      `not yet on the cluster: ${notOnCluster.join(", ")}; these are: ${SCENARIOS.filter((s) => s.prepare)
        .map((s) => s.name)
        .join(", ")}`,
    );
  const missing = clusterPrerequisites();
  if (missing) throw new Error(missing);
}

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
const seedFile = path.join(tmp, `bench-${process.pid}-seed.db`); // the seeded data as it was before any scenario, for the cluster
const clusterFile = path.join(tmp, `bench-${process.pid}-cluster.db`); // a scenario's setup on that, moved into PostgreSQL
const pgDir = postgresDir(tmp);

buildIfNeeded();
fs.mkdirSync(tmp, { recursive: true });
const removeRunFiles = () => {
  for (const file of [dbFile, seedFile, clusterFile]) ["", "-wal", "-shm"].forEach((s) => fs.rmSync(file + s, { force: true }));
  for (const f of fs.readdirSync(tmp)) if (f.startsWith(`bench-${process.pid}.db-background-`)) fs.rmSync(path.join(tmp, f), { force: true }); // background-lock.ts's files
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(path.join(tmp, `balancer-${process.pid}`), { recursive: true, force: true });
};
// Ctrl-C or a kill: the servers and HAProxy stop with this process (their stdin closes, or
// PR_SET_PDEATHSIG); PostgreSQL runs apart and is stopped here.
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    console.info(`\n${signal}: stopping`);
    if (engines.includes("cluster")) removePostgres(pgDir);
    removeRunFiles();
    process.exit(130);
  });
removeRunFiles();
migrate(dbFile);
const seeded = await seedDemoUniversity(dbFile);
const synced = await syncContent();

const db = new Database(dbFile);
db.pragma("wal_checkpoint(TRUNCATE)"); // so the file size below is the whole database
db.close();
if (engines.includes("cluster")) fs.copyFileSync(dbFile, seedFile);
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

const rows: Row[] = [];
const stderrLogged: string[] = [];
const load1 = () => os.loadavg()[0].toFixed(1);
const tagged = (r: Row[], engine: Engine) =>
  r.map((row) => ({ ...row, scenario: withReference ? `${row.scenario} [${engine}]` : row.scenario, load: row.load ?? load1() }));

/** `GET /healthz` one at a time on the target, just before a scenario: the reference of its rows. */
async function healthzReference(url: string, scenario: string): Promise<Row> {
  const stats = await drive(
    async () => {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET /healthz → ${res.status}`);
    },
    { count: 200, concurrency: 1, warmup: 10, maxMs: 60_000 },
  );
  return { scenario, measure: "GET /healthz one at a time (reference)", stats };
}

try {
  if (engines.includes("sqlite")) await onSqlite();
  if (engines.includes("cluster")) for (const s of scenarios) await onCluster(s);
} finally {
  // Each scenario's rows together, the engines beside each other.
  const order = (r: Row) => scenarios.findIndex((s) => r.scenario === s.name || r.scenario.startsWith(`${s.name} [`));
  rows.sort((a, b) => order(a) - order(b));
  console.info(`\n${formatTable(rows)}\n`);
  const logged = stderrLogged.join("").trim();
  if (logged) console.info(`the servers wrote to stderr:\n${logged}\n`);
  console.info(
    `database after the run: ${(mb(dbFile) + mb(`${dbFile}-wal`)).toFixed(1)} MB (with WAL); load at the end ${load()} (this run included); total ${secs()}`,
  );
  removeRunFiles();
}

async function onSqlite() {
  let server = await startBenchServer(dbFile);
  console.info(`server:   ${server.url} (ready at ${secs()})\n`);
  async function killAndRestart(): Promise<string> {
    const exited = new Promise((r) => server.child.once("exit", r));
    server.child.kill("SIGKILL");
    await exited;
    stderrLogged.push(...server.stderr);
    server = await startBenchServer(dbFile);
    return server.url;
  }
  const sqlite = new Database(dbFile, { timeout: 5000 });
  try {
    for (const s of scenarios) {
      const started = performance.now();
      if (withReference) rows.push(...tagged([await healthzReference(server.url, s.name)], "sqlite"));
      const ctx: BenchContext = {
        url: server.url,
        dbFile,
        serverPid: server.child.pid!,
        killAndRestart,
        engine: "sqlite",
        sqlDb: new SqliteSqlDb(sqlite),
        crash: killAndRestart,
      };
      rows.push(...tagged(await s.run(ctx), "sqlite"));
      console.info(`${s.name}${withReference ? " [sqlite]" : ""} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    sqlite.close();
    await server.stop();
    stderrLogged.push(...server.stderr);
  }
}

/** The scenario's setup on a copy of the seeded file, moved into PostgreSQL, measured through HAProxy in front of three nodes. */
async function onCluster(s: Scenario) {
  const started = performance.now();
  ["", "-wal", "-shm"].forEach((x) => fs.rmSync(clusterFile + x, { force: true }));
  fs.copyFileSync(seedFile, clusterFile);
  const prepared = await s.prepare!(clusterFile);
  const cluster = await startBenchCluster({ pgDir, sqliteFile: clusterFile, dataDir, balancerDir: path.join(tmp, `balancer-${process.pid}`) });
  console.info(`cluster:  ${cluster.url} → ${cluster.nodes.map((n) => n.url).join(" ")} (ready at ${secs()})`);
  try {
    rows.push(...tagged([await healthzReference(cluster.url, s.name)], "cluster"));
    const ctx: BenchContext = {
      url: cluster.url,
      dbFile: cluster.databaseUrl,
      serverPid: cluster.nodes[0].child.pid!,
      killAndRestart: () => Promise.reject(new Error("the cluster target kills a node and does not restart it: use crash()")),
      engine: "cluster",
      sqlDb: cluster.sqlDb,
      crash: () => cluster.killNode(),
    };
    rows.push(...tagged(await s.measure!(ctx, prepared), "cluster"));
  } finally {
    stderrLogged.push(cluster.stderr());
    await cluster.stop();
  }
  console.info(`${s.name} [cluster] done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
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
