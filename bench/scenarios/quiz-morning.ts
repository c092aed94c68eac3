import Database from "better-sqlite3";
import { createRandom } from "../../app/lib/quiz-shuffle";
import { seedDemoQuiz } from "../../prisma/seed";
import {
  Series,
  Span,
  TimeCap,
  answerOf,
  arrivals,
  cpuMeter,
  PHONE_ACCEPT_ENCODING,
  crowdConnections,
  demoPeople,
  discoveryPath,
  expect,
  formHeaders,
  HEALTHZ_EVERY_MS,
  healthz,
  load,
  sessionsForTheRest,
  signInAll,
  sleep,
  storedResponse,
} from "../lib/morning";
import { type BenchContext, type Row, formatTable } from "../lib/report";
import { decodeSingleFetch } from "../lib/single-fetch";
import { type Stats } from "../lib/stats";

// contest-morning's twin for the demo quiz (“两学一做”党章党规知识测试, 20 questions; issue 17): MORNING_QUIZ_N
// demo people (default 2,000) sign in for real in a phase of their own, then arrive within
// MORNING_ARRIVAL_S seconds and each walks through the quiz as a hydrated phone does: the quiz page
// (the document of a first visit), 开始作答 (POST /quizzes/:id.data, 202 with the redirect), the attempt
// page's data (GET …/attempts/:id.data), an autosave per question (the fetcher's POST
// …/attempts/:id.data, intent=save; a saved answer revalidates nothing, app/lib/autosave.ts), the hand-in
// (the whole form again, intent=submit, 202) and the review (GET …/attempts/:id.data). Afterwards the
// database is read: every acknowledged save stored once and as sent, every acknowledged submit
// submitted and graded; otherwise the run throws.

export const name = "quiz-morning";

const PEOPLE = Number(process.env.MORNING_QUIZ_N ?? 2_000);
const ARRIVAL_S = Number(process.env.MORNING_ARRIVAL_S ?? 60);
const THINK_S = Number(process.env.MORNING_THINK_S ?? 4);
const CONNECTIONS = Number(process.env.MORNING_CONNECTIONS ?? 128);
const SIGN_IN_CONCURRENCY = 16;
const SIGN_IN_MAX_MS = Number(process.env.MORNING_SIGNIN_MAX_S ?? 600) * 1000;
/** The crowd phase's cap (people still walking then are counted as cut off). */
const MAX_MS = Number(process.env.MORNING_MAX_S ?? 900) * 1000;
const HEALTHZ_ALONE = 200;
const QUIZ_TITLE = "“两学一做”党章党规知识测试";
const ROUTE = "routes/quizzes.$quizId_.attempts.$attemptId";

type Item = { position: number; type: string; options: { value: string }[] };
type PageData = { mode: "taking" | "review"; items: Item[] | null; review: unknown };

/** The demo quiz (seeded as `npm start` seeds it, beside any quiz another scenario made). */
function demoQuiz(dbFile: string): { id: number; questions: number } {
  const find = () => {
    const db = new Database(dbFile, { readonly: true });
    try {
      return db
        .prepare(
          `SELECT q."id", (SELECT SUM(s."count") FROM "QuizSlot" s WHERE s."quizId" = q."id") AS "questions"
           FROM "Quiz" q JOIN "Person" t ON t."id" = q."createdById" WHERE q."title" = ? AND t."number" = 'trainer' ORDER BY q."id" LIMIT 1`,
        )
        .get(QUIZ_TITLE) as { id: number; questions: number } | undefined;
    } finally {
      db.close();
    }
  };
  const found = find();
  if (found) return found;
  if (!seedDemoQuiz(dbFile, { evenIfOthers: true })) throw new Error("the demo quiz could not be seeded (are the banks synced?)");
  return find()!;
}

function pageData(text: string): PageData {
  const d = (decodeSingleFetch(text) as Record<string, { data?: PageData } | undefined>)[ROUTE]?.data;
  if (!d) throw new Error(`no ${ROUTE} data in ${text.slice(0, 200)}`);
  return d;
}

function redirectOf(text: string): string {
  const r = decodeSingleFetch(text) as { redirect?: unknown };
  if (typeof r.redirect !== "string") throw new Error(`no redirect in ${text.slice(0, 200)}`);
  return r.redirect;
}

type Acknowledged = { attemptId: number; position: number; values: string[] };

export async function run({ url, dbFile }: BenchContext): Promise<Row[]> {
  const loadAtStart = load();
  const quiz = demoQuiz(dbFile);
  const people = demoPeople(dbFile, PEOPLE, { table: "QuizAudience", column: "quizId", id: quiz.id });
  const page = `/quizzes/${quiz.id}`;

  // Phase 1, reported on its own: real sign-ins, with /healthz one at a time beside them (decision 011's cap).
  let signingIn = true;
  const duringSignIn = healthz(url, { until: () => !signingIn, maxMs: SIGN_IN_MAX_MS + 60_000 });
  const signIn = await signInAll(url, people, { concurrency: SIGN_IN_CONCURRENCY, maxMs: SIGN_IN_MAX_MS }).finally(() => (signingIn = false));
  const healthzSignIn = await duringSignIn;
  const signedIn = signIn.cookies.filter(Boolean).length;
  const direct = sessionsForTheRest(dbFile, people, signIn.cookies);
  const crowd = people.map((p, k) => ({ ...p, k, cookie: signIn.cookies[k]! }));
  console.info(
    `${name}: ${signedIn} of ${people.length} signed in at ${signIn.stats.perSec.toFixed(1)}/s (load ${load()})` +
      (direct ? `; ${direct} given a session directly after the ${SIGN_IN_MAX_MS / 1000} s cap` : ""),
  );

  const before = await healthz(url, { count: HEALTHZ_ALONE, maxMs: 60_000 });

  const s = {
    page: new Series(),
    manifest: new Series(),
    start: new Series(),
    attempt: new Series(),
    save: new Series(),
    submit: new Series(),
    review: new Series(),
  };
  const door = new Span();
  const out = new Span();
  let doorErrors = 0;
  let outErrors = 0;
  const attempts = new Set<number>();
  const submitted = new Set<number>();
  const acknowledged: Acknowledged[] = [];
  const unsure = new Set<string>();
  const random = createRandom(20261203);
  const offsets = arrivals(crowd.length, ARRIVAL_S, random);
  const thinks = crowd.map(() => Array.from({ length: quiz.questions }, () => THINK_S * 1000 * (0.5 + random())));
  const started = performance.now();
  const deadline = started + MAX_MS;
  const pool = crowdConnections(url, CONNECTIONS, deadline);
  let cutOff = 0;
  let finished = 0;
  let phaseOver = false;
  const check = () => {
    if (performance.now() > deadline) throw new TimeCap();
  };

  async function person(k: number) {
    const p = crowd[k];
    await sleep(offsets[k]);
    const get = (path: string) => pool.request(path, { headers: { Cookie: p.cookie } });
    const post = (path: string, body: URLSearchParams) => pool.request(path, { method: "POST", headers: formHeaders(url, p.cookie), body: body.toString() });

    const arrived = performance.now();
    let items: Item[];
    let path: string;
    let attemptId: number;
    try {
      check();
      await s.page.time(async () => {
        const reply = await get(page);
        expect(reply, 200, `GET ${page}`);
        if (!reply.text.includes("开始作答")) throw new Error(`GET ${page}: no 开始作答 on the page`);
        // Once hydrated, the page asks for the routes of its links; the person presses the button meanwhile.
        const discovery = discoveryPath(reply.text);
        if (discovery) void s.manifest.time(async () => expect(await get(discovery), 200, "GET /__manifest")).catch(() => undefined);
      });
      check();
      path = await s.start.time(async () => {
        const reply = await post(`${page}.data`, new URLSearchParams());
        expect(reply, 202, `POST ${page}.data`);
        const to = redirectOf(reply.text);
        if (!to.startsWith(`${page}/attempts/`)) throw new Error(`开始作答 redirected to ${to}`);
        return to;
      });
      attemptId = Number(path.split("/").pop());
      attempts.add(attemptId);
      check();
      items = await s.attempt.time(async () => {
        const reply = await get(`${path}.data`);
        expect(reply, 200, `GET ${path}.data`);
        const d = pageData(reply.text);
        if (d.mode !== "taking" || !d.items) throw new Error(`GET ${path}.data: mode ${d.mode}, not an attempt in progress`);
        return d.items;
      });
      door.add(arrived, performance.now());
    } catch (e) {
      if (e instanceof TimeCap) throw e;
      doorErrors++;
      return;
    }

    const fields: [string, string][] = [];
    for (const [i, item] of items.entries()) {
      await sleep(thinks[k][i] ?? 0);
      check();
      const values = answerOf(item, p.k);
      const field = `q${item.position}`;
      for (const v of values) fields.push([field, v]);
      const body = new URLSearchParams([["intent", "save"], ["position", String(item.position)], ...values.map((v): [string, string] => [field, v])]);
      await s.save
        .time(async () => {
          const reply = await post(`${path}.data`, body);
          expect(reply, 200, `POST ${path}.data intent=save`);
          acknowledged.push({ attemptId, position: item.position, values });
        })
        .catch(() => unsure.add(`${attemptId}/${item.position}`));
    }

    check();
    const handing = performance.now();
    try {
      // The hand-in button posts the whole form: the answers already saved, then intent=submit.
      await s.submit.time(async () => {
        const reply = await post(`${path}.data`, new URLSearchParams([...fields, ["intent", "submit"]]));
        expect(reply, 202, `POST ${path}.data intent=submit`);
        if (redirectOf(reply.text) !== path) throw new Error(`交卷 redirected to ${redirectOf(reply.text)}`);
      });
      submitted.add(attemptId);
      check();
      await s.review.time(async () => {
        const reply = await get(`${path}.data`);
        expect(reply, 200, `GET ${path}.data`);
        const d = pageData(reply.text);
        if (d.mode !== "review" || !d.review) throw new Error(`GET ${path}.data after 交卷: mode ${d.mode}, no review`);
      });
      out.add(handing, performance.now());
      finished++;
    } catch (e) {
      if (e instanceof TimeCap) throw e;
      outErrors++;
    }
  }

  const during = healthz(url, { until: () => phaseOver, maxMs: MAX_MS + 60_000 });
  const cpu = cpuMeter();
  await Promise.all(
    crowd.map((_, k) =>
      person(k).catch((e) => {
        if (e instanceof TimeCap) cutOff++;
        else throw e;
      }),
    ),
  ).finally(() => {
    phaseOver = true;
  });
  const elapsed = performance.now() - started;
  const cpuLine = cpu();
  const healthzDuring = await during;
  const opened = pool.opened();
  pool.close();

  const verdict = verify(dbFile, quiz.id, new Set(crowd.map((p) => p.id)), { attempts, submitted, acknowledged, unsure });
  console.info(`${name} check: ${verdict.summary}`);

  const first = (x: { firstError?: string }) => (x.firstError ? `first error: ${x.firstError}` : undefined);
  const row = (measure: string, stats: Stats, ref?: Stats, ...notes: (string | undefined)[]): Row => ({
    scenario: name,
    measure,
    stats,
    ref,
    note: notes.filter(Boolean).join("; ") || undefined,
  });
  const doorStats = door.stats(doorErrors);
  const rows: Row[] = [
    row(
      `sign-in: POST /login ×${people.length.toLocaleString("en")} (c=${SIGN_IN_CONCURRENCY})`,
      signIn.stats,
      undefined,
      `${signIn.stats.perSec.toFixed(1)} sign-ins/s, demo people of the demo quiz's audience` +
        (direct ? `; ${direct.toLocaleString("en")} not reached within the ${SIGN_IN_MAX_MS / 1000} s cap got a session directly` : "") +
        `; load at the start ${loadAtStart}`,
      first(signIn.stats),
    ),
    row("GET /healthz before the crowd (reference, c=1)", before, undefined, first(before)),
    row(`GET /healthz during the sign-ins (c=1, one each ${HEALTHZ_EVERY_MS} ms)`, healthzSignIn, before, first(healthzSignIn)),
    row("quiz page: GET /quizzes/:id (document)", s.page.stats(), before, first(s.page)),
    row("route discovery: GET /__manifest (after the document, beside the next step)", s.manifest.stats(), before, first(s.manifest)),
    row("start: POST /quizzes/:id.data", s.start.stats(), before, first(s.start)),
    row("attempt: GET …/attempts/:id.data", s.attempt.stats(), before, first(s.attempt)),
    row(
      "in: page + start + attempt",
      doorStats,
      undefined,
      `${door.latencies.length.toLocaleString("en")} people in at ${doorStats.perSec.toFixed(1)}/s, arrivals over ${ARRIVAL_S} s, up to ${CONNECTIONS} connections (${opened.toLocaleString("en")} opened over the crowd), Accept-Encoding "${PHONE_ACCEPT_ENCODING}"`,
    ),
    row(
      `autosave: POST …/attempts/:id.data intent=save (${quiz.questions} each)`,
      s.save.stats(),
      before,
      `${s.save.stats().perSec.toFixed(0)} answers/s; about ${THINK_S} s of thought before each`,
      first(s.save),
    ),
    row("submit: POST …/attempts/:id.data intent=submit", s.submit.stats(), before, first(s.submit)),
    row("review: GET …/attempts/:id.data", s.review.stats(), before, first(s.review)),
    row("submit + review", out.stats(outErrors), undefined, `${finished.toLocaleString("en")} people saw their review`),
    row(
      `GET /healthz during the crowd (c=1, one each ${HEALTHZ_EVERY_MS} ms)`,
      healthzDuring,
      before,
      `the phase took ${(elapsed / 1000).toFixed(1)} s` +
        (cutOff ? `, ${cutOff} people cut off by the ${MAX_MS / 1000} s cap` : "") +
        `; load at the end ${load()}; ${cpuLine}`,
      first(healthzDuring),
      verdict.summary,
    ),
  ];
  if (verdict.problems.length) {
    console.info(formatTable(rows));
    throw new Error(`${name}: the database does not hold what the server acknowledged:\n  ${verdict.problems.join("\n  ")}`);
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

/**
 * Reads the database (read-only): one attempt per person started, each acknowledged save stored once
 * (answerCount 1) and as sent, nothing stored that was neither acknowledged nor in doubt, each
 * acknowledged submit submitted and graded, one grade per finished attempt's person.
 */
function verify(
  dbFile: string,
  quizId: number,
  personIds: Set<number>,
  seen: { attempts: Set<number>; submitted: Set<number>; acknowledged: Acknowledged[]; unsure: Set<string> },
) {
  const db = new Database(dbFile, { readonly: true });
  try {
    const attempts = (
      db.prepare(`SELECT "id", "personId", "state", "mark" FROM "QuizAttempt" WHERE "quizId" = ?`).all(quizId) as {
        id: number;
        personId: number;
        state: string;
        mark: number | null;
      }[]
    ).filter((a) => personIds.has(a.personId));
    const ids = new Set(attempts.map((a) => a.id));
    const items = (
      db
        .prepare(
          `SELECT i."attemptId", i."position", i."optionOrder", i."response", i."answerCount", q."type", q."options"
           FROM "AttemptItem" i JOIN "Question" q ON q."id" = i."questionId" JOIN "QuizAttempt" a ON a."id" = i."attemptId" WHERE a."quizId" = ?`,
        )
        .all(quizId) as ItemRow[]
    ).filter((i) => ids.has(i.attemptId));
    const graded = new Set((db.prepare(`SELECT "personId" FROM "QuizGrade" WHERE "quizId" = ?`).all(quizId) as { personId: number }[]).map((g) => g.personId));
    const problems: string[] = [];
    if (attempts.length !== seen.attempts.size || new Set(attempts.map((a) => a.personId)).size !== attempts.length)
      problems.push(`${attempts.length} attempt rows for ${new Set(attempts.map((a) => a.personId)).size} people, ${seen.attempts.size} attempts started`);
    const byKey = new Map(items.map((r) => [`${r.attemptId}/${r.position}`, r]));
    let wrong = 0;
    let notOnce = 0;
    const acked = new Set<string>();
    for (const a of seen.acknowledged) {
      const key = `${a.attemptId}/${a.position}`;
      acked.add(key);
      const row = byKey.get(key);
      if (!row || row.response !== storedResponse(row.type, row.optionOrder, row.options, a.values)) wrong++;
      else if (row.answerCount !== 1) notOnce++;
    }
    if (wrong) problems.push(`${wrong} acknowledged answers not stored as sent`);
    if (notOnce) problems.push(`${notOnce} acknowledged answers written more than once (answerCount ≠ 1)`);
    const strays = items.filter((i) => i.response !== null && !acked.has(`${i.attemptId}/${i.position}`) && !seen.unsure.has(`${i.attemptId}/${i.position}`));
    if (strays.length) problems.push(`${strays.length} stored answers never acknowledged`);
    const byId = new Map(attempts.map((a) => [a.id, a]));
    const ungraded = [...seen.submitted].filter((id) => byId.get(id)?.state !== "submitted" || byId.get(id)?.mark === null);
    if (ungraded.length) problems.push(`${ungraded.length} acknowledged submits not submitted and graded`);
    const finished = attempts.filter((a) => a.state !== "in_progress");
    const noGrade = finished.filter((a) => !graded.has(a.personId)).length;
    if (noGrade) problems.push(`${noGrade} finished attempts without their person's grade`);
    const stored = items.filter((i) => i.response !== null).length;
    const states = new Map<string, number>();
    for (const a of attempts) states.set(a.state, (states.get(a.state) ?? 0) + 1);
    const summary =
      `${attempts.length.toLocaleString("en")} attempts (${[...states].map(([st, n]) => `${n.toLocaleString("en")} ${st}`).join(", ")}), ` +
      `${seen.acknowledged.length.toLocaleString("en")} saves acknowledged, ${stored.toLocaleString("en")} answers stored` +
      (seen.unsure.size ? ` (${seen.unsure.size} failed requests in doubt)` : "") +
      `, ${seen.submitted.size.toLocaleString("en")} submits acknowledged: ` +
      (problems.length ? "FAILED" : "stored == acknowledged, every submit graded");
    return { problems, summary };
  } finally {
    db.close();
  }
}
