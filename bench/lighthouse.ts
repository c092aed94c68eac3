import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { seedDemoContest, seedDemoQuiz, seedDemoUniversity } from "../prisma/seed";
import { buildIfNeeded } from "../scripts/lib/build";
import { migrate } from "../scripts/lib/migrate";
import { Client } from "../tests/support/client";
import { spawnServer } from "../tests/support/spawn-server";

// Lighthouse 13 on the learner pages and the reports page of the production build, signed in as the
// demo accounts, on Lighthouse's mobile profile (simulated slow 4G and a 4× slower CPU), in Debian's
// Chromium. Each page is audited RUNS times in turn and the median of each figure is printed. It is a
// bench: it prints, it asserts nothing (decision 062).
//
//   npx tsx bench/lighthouse.ts                       # build if needed, seed, start, audit
//   LH_RUNS=1 LH_PAGES=home,reports npx tsx bench/lighthouse.ts
//   LH_APP_ROOT=<another checkout> npx tsx bench/lighthouse.ts   # the same run against that checkout's
//                                                      # server and build (a "before"; build it first)
//
// The database is a fresh demo university under bench/.tmp (deleted at the end), with the shipped
// courses and question banks synced in, the demo quiz and contest, and one quiz attempt begun by the
// learner so the answer page can be audited.

const root = path.resolve(import.meta.dirname, "..");
const appRoot = process.env.LH_APP_ROOT ? path.resolve(process.env.LH_APP_ROOT) : root;
const RUNS = Number(process.env.LH_RUNS ?? 3);
/** LH_DETAIL=1: after each run, where the main thread's time went (by kind of work, and by script). */
const DETAIL = Boolean(process.env.LH_DETAIL);
/** LH_SAVE=<dir>: also writes each run's whole Lighthouse result there (`<page>-<run>.json`; open it in the Lighthouse viewer). */
const SAVE_DIR = process.env.LH_SAVE ? path.resolve(process.env.LH_SAVE) : undefined;
if (SAVE_DIR) fs.mkdirSync(SAVE_DIR, { recursive: true });
const CHROMIUM = process.env.CHROME_PATH ?? "/usr/bin/chromium";
const LEARNER = "member"; // 周党员, a party member of a college branch
const REPORTS = "admin";
const PASSWORD = "demo12345";
const COURSE = "liangxue-yizuo";
const TEXT_LESSON = "sijiang-siyou"; // text, a figure, checkpoints
const VIDEO_LESSON = "shenme-shi-liangxue-yizuo"; // a video at the top

type Page = { name: string; path: string; as: "anonymous" | typeof LEARNER | typeof REPORTS };
type Figures = Record<string, number>;

if (appRoot === root) buildIfNeeded();
else if (!fs.existsSync(path.join(appRoot, "build", "server", "index.js"))) throw new Error(`no build in ${appRoot}: run npm run build there first`);

const tmp = path.join(root, "bench", ".tmp");
fs.mkdirSync(tmp, { recursive: true });
const dbFile = path.join(tmp, `lighthouse-${process.pid}.db`);
const dataDir = path.join(tmp, `lighthouse-data-${process.pid}`);
process.env.DATA_DIR = dataDir;
process.env.DATABASE_URL = `file:${dbFile}`;
const removeRunFiles = () => {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(dbFile + suffix, { force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
};

migrate(dbFile);
await seedDemoUniversity(dbFile, new Date(), { dataDir });
await syncContent();
seedDemoQuiz(dbFile);
seedDemoContest(dbFile);

const server = await spawnServer({
  dbFile,
  appRoot,
  env: {
    DATA_DIR: dataDir,
    RULE_PACKS_DIR: path.join(root, "content", "rule-packs"),
    PIPELINE_PACKS_DIR: path.join(root, "content", "pipeline-packs"),
  },
});
let chrome: chromeLauncher.LaunchedChrome | undefined;
try {
  const ids = new Database(dbFile, { readonly: true });
  const quizId = (ids.prepare(`SELECT "id" FROM "Quiz" ORDER BY "id" LIMIT 1`).get() as { id: number }).id;
  const contestId = (ids.prepare(`SELECT "id" FROM "Contest" ORDER BY "id" LIMIT 1`).get() as { id: number }).id;
  ids.close();

  const clients = { anonymous: new Client(server.url), [LEARNER]: new Client(server.url), [REPORTS]: new Client(server.url) };
  for (const who of [LEARNER, REPORTS] as const) {
    const res = await clients[who].login(who, PASSWORD);
    if (res.status !== 302) throw new Error(`${who} could not sign in (${res.status})`);
  }
  const started = await clients[LEARNER].post(`/quizzes/${quizId}`, {});
  if (started.status !== 302 || !started.location) throw new Error(`the learner could not begin the demo quiz (${started.status})`);

  const all: Page[] = [
    { name: "login", path: "/login", as: "anonymous" },
    { name: "home", path: "/", as: LEARNER },
    { name: "catalogue", path: "/courses", as: LEARNER },
    { name: "course", path: `/courses/${COURSE}`, as: LEARNER },
    { name: "text lesson", path: `/courses/${COURSE}/${TEXT_LESSON}`, as: LEARNER },
    { name: "video lesson", path: `/courses/${COURSE}/${VIDEO_LESSON}`, as: LEARNER },
    { name: "quiz attempt", path: new URL(started.location, server.url).pathname, as: LEARNER },
    { name: "contest entry", path: `/contests/${contestId}`, as: LEARNER },
    { name: "hours", path: "/hours", as: LEARNER },
    { name: "reports", path: "/manage/reports", as: REPORTS },
  ];
  const wanted = process.env.LH_PAGES?.split(",");
  const pages = all.filter((p) => !wanted || wanted.includes(p.name.replace(" ", "-")));
  for (const p of pages) {
    const res = await clients[p.as].get(p.path);
    if (res.status !== 200) throw new Error(`${p.name} (${p.path}) answered ${res.status} to ${p.as}`);
  }

  chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ");
  console.info(
    `lighthouse 13, mobile profile, ${RUNS} run(s) per page, ${path.relative(root, appRoot) || "this checkout"}; load ${load()} at start (${os.cpus().length} cores)`,
  );

  const results = new Map<string, Figures[]>();
  for (let run = 0; run < RUNS; run++) {
    for (const p of pages) {
      const cookie = clients[p.as].cookieHeader;
      const result = await lighthouse(
        server.url + p.path,
        {
          port: chrome.port,
          output: "json",
          logLevel: "error",
          onlyCategories: ["performance", "accessibility", "best-practices"],
          extraHeaders: cookie ? { Cookie: cookie } : undefined,
        },
        undefined,
      );
      if (!result) throw new Error(`lighthouse gave no result for ${p.name}`);
      if (SAVE_DIR) fs.writeFileSync(path.join(SAVE_DIR, `${p.name.replace(" ", "-")}-${run + 1}.json`), JSON.stringify(result.lhr));
      const { categories, audits } = result.lhr;
      const ms = (id: string) => audits[id]?.numericValue ?? NaN;
      const figures: Figures = {
        perf: Math.round((categories.performance?.score ?? NaN) * 100),
        a11y: Math.round((categories.accessibility?.score ?? NaN) * 100),
        bp: Math.round((categories["best-practices"]?.score ?? NaN) * 100),
        fcp: ms("first-contentful-paint"),
        lcp: ms("largest-contentful-paint"),
        tbt: ms("total-blocking-time"),
        cls: audits["cumulative-layout-shift"]?.numericValue ?? NaN,
        si: ms("speed-index"),
        tti: ms("interactive"),
        js:
          (audits["network-requests"]?.details as { items?: { resourceType?: string; transferSize?: number }[] } | undefined)?.items
            ?.filter((i) => i.resourceType === "Script")
            .reduce((t, i) => t + (i.transferSize ?? 0), 0) ?? NaN,
      };
      results.set(p.name, [...(results.get(p.name) ?? []), figures]);
      console.info(`  run ${run + 1} ${p.name}: performance ${figures.perf}, accessibility ${figures.a11y}, best practices ${figures.bp}`);
      printFailingAudits(p.name, categories, audits);
      if (DETAIL) printWhereTimeGoes(audits);
    }
  }

  const median = (xs: number[]) => {
    const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
  };
  const sec = (v: number) => (Number.isNaN(v) ? "–" : (v / 1000).toFixed(1));
  console.info(`\nmedian of ${RUNS} (scores 0–100; times in s on the simulated phone; JS = script bytes transferred, KB)`);
  console.info(["page".padEnd(14), "perf", "a11y", "bp ", "  FCP", "  LCP", "  TBT", " CLS ", "   SI", "  TTI", "   JS"].join(" "));
  for (const p of pages) {
    const runs = results.get(p.name)!;
    const m = (k: string) => median(runs.map((r) => r[k]));
    console.info(
      [
        p.name.padEnd(14),
        String(m("perf")).padStart(4),
        String(m("a11y")).padStart(4),
        String(m("bp")).padStart(3),
        sec(m("fcp")).padStart(5),
        sec(m("lcp")).padStart(5),
        sec(m("tbt")).padStart(5),
        m("cls").toFixed(2).padStart(5),
        sec(m("si")).padStart(5),
        sec(m("tti")).padStart(5),
        (m("js") / 1024).toFixed(0).padStart(5),
      ].join(" "),
    );
  }
  console.info(`load ${load()} at the end`);
} finally {
  await chrome?.kill();
  await server.stop();
  const logged = server.stderr.join("").trim();
  if (logged) console.info(`the server wrote to stderr:\n${logged}`);
  removeRunFiles();
}

type Audits = Record<string, { details?: unknown } | undefined>;

/** The accessibility and best-practices audits that cost points on a page, with what they flagged, so a score below 100 says why. */
function printFailingAudits(
  page: string,
  categories: Record<string, { auditRefs: { id: string; weight: number }[] } | undefined>,
  audits: Record<string, { score: number | null; title: string; details?: unknown } | undefined>,
): void {
  for (const category of ["accessibility", "best-practices"]) {
    for (const ref of categories[category]?.auditRefs ?? []) {
      const audit = audits[ref.id];
      if (!audit || audit.score === null || audit.score >= 1 || ref.weight === 0) continue;
      const items =
        (audit.details as { items?: { node?: { snippet?: string; selector?: string }; description?: string; source?: unknown }[] } | undefined)?.items ?? [];
      console.info(`  ${page}: ${category} ${ref.id} (${audit.title})`);
      for (const item of items.slice(0, 5))
        console.info(`    ${item.node?.selector ?? ""} ${item.node?.snippet ?? item.description ?? JSON.stringify(item.source ?? item).slice(0, 200)}`);
    }
  }
}

/** The main thread's time on the simulated phone by kind of work and by script (Lighthouse's own breakdowns), the largest first. */
function printWhereTimeGoes(audits: Audits): void {
  const items = (id: string) => ((audits[id]?.details as { items?: Record<string, unknown>[] } | undefined)?.items ?? []).slice(0, 6);
  const ms = (v: unknown) => `${Math.round(Number(v))} ms`;
  const work = items("mainthread-work-breakdown").map((i) => `${String(i.groupLabel)} ${ms(i.duration)}`);
  console.info(`    main thread: ${work.join(", ")}`);
  for (const i of items("bootup-time"))
    console.info(`    ${ms(i.total).padStart(7)} (script ${ms(i.scripting)}) ${String(i.url).replace(/^https?:\/\/[^/]+/, "")}`);
}

/** The shipped question banks and courses, as `npm start` brings them in (MDX compiled into this run's cache). */
async function syncContent(): Promise<void> {
  const { syncContentCourses } = await import("../app/.server/content/course-sync");
  const { SqliteSqlDb } = await import("../app/.server/sql-sqlite");
  const { syncContentBanks } = await import("../app/.server/quiz/banks");
  const db = new Database(dbFile, { timeout: 5000 });
  try {
    await syncContentBanks({ dir: path.join(root, "content", "banks"), db: new SqliteSqlDb(db) });
    const summary = await syncContentCourses({ dir: path.join(root, "content", "courses"), projectRoot: root, db: new SqliteSqlDb(db) });
    if (summary.failed.length) throw new Error(`content/courses: ${summary.failed.map((f) => f.slug).join(", ")} failed to sync`);
  } finally {
    db.close();
  }
}
