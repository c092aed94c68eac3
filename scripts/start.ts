import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildIfNeeded } from "./lib/build";
import { isEmpty, migrate } from "./lib/migrate";
import { withStartupLock } from "./lib/startup-lock";
import type { DemoClassRows } from "../prisma/seed-class-history";

// `npm start`: migrate, seed the demo university (demo mode, empty database), sync the banks under
// content/banks, build when the sources changed, serve, and print where and how to sign in. `--dev` serves through Vite instead.
// All of that runs once, in this process, under the start-up lock (decision 076); then WEB_CONCURRENCY server processes serve
// (one per core up to 4 unless set, decisions 071 and 087; `--dev`: always one).

const dev = process.argv.includes("--dev");
process.env.APP_MODE ??= process.env.NODE_ENV === "production" ? "production" : "demo";
process.env.DATABASE_URL ??= "file:./data/app.db";
// The whole environment is checked before any start-up work: a refused setting (multi-node mode without
// CERT_SECRET, decision 076) stops the start here, not after migrating.
const { env } = await import("../app/.server/env");
const mode = env.mode;
const onPostgres = env.databaseEngine === "postgres";

// Before anything else: without the route-matching patch the server would start, and be slow (decision 017).
const { routerPatchProblem } = await import("../app/.server/router-patch");
const unpatched = routerPatchProblem();
if (unpatched) {
  console.error(unpatched);
  process.exit(1);
}

const t0 = performance.now();
// Under one lock, so N processes or nodes started together on one database migrate, sync and seed once
// (decision 076): the first does the work, the others wait and find it done.
let seeded = false;
if (onPostgres) seeded = await prepareOnPostgres(env.databaseUrl);
else {
  const dbFile = path.resolve(process.env.DATABASE_URL.replace(/^file:/, ""));
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  await withStartupLock("start-up", { sqliteFile: dbFile }, async () => {
    if (migrate(dbFile)) console.info(`数据库已迁移 (migrations applied) → ${path.relative(process.cwd(), dbFile)}`);

    if (isEmpty(dbFile)) {
      if (mode === "production") {
        console.info("数据库为空。生产模式不会写入演示数据：请运行 `npm run create-admin` 创建第一个管理员。");
      } else {
        const { seedDemoUniversity } = await import("../prisma/seed");
        const s = await seedDemoUniversity(dbFile, new Date(), { dataDir: env.dataDir });
        seeded = true;
        console.info(
          `已写入演示大学 (demo university seeded): ${s.units} 个党组织, ${s.people} 人, ${s.files.files} 份发展党员档案（${s.files.records} 个步骤）, ${s.ms} ms`,
        );
      }
    }

    if (!dev) {
      buildIfNeeded();
      process.env.NODE_ENV = "production";
    }

    const { prismaReady } = await import("../app/.server/db");
    await prismaReady();

    // Banks kept as files are brought in on every start; an unchanged file is skipped by its hash.
    const { syncContentBanks } = await import("../app/.server/quiz/banks");
    const tBanks = performance.now();
    const banks = await syncContentBanks();
    console.info(
      `题库文件 (content/banks): ${banks.files} 个，${banks.banksCreated + banks.banksUpdated} 个已更新（新增 ${banks.questionsAdded} 题，修改 ${banks.questionsUpdated} 题，归档 ${banks.questionsArchived} 题），${(performance.now() - tBanks).toFixed(0)} ms`,
    );
    for (const w of banks.warnings) console.warn(`  ⚠ ${w}`);
    // Courses kept as files likewise: a changed course directory becomes a new published revision.
    const { syncContentCourses } = await import("../app/.server/content/course-sync");
    const tCourses = performance.now();
    const courses = await syncContentCourses();
    console.info(
      `课程文件 (content/courses): ${courses.courses} 门，${courses.synced.length} 门已更新，${courses.unchanged.length} 门未变，${(performance.now() - tCourses).toFixed(0)} ms`,
    );
    for (const f of courses.failed) {
      console.warn(`  ⚠ 课程 ${f.slug} 有 ${f.problems.length} 处问题，未同步（保留上次发布的版本）：`);
      for (const p of f.problems) console.warn(`    ${p.file}${p.line ? `:${p.line}` : ""}  ${p.message}`);
    }
    // The demo's threads under lessons need the lessons just synced: written once, on the first start that has them (decision 049).
    if (mode !== "production") {
      const { seedDemoLessonThreads } = await import("../prisma/seed-lesson-threads");
      const threads = seedDemoLessonThreads(dbFile);
      if (threads) console.info(`已写入演示课时讨论 (demo lesson threads): ${threads} 个`);
    }
    // Rule packs are checked now, not at the first page that needs them: a broken default pack stops the start.
    const { rulePacks } = await import("../app/.server/hours/rule-packs");
    const packs = rulePacks();
    console.info(`学时规则包 (rule packs): ${[...packs.packs.keys()].join("、")}`);
    for (const e of packs.errors) console.warn(`  ⚠ ${e}`);
    if (seeded) {
      const { seedDemoQuiz, seedDemoContest, seedDemoAssignments } = await import("../prisma/seed");
      if (seedDemoQuiz(dbFile)) console.info("已发布演示测试 (demo quizzes published): “两学一做”党章党规知识测试、党的基础知识每日一练（一屏一题）");
      if (seedDemoContest(dbFile)) console.info("已发布演示竞赛 (demo contest published): 党史知识竞赛");
      const assigned = seedDemoAssignments(dbFile);
      if (assigned) console.info(`已布置演示必修课程 (demo required courses): ${assigned}`);
      const { seedDemoHistory } = await import("../prisma/seed-history");
      const history = seedDemoHistory(dbFile);
      if (history) console.info(`已写入一年演示记录 (a year of demo history): ${history}`);
      // After the history: it writes activities and progress only into an empty database.
      const { seedDemoClassHistory } = await import("../prisma/seed-class-history");
      const classes = await seedDemoClassHistory(dbFile);
      if (classes) console.info(`已写入演示培训班记录 (demo party-school classes): ${classes}`);
      // Organisation life recorded whole (decision 056): minutes, leaves, 补学 and the coming weeks' plan, on the history's meetings.
      const { seedDemoMeetings } = await import("../prisma/seed-meetings");
      const meetings = seedDemoMeetings(dbFile);
      if (meetings) console.info(`已写入演示会议记录 (demo meetings): ${meetings}`);
    }
  });
}
const { startServers, webConcurrency } = await import("../server-cluster");
const server = await startServers({ dev, count: dev ? 1 : webConcurrency() });

console.info(
  `\n网上党校 is running at ${server.url}  (${mode} mode, ${server.processes} 个服务进程 (processes), ready in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);
if (mode !== "production") {
  const { DEMO_ACCOUNTS, DEMO_PASSWORD } = await import("../prisma/seed");
  console.info(`\n演示账号 (demo accounts) — 密码 password: ${DEMO_PASSWORD}${seeded ? "" : "（如未修改）"}`);
  for (const a of DEMO_ACCOUNTS) console.info(`  ${a.username.padEnd(10)} ${a.role}`);
}
console.info("");

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

/**
 * DATABASE_URL is postgres(ql):// (decisions 073, 078): under the start-up lock, so N nodes started together
 * do this once, the migrations are applied; an empty database in demo mode gets the demo university,
 * seeded into a SQLite file of its own by the same code as on one machine and moved in with the exporter
 * of decision 078; then the banks and courses kept as files are synced and the rule packs checked, as
 * on SQLite. Returns whether the demo was seeded.
 */
async function prepareOnPostgres(url: string): Promise<boolean> {
  const [{ default: pg }, { pgPoolConfig }, { migratePostgres }] = await Promise.all([
    import("pg"),
    import("../app/.server/pg-types"),
    import("./lib/pg-migrate"),
  ]);
  const client = new pg.Client(pgPoolConfig(url));
  await client.connect();
  try {
    return await withStartupLock("start-up", { postgres: client }, async () => {
      const applied = await migratePostgres(url);
      console.info(
        applied.length ? `PostgreSQL 数据库已迁移 (migrations applied): ${applied.join(", ")}` : "PostgreSQL 数据库已是最新 (no pending migrations)",
      );
      const { rows } = await client.query<{ n: number }>(`SELECT COUNT(*)::integer AS "n" FROM "OrgUnit"`);
      let seeded = false;
      if (rows[0].n === 0) {
        if (mode === "production") {
          console.info("数据库为空。生产模式不会写入演示数据：请把学校的 SQLite 数据库搬入（npm run db:move-to-postgres），或在 SQLite 上创建管理员后搬入。");
        } else {
          const file = path.join(os.tmpdir(), `dangxiao-demo-${process.pid}-${Date.now()}.db`);
          try {
            migrate(file);
            const s = await seedDemoFile(file);
            const { moveToPostgres } = await import("./lib/move-to-postgres");
            const moved = await moveToPostgres(file, url);
            seeded = true;
            console.info(`已写入演示大学 (demo university seeded and moved into PostgreSQL): ${s.summary}; ${moved.rows} 行, ${moved.ms} ms`);
            // The classes' last steps go through the app's own functions, on PostgreSQL now that their rows are there.
            if (s.classes) {
              const { amendDemoClass } = await import("../prisma/seed-class-history");
              console.info(`已写入演示培训班记录 (demo party-school classes): ${await amendDemoClass(s.classes)}`);
            }
          } finally {
            for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
          }
        }
      }
      if (!dev) {
        buildIfNeeded();
        process.env.NODE_ENV = "production";
      }
      const { syncContentBanks } = await import("../app/.server/quiz/banks");
      const banks = await syncContentBanks();
      console.info(`题库文件 (content/banks): ${banks.files} 个，${banks.banksCreated + banks.banksUpdated} 个已更新`);
      for (const w of banks.warnings) console.warn(`  ⚠ ${w}`);
      const { syncContentCourses } = await import("../app/.server/content/course-sync");
      const courses = await syncContentCourses();
      console.info(`课程文件 (content/courses): ${courses.courses} 门，${courses.synced.length} 门已更新，${courses.unchanged.length} 门未变`);
      for (const f of courses.failed) console.warn(`  ⚠ 课程 ${f.slug} 有 ${f.problems.length} 处问题，未同步（保留上次发布的版本）`);
      const { rulePacks } = await import("../app/.server/hours/rule-packs");
      const packs = rulePacks();
      console.info(`学时规则包 (rule packs): ${[...packs.packs.keys()].join("、")}`);
      for (const e of packs.errors) console.warn(`  ⚠ ${e}`);
      return seeded;
    });
  } finally {
    await client.end();
  }
}

/**
 * The demo university into an empty, migrated SQLite file, as a first start on one machine writes it (for PostgreSQL's demo),
 * with the party-school classes' rows whose last steps `amendDemoClass` takes once the file is moved.
 */
async function seedDemoFile(file: string): Promise<{ summary: string; classes: DemoClassRows | null }> {
  const seed = await import("../prisma/seed");
  const s = await seed.seedDemoUniversity(file, new Date(), { dataDir: env.dataDir });
  const { syncContentIntoFile } = await import("./lib/content-sync");
  await syncContentIntoFile(file);
  const { seedDemoLessonThreads } = await import("../prisma/seed-lesson-threads");
  seedDemoLessonThreads(file);
  seed.seedDemoQuiz(file);
  seed.seedDemoContest(file);
  seed.seedDemoAssignments(file);
  const { seedDemoHistory } = await import("../prisma/seed-history");
  seedDemoHistory(file);
  // After the history, as on one machine.
  const { writeDemoClassRows } = await import("../prisma/seed-class-history");
  const classes = writeDemoClassRows(file);
  const { seedDemoMeetings } = await import("../prisma/seed-meetings");
  seedDemoMeetings(file);
  return { summary: `${s.units} 个党组织, ${s.people} 人`, classes };
}
