import Database from "better-sqlite3";
import { fromPresented } from "../../app/lib/quiz-shuffle";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { type UnitRow, openFactory } from "../../tests/factories";
import { openQuizFactory } from "../../tests/quiz-factories";
import { Client, type Reply } from "../../tests/support/client";
import { drive, expectStatus } from "../lib/load";
import { type BenchContext, type Row, formatTable } from "../lib/report";
import { decodeSingleFetch } from "../lib/single-fetch";
import { summarize } from "../lib/stats";

// A thousand learners take one 20-question quiz at the same time, speaking the protocol of the
// hydrated page (Remix single fetch): start (POST /quizzes/:id.data → redirect), load the attempt's
// data, then per question an autosave (the fetcher's POST …/attempts/:id.data; a successful one
// makes no revalidation GET, see app/lib/autosave.ts), then submit and the result's data.
// Every attempt is started before the first answer arrives (the requests are served in turn), so
// all 1,000 are in progress together. Afterwards the database is read: every acknowledged answer
// must be stored exactly once, and every attempt submitted and graded; otherwise the run throws.

export const name = "quiz-attempts";

// BENCH_QUIZ_LEARNERS runs a smaller crowd for a quicker look (the figures of record use 1,000).
const LEARNERS = Number(process.env.BENCH_QUIZ_LEARNERS ?? 1000);
const QUESTIONS = 20; // five of each type, drawn from one bank
const CONCURRENCY = 32; // learners with a request in flight at once, of the 1,000 in progress
const SIGN_IN_CONCURRENCY = 8; // the sign-ins before the phase, not measured
const MAX_MS = 900_000;
const ATTEMPT_ROUTE = "routes/quizzes.$quizId_.attempts.$attemptId";

/** Bench learners in a unit of their own (sharing the demo accounts' hash) and a quiz for that unit. */
function addLearnersAndQuiz(dbFile: string): { quizId: number; numbers: string[] } {
  const f = openFactory(dbFile);
  try {
    const admin = f.db.prepare("SELECT p.id, p.unitId, w.hash FROM Person p JOIN Password w ON w.personId = p.id WHERE p.number = 'admin'").get() as {
      id: number;
      unitId: number;
      hash: string;
    };
    const root = f.db.prepare("SELECT id, path, depth, name, kind FROM OrgUnit WHERE parentId IS NULL").get() as UnitRow;
    const numbers = Array.from({ length: LEARNERS }, (_, i) => `quizb${String(i + 1).padStart(4, "0")}`);
    const qf = openQuizFactory(f.db);
    const quizId = f.transaction(() => {
      const unit = f.unit({ name: "压测测验党支部", kind: "branch", branchType: "student", parent: root });
      numbers.forEach((number, i) => f.passwordHash(f.person({ number, name: `测验压测${i + 1}`, unitId: unit.id, politicalStatus: "activist" }), admin.hash));
      const bank = qf.standardBank({ slug: "bench-quiz", unitId: unit.id, perType: QUESTIONS / 4 });
      return qf.quiz({
        title: "压测测验",
        unitId: unit.id,
        createdById: admin.id,
        opensAt: new Date(Date.now() - 60_000),
        closesAt: new Date(Date.now() + 86_400_000),
        timeLimitSec: 3600,
        maxAttempts: 1,
        slots: [{ bankId: bank.bankId, count: QUESTIONS, markEach: 500 }],
        audiences: [{ unitId: unit.id }],
      });
    });
    return { quizId, numbers };
  } finally {
    f.close();
  }
}

type Item = { position: number; type: "single" | "multiple" | "judge" | "fill"; options: { value: string }[] };

/** Where an action's single-fetch reply (status 202) sends the browser. */
function redirectOf(reply: Reply): string {
  const r = decodeSingleFetch(reply.text) as { redirect?: unknown };
  if (typeof r.redirect !== "string") throw new Error(`no redirect in ${reply.text.slice(0, 200)}`);
  return r.redirect;
}

type PageData = { mode: "taking" | "review"; items: Item[] | null };

/** The attempt route's loader data from a single-fetch GET. */
function pageData(reply: Reply): PageData {
  const d = (decodeSingleFetch(reply.text) as Record<string, { data?: PageData } | undefined>)[ATTEMPT_ROUTE]?.data;
  if (!d) throw new Error(`no ${ATTEMPT_ROUTE} data in ${reply.text.slice(0, 200)}`);
  return d;
}

/** A fixed, varied answer per learner and question (right or wrong does not matter here). */
function answerOf(item: Item, learner: number): string[] {
  const k = learner + item.position;
  const opts = item.options.map((o) => o.value);
  if (item.type === "fill") return [k % 3 === 0 ? "三会一课" : `答案${learner}-${item.position}`];
  if (item.type === "multiple") return [opts[k % opts.length], opts[(k + 1) % opts.length]];
  return [opts[k % opts.length]];
}

function form(entries: [string, string][]): URLSearchParams {
  const body = new URLSearchParams();
  for (const [k, v] of entries) body.append(k, v);
  return body;
}

/** One measured series of the phase; its rate is taken over the whole phase. */
class Series {
  latencies: number[] = [];
  errors = 0;
  firstError?: string;

  /** Times one request; a wrong answer counts as an error and is rethrown. */
  async time<T>(request: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await request();
    } catch (e) {
      this.errors++;
      this.firstError ??= e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      this.latencies.push(performance.now() - t0);
    }
  }
}

class TimeCap extends Error {
  constructor() {
    super("time cap reached");
  }
}

/**
 * At most `concurrency` turns at once, served in the order they ask. A turn is what a browser sends
 * back to back: an action and the loader data the router fetches right after it.
 */
function turns(concurrency: number, deadline: number) {
  let free = concurrency;
  const waiting: (() => void)[] = [];
  return async function turn<T>(fn: () => Promise<T>): Promise<T> {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      if (performance.now() > deadline) throw new TimeCap();
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

type Acknowledged = { attemptId: number; position: number; values: string[] };

export async function run({ url, dbFile }: BenchContext): Promise<Row[]> {
  const { quizId, numbers } = addLearnersAndQuiz(dbFile);

  // Real sign-ins (argon2), before the phase and not measured.
  const clients = numbers.map(() => new Client(url));
  const signIns = await drive(async (i) => expectStatus(await clients[i].login(numbers[i], DEMO_PASSWORD), 302, `POST /login as ${numbers[i]}`), {
    count: LEARNERS,
    concurrency: SIGN_IN_CONCURRENCY,
    maxMs: 120_000,
  });
  if (signIns.n < LEARNERS || signIns.errors)
    throw new Error(`only ${signIns.n - signIns.errors} of ${LEARNERS} sign-ins succeeded (${signIns.firstError ?? "time cap"})`);

  const healthz = await drive(async () => expectStatus(await clients[0].get("/healthz"), 200, "GET /healthz"), {
    count: 500,
    concurrency: CONCURRENCY,
    warmup: 20,
    maxMs: 60_000,
  });

  const series = { start: new Series(), page: new Series(), save: new Series(), submit: new Series(), result: new Series() };
  const attempts = new Set<number>();
  const submitted = new Set<number>();
  const acknowledged: Acknowledged[] = [];
  const started = performance.now();
  const turn = turns(CONCURRENCY, started + MAX_MS);
  const passOn = (e: unknown) => {
    if (e instanceof TimeCap) throw e; // other errors are counted in their series; the learner goes on
  };

  async function learner(k: number) {
    const c = clients[k];
    // Repeated fields (a multiple choice, the submit's answers) need a URLSearchParams body.
    const post = (path: string, body: URLSearchParams) => c.request(path, { method: "POST", body });
    const data = async (path: string) => {
      const reply = await c.get(path);
      expectStatus(reply, 200, `GET ${path}`);
      return pageData(reply);
    };

    const { attemptId, path, items } = await turn(async () => {
      const path = await series.start.time(async () => {
        const reply = await post(`/quizzes/${quizId}.data`, new URLSearchParams());
        expectStatus(reply, 202, `POST /quizzes/${quizId}.data`);
        const to = redirectOf(reply);
        if (!/^\/quizzes\/\d+\/attempts\/\d+$/.test(to)) throw new Error(`start redirected to ${to}`);
        return to;
      });
      const attemptId = Number(path.split("/").pop());
      attempts.add(attemptId);
      const items = await series.page.time(async () => {
        const d = await data(`${path}.data`);
        if (d.mode !== "taking" || !d.items) throw new Error(`${path}.data: not an attempt in progress`);
        return d.items;
      });
      return { attemptId, path, items };
    });

    const fields: [string, string][] = [];
    for (const item of items) {
      const values = answerOf(item, k);
      const name = `q${item.position}`;
      for (const v of values) fields.push([name, v]);
      await turn(() =>
        series.save.time(async () => {
          const reply = await post(
            `${path}.data`,
            form([["intent", "save"], ["position", String(item.position)], ...values.map((v): [string, string] => [name, v])]),
          );
          expectStatus(reply, 200, `POST ${path}.data intent=save`);
          acknowledged.push({ attemptId, position: item.position, values });
        }),
      ).catch(passOn);
    }

    // The submit button posts the whole form again: answers already saved stay as they are.
    await turn(async () => {
      await series.submit.time(async () => {
        const reply = await post(`${path}.data`, form([...fields, ["intent", "submit"]]));
        expectStatus(reply, 202, `POST ${path}.data intent=submit`);
        if (redirectOf(reply) !== path) throw new Error(`submit redirected to ${redirectOf(reply)}`);
      });
      submitted.add(attemptId);
      await series.result.time(async () => {
        if ((await data(`${path}.data`)).mode !== "review") throw new Error(`${path}.data: no result after the submit`);
      });
    });
  }

  let cutOff = 0;
  await Promise.all(
    clients.map((_, k) =>
      learner(k).catch((e) => {
        if (e instanceof TimeCap) cutOff++;
      }),
    ),
  );
  const elapsed = performance.now() - started;

  const check = verify(dbFile, quizId, { attempts, submitted, acknowledged });
  console.info(`${name} check: ${check.summary}`);

  const row = (measure: string, s: Series, note?: string): Row => {
    const notes = [note, s.firstError && `first error: ${s.firstError}`].filter(Boolean).join("; ");
    return { scenario: name, measure, stats: summarize(s.latencies, s.errors, elapsed), ref: healthz, note: notes || undefined };
  };
  const rows: Row[] = [
    { scenario: name, measure: `GET /healthz (reference, c=${CONCURRENCY})`, stats: healthz, note: healthz.firstError && `first error: ${healthz.firstError}` },
    row(
      `start: POST /quizzes/:id.data (c=${CONCURRENCY})`,
      series.start,
      `${LEARNERS} real sign-ins before the phase took ${(signIns.n / signIns.perSec).toFixed(1)} s (c=${SIGN_IN_CONCURRENCY}, not measured); the phase took ${(elapsed / 1000).toFixed(1)} s` +
        (cutOff ? `, ${cutOff} learners cut off by the ${MAX_MS / 1000} s cap` : ""),
    ),
    row("attempt data: GET …/attempts/:id.data", series.page),
    row("autosave: POST …/attempts/:id.data", series.save),
    row("submit: POST …/attempts/:id.data", series.submit),
    row("result: GET …/attempts/:id.data", series.result),
  ];
  if (check.problems.length) {
    console.info(formatTable(rows));
    throw new Error(`${name}: the database does not hold what the server acknowledged:\n  ${check.problems.join("\n  ")}`);
  }
  return rows;
}

type ItemRow = {
  attemptId: number;
  position: number;
  optionOrder: string | null;
  response: string | null;
  answerCount: number;
  type: string;
  options: string | null;
};

/** The response the server stores for what the browser sent (bank letters, a boolean, the text). */
function storedForm(row: ItemRow, values: string[]): string | null {
  if (row.type === "fill") return JSON.stringify(values[0].trim());
  if (row.type === "judge") return JSON.stringify(values[0] === "true");
  const order = row.optionOrder ? (JSON.parse(row.optionOrder) as string[]) : Object.keys(JSON.parse(row.options ?? "{}") as object).sort();
  const bank = fromPresented(order, row.type === "single" ? values[0] : values);
  return bank === null ? null : JSON.stringify(bank);
}

/**
 * Reads the database (read-only) after the phase: each attempt started is one attempt row with its
 * paper; each acknowledged save is stored once (answerCount 1, the response sent); nothing else is
 * stored; each acknowledged submit is submitted and graded, with one grade per person.
 */
function verify(dbFile: string, quizId: number, seen: { attempts: Set<number>; submitted: Set<number>; acknowledged: Acknowledged[] }) {
  const db = new Database(dbFile, { readonly: true });
  try {
    const attempts = db.prepare("SELECT id, personId, state, mark FROM QuizAttempt WHERE quizId = ?").all(quizId) as {
      id: number;
      personId: number;
      state: string;
      mark: number | null;
    }[];
    const items = db
      .prepare(
        `SELECT i.attemptId, i.position, i.optionOrder, i.response, i.answerCount, q.type, q.options
         FROM AttemptItem i JOIN Question q ON q.id = i.questionId JOIN QuizAttempt a ON a.id = i.attemptId WHERE a.quizId = ?`,
      )
      .all(quizId) as ItemRow[];
    const duplicates = (
      db
        .prepare(
          "SELECT COUNT(*) AS n FROM (SELECT 1 FROM AttemptItem i JOIN QuizAttempt a ON a.id = i.attemptId WHERE a.quizId = ? GROUP BY i.attemptId, i.questionId HAVING COUNT(*) > 1)",
        )
        .get(quizId) as { n: number }
    ).n;
    const grades = (db.prepare("SELECT COUNT(*) AS n FROM QuizGrade WHERE quizId = ?").get(quizId) as { n: number }).n;

    const problems: string[] = [];
    const byKey = new Map(items.map((r) => [`${r.attemptId}/${r.position}`, r]));
    if (attempts.length !== seen.attempts.size || new Set(attempts.map((a) => a.personId)).size !== attempts.length) {
      problems.push(`${attempts.length} attempt rows for ${new Set(attempts.map((a) => a.personId)).size} people, ${seen.attempts.size} attempts started`);
    }
    const perAttempt = new Map<number, number>();
    for (const i of items) perAttempt.set(i.attemptId, (perAttempt.get(i.attemptId) ?? 0) + 1);
    const short = attempts.filter((a) => perAttempt.get(a.id) !== QUESTIONS).length;
    if (short) problems.push(`${short} attempts without exactly ${QUESTIONS} questions`);
    if (duplicates) problems.push(`${duplicates} questions twice on one attempt`);
    let wrong = 0;
    let notOnce = 0;
    for (const a of seen.acknowledged) {
      const row = byKey.get(`${a.attemptId}/${a.position}`);
      if (!row || row.response !== storedForm(row, a.values)) wrong++;
      else if (row.answerCount !== 1) notOnce++;
    }
    if (wrong) problems.push(`${wrong} acknowledged answers not stored as sent`);
    if (notOnce) problems.push(`${notOnce} acknowledged answers stored more than once (answerCount ≠ 1)`);
    const storedAnswers = items.filter((i) => i.response !== null).length;
    const writes = items.reduce((s, i) => s + i.answerCount, 0);
    if (storedAnswers !== seen.acknowledged.length || writes !== seen.acknowledged.length) {
      problems.push(`${storedAnswers} stored answers and ${writes} answer writes for ${seen.acknowledged.length} acknowledged saves`);
    }
    const byId = new Map(attempts.map((a) => [a.id, a]));
    const ungraded = [...seen.submitted].filter((id) => byId.get(id)?.state !== "submitted" || byId.get(id)?.mark === null).length;
    if (ungraded) problems.push(`${ungraded} acknowledged submits not submitted and graded`);
    const finished = attempts.filter((a) => a.state !== "in_progress").length;
    if (grades !== finished) problems.push(`${grades} grades for ${finished} finished attempts`);
    const byState = new Map<string, number>();
    for (const a of attempts) byState.set(a.state, (byState.get(a.state) ?? 0) + 1);
    const states = [...byState].map(([state, n]) => `${n} ${state}`).join(", ");
    const summary = `${attempts.length} attempts (${states}), ${seen.acknowledged.length} acknowledged answers, ${storedAnswers} stored, ${writes} writes, ${grades} grades: ${problems.length ? "FAILED" : "every acknowledged answer stored once"}`;
    return { summary, problems };
  } finally {
    db.close();
  }
}
