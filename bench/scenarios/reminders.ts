import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { openFactory } from "../../tests/factories";
import { addBenchAccounts } from "../lib/bench-accounts";
import { connections } from "../lib/http-pool";
import { drive } from "../lib/load";
import { type BenchContext, type Row } from "../lib/report";
import { summarize } from "../lib/stats";

// The reminder scheduler (decision 058) over the whole university: active people topped up to 12,000
// (a bench branch), a quiz open to everyone closing in 23 h, so every person has a reminder due. One
// whole pass, a batch (500 people) per call as the runner's time budget slices it, run by
// bench/reminder-pass.ts in a process of its own on the server's database file (as a second server
// process would run it; notify()'s dedupe keeps it single either way). Its time includes that
// process's start (about a second). Meanwhile GET /healthz is requested one at a time on the server; the same request
// before the pass is the reference.

export const name = "reminders";

const PEOPLE = 12_000;
const execFileAsync = promisify(execFile);
const HOUR = 3_600_000;

function setup(dbFile: string): number {
  const f = openFactory(dbFile);
  try {
    const active = (f.db.prepare(`SELECT COUNT(*) AS n FROM "Person" WHERE "disabledAt" IS NULL`).get() as { n: number }).n;
    if (active < PEOPLE)
      addBenchAccounts(f, { count: PEOPLE - active, prefix: "remind", namePrefix: "提醒压测", unitName: "压测提醒党支部", politicalStatus: "member" });
    const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");
    const now = new Date();
    const admin = (f.db.prepare(`SELECT "id" FROM "Person" WHERE "number" = 'admin'`).get() as { id: number }).id;
    const root = (f.db.prepare(`SELECT "id" FROM "OrgUnit" WHERE "parentId" IS NULL`).get() as { id: number }).id;
    f.transaction(() => {
      const quiz = f.db
        .prepare(
          `INSERT INTO "Quiz" ("title", "unitId", "createdById", "status", "closesAt", "createdAt", "updatedAt") VALUES ('提醒压测测试', ?, ?, 'published', ?, ?, ?) RETURNING "id"`,
        )
        .get(root, admin, ts(new Date(now.getTime() + 23 * HOUR)), ts(now), ts(now)) as { id: number };
      f.db.prepare(`INSERT INTO "QuizAudience" ("quizId", "unitId") VALUES (?, ?)`).run(quiz.id, root);
    });
    return (f.db.prepare(`SELECT COUNT(*) AS n FROM "Person" WHERE "disabledAt" IS NULL`).get() as { n: number }).n;
  } finally {
    f.close();
  }
}

const counts = (dbFile: string) => {
  const f = openFactory(dbFile);
  try {
    const n = (table: string) => (f.db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
    return { inbox: n("Notification"), outbox: n("NotificationDelivery") };
  } finally {
    f.close();
  }
};

export async function run({ url, dbFile }: BenchContext): Promise<Row[]> {
  const people = setup(dbFile);
  const sampler = connections(url, 1);
  const healthz = async () => {
    const r = await sampler.request("/healthz");
    if (r.status !== 200) throw new Error(`GET /healthz → ${r.status}`);
  };
  const reference = await drive(healthz, { count: 200, concurrency: 1, warmup: 5 });

  const before = counts(dbFile);
  let done = false;
  const during = drive(healthz, { count: 100_000, concurrency: 1, maxMs: 600_000, stop: () => done });
  const started = performance.now();
  let walked = 0;
  let batches: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  try {
    const { stdout } = await execFileAsync(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "..", "reminder-pass.ts")], {
      env: { ...process.env, DATABASE_URL: `file:${dbFile}` },
      maxBuffer: 16 * 2 ** 20,
    });
    ({ people: walked, batches } = JSON.parse(stdout.trim().split("\n").pop()!) as { people: number; batches: number[] });
  } catch (e) {
    errors++;
    firstError = (e as Error).message.split("\n").filter(Boolean).slice(0, 3).join(" ").slice(0, 200);
  }
  const elapsed = performance.now() - started;
  done = true;
  const healthDuring = await during;
  sampler.close();
  const after = counts(dbFile);
  const written = `${after.inbox - before.inbox} inbox rows, ${after.outbox - before.outbox} outbox rows`;
  console.info(`reminders: ${walked} of ${people} active people walked in ${(elapsed / 1000).toFixed(1)} s, ${written}`);
  return [
    { scenario: name, measure: "GET /healthz before (reference)", stats: reference },
    {
      scenario: name,
      measure: `one pass over ${walked} people, per batch of 500 (${written})`,
      stats: summarize(batches, errors, elapsed),
      note: firstError,
    },
    { scenario: name, measure: "GET /healthz during the pass", stats: healthDuring, ref: reference },
  ];
}
