import { openFactory } from "../../tests/factories";
import { SESSION_COOKIE, addBenchAccounts } from "../lib/bench-accounts";
import { connections } from "../lib/http-pool";
import { drive } from "../lib/load";
import { type BenchContext, type Row } from "../lib/report";
import { summarize } from "../lib/stats";

// The home page as a to-do list on a contest morning (issue 19): 2,000 members of one branch, all at
// once, each open `/` (their to-do list: a required course part-done, a quiz and a contest open to them,
// their branch's 主题党日 in two days, 学时 behind; then notices and pages). Meanwhile GET /healthz is
// requested one at a time; the same request measured the same way before the load is the reference.

export const name = "home";

const MEMBERS = 2_000;
const IN_FLIGHT = 64; // requests the client has open at once, as a proxy's connection pool
const MAX_MS = 180_000;
const DAY = 86_400_000;

function setup(dbFile: string) {
  const f = openFactory(dbFile);
  try {
    const { unitId, accounts } = addBenchAccounts(f, {
      count: MEMBERS,
      prefix: "home",
      namePrefix: "首页压测",
      unitName: "压测首页党支部",
      politicalStatus: "member",
    });
    const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");
    const now = new Date();
    const admin = (f.db.prepare(`SELECT "id" FROM "Person" WHERE "number" = 'admin'`).get() as { id: number }).id;
    f.transaction(() => {
      // A required course of the branch, due in a week (the demo's courses are synced before the run).
      const course = f.db.prepare(`SELECT "id" FROM "Course" WHERE "status" = 'published' ORDER BY "id" LIMIT 1`).get() as { id: number } | undefined;
      if (course)
        f.db
          .prepare(`INSERT INTO "CourseAssignment" ("courseId", "unitId", "dueAt", "createdAt") VALUES (?, ?, ?, ?)`)
          .run(course.id, unitId, ts(new Date(now.getTime() + 7 * DAY)), ts(now));
      const quiz = f.db
        .prepare(
          `INSERT INTO "Quiz" ("title", "unitId", "createdById", "status", "closesAt", "createdAt", "updatedAt") VALUES ('首页压测测试', ?, ?, 'published', ?, ?, ?) RETURNING "id"`,
        )
        .get(unitId, admin, ts(new Date(now.getTime() + DAY)), ts(now), ts(now)) as { id: number };
      f.db.prepare(`INSERT INTO "QuizAudience" ("quizId", "unitId") VALUES (?, ?)`).run(quiz.id, unitId);
      const contest = f.db
        .prepare(
          `INSERT INTO "Contest" ("title", "unitId", "createdById", "status", "opensAt", "closesAt", "timeLimitSec", "createdAt", "updatedAt") VALUES ('首页压测竞赛', ?, ?, 'published', ?, ?, 600, ?, ?) RETURNING "id"`,
        )
        .get(unitId, admin, ts(new Date(now.getTime() - DAY)), ts(new Date(now.getTime() + 2 * DAY)), ts(now), ts(now)) as { id: number };
      f.db.prepare(`INSERT INTO "ContestAudience" ("contestId", "unitId") VALUES (?, ?)`).run(contest.id, unitId);
      const start = new Date(now.getTime() + 2 * DAY);
      f.db
        .prepare(
          `INSERT INTO "Activity" ("unitId", "kind", "title", "startsAt", "endsAt", "checkinOpensAt", "checkinClosesAt", "hours", "codeSecret", "createdById", "createdAt", "updatedAt")
           VALUES (?, 'theme_day', '首页压测主题党日', ?, ?, ?, ?, 200, 'bench', ?, ?, ?)`,
        )
        .run(unitId, ts(start), ts(new Date(start.getTime() + 2 * 3_600_000)), ts(start), ts(start), admin, ts(now), ts(now));
    });
    return accounts;
  } finally {
    f.close();
  }
}

export async function run({ url, dbFile }: BenchContext): Promise<Row[]> {
  const accounts = setup(dbFile);
  const pool = connections(url, IN_FLIGHT);
  const sampler = connections(url, 1);
  const healthz = async () => {
    const r = await sampler.request("/healthz");
    if (r.status !== 200) throw new Error(`GET /healthz → ${r.status}`);
  };
  const reference = await drive(healthz, { count: 200, concurrency: 1, warmup: 5 });

  const pages: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let done = false;
  const started = performance.now();
  const during = drive(healthz, { count: 100_000, concurrency: 1, maxMs: MAX_MS, stop: () => done });
  await Promise.all(
    accounts.map(async ({ token }) => {
      if (performance.now() - started > MAX_MS) return;
      const t0 = performance.now();
      const page = await pool.request("/", { headers: { Cookie: `${SESSION_COOKIE}=${token}` } }).catch((e: Error) => ({ status: 0, text: e.message }));
      pages.push(performance.now() - t0);
      // A page that answers but lost the list is an error too: each member must see her meeting and quiz.
      if (page.status !== 200 || !page.text.includes("首页压测主题党日") || !page.text.includes("首页压测测试")) {
        errors++;
        firstError ??= `GET / → ${page.status} ${page.text.slice(0, 80)}`;
      }
    }),
  );
  const elapsed = performance.now() - started;
  done = true;
  const healthDuring = await during;
  pool.close();
  sampler.close();
  return [
    { scenario: name, measure: "GET /healthz before (reference)", stats: reference },
    {
      scenario: name,
      measure: `home (to-do list), ${MEMBERS} members at once (${IN_FLIGHT} open)`,
      stats: summarize(pages, errors, elapsed),
      ref: reference,
      note: firstError,
    },
    { scenario: name, measure: "GET /healthz during the load", stats: healthDuring, ref: reference },
  ];
}
