import os from "node:os";
import Database from "better-sqlite3";
import { createRandom } from "../../app/lib/quiz-shuffle";
import { seedDemoContest } from "../../prisma/seed";
import {
  Series,
  Span,
  TimeCap,
  type Person,
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
import { type ContestPageData, type ContestPageItem, contestPageData, contestPageInReply } from "../lib/contest-pages";
import { decodeSingleFetch } from "../lib/single-fetch";
import { PAGE_IN_REPLY } from "../../app/lib/autosave";
import { type Stats, summarize } from "../lib/stats";
import { Timeline } from "../lib/timeline";

// A school's contest morning (issue 17): MORNING_N people of the demo university (default 10,000), in
// the demo contest's audience, sign in for real (argon2) in a first phase of their own; then they
// arrive as a crowd does, at random within MORNING_ARRIVAL_S seconds (default 55: 182 a second, so the
// door's rate can show the issue's 170; at 60 it cannot pass 167), and each walks through the contest
// as a hydrated phone does (Remix single fetch; the requests as a real Chromium sends them): the
// contest page (the document of a first visit) with the route discovery that follows it (GET
// /__manifest), 开始答题 (the form's POST to /contests/:id.data, answered with the paper since
// session 38; a server before that answers 202 with a redirect, and the paper is then loaded with GET
// /contests/:id.data as the router does), 25 answers (POST /api/contests/answer, each after a moment's
// thought), and hand-in (the form's POST, intent=submit), answered with the result and its ranking (before
// session 38: a redirect, then GET /contests/:id.data). Requests
// go over a fixed pool of keep-alive connections, as a reverse proxy holds them; a step's time runs
// from the phone sending it to the whole reply read, so it includes the wait for a connection.
// Afterwards the database is read: every acknowledged answer stored exactly once, as sent, and every
// acknowledged hand-in finished and scored; otherwise the run throws. Before the crowd (after the
// sign-ins), MORNING_EARLY people beyond it (default 300) walk the contest unmeasured, as the morning's
// first people do on a server that was running before eight (decision 101).

export const name = "contest-morning";

const PEOPLE = Number(process.env.MORNING_N ?? 10_000);
const ARRIVAL_S = Number(process.env.MORNING_ARRIVAL_S ?? 55);
/** Mean seconds a person takes over a question before confirming it (uniform from half to one and a half times). */
const THINK_S = Number(process.env.MORNING_THINK_S ?? 4);
const CONNECTIONS = Number(process.env.MORNING_CONNECTIONS ?? 128);
const SIGN_IN_CONCURRENCY = 16;
/**
 * People of the audience beyond the crowd who walk the whole contest before it, unmeasured, four at a time
 * (decision 101): the server at eight o'clock has served the morning's first people, as a running server
 * has, not started a minute before. 0 measures a cold server.
 */
const EARLY = Number(process.env.MORNING_EARLY ?? 300);
/** The sign-in phase's cap: people not signed in by then get a session directly (reported). */
const SIGN_IN_MAX_MS = Number(process.env.MORNING_SIGNIN_MAX_S ?? 600) * 1000;
/** The crowd phase's cap (people still walking then are counted as cut off). */
const MAX_MS = Number(process.env.MORNING_MAX_S ?? 900) * 1000;
const HEALTHZ_ALONE = 200;
const CONTEST_TITLE = "党史知识竞赛";

/** The demo contest (seeded as `npm start` seeds it, beside any contest another scenario made). */
function demoContest(dbFile: string): { id: number; questions: number } {
  const find = () => {
    const db = new Database(dbFile, { readonly: true });
    try {
      return db
        .prepare(
          `SELECT c."id", (SELECT SUM(s."count") FROM "ContestSection" s WHERE s."contestId" = c."id") AS "questions"
           FROM "Contest" c JOIN "Person" t ON t."id" = c."createdById" WHERE c."title" = ? AND t."number" = 'trainer' ORDER BY c."id" LIMIT 1`,
        )
        .get(CONTEST_TITLE) as { id: number; questions: number } | undefined;
    } finally {
      db.close();
    }
  };
  const found = find();
  if (found) return found;
  if (!seedDemoContest(dbFile, { evenIfOthers: true })) throw new Error("the demo contest could not be seeded (are the banks synced?)");
  return find()!;
}

/** The paper of the page's data, or what was there instead. */
function paperOf(d: ContestPageData | undefined, what: string): { items: ContestPageItem[]; entryId: number } {
  if (d?.mode !== "answering" || !d.items || !d.entryId) throw new Error(`${what}: mode ${d?.mode}, not the paper`);
  return { items: d.items, entryId: d.entryId };
}

/** Throws unless the page's data is the handed-in result with a place and the ranking. */
function resultOf(d: ContestPageData | undefined, what: string) {
  if (d?.mode !== "result" || d.result?.state !== "submitted" || !d.result.place || d.result.ranking.length === 0)
    throw new Error(`${what}: mode ${d?.mode}, no result with a place and the ranking`);
}

function redirectOf(text: string): string {
  const r = decodeSingleFetch(text) as { redirect?: unknown };
  if (typeof r.redirect !== "string") throw new Error(`no redirect in ${text.slice(0, 200)}`);
  return r.redirect;
}

type Acknowledged = { entryId: number; position: number; values: string[] };

/** 开始答题's form as the hydrated page posts it, asking for the paper in the reply. */
const startForm = () => new URLSearchParams({ intent: "start", [PAGE_IN_REPLY.name]: PAGE_IN_REPLY.value });
/** One answer's form, as the paper's script posts it to the answer lane. */
function answerForm(entryId: number, position: number, values: string[]) {
  const body = new URLSearchParams({ entryId: String(entryId), position: String(position) });
  for (const v of values) body.append("answer", v);
  return body;
}
/** 交卷's form, asking for the result in the reply. */
const handInForm = (entryId: number) => new URLSearchParams({ entryId: String(entryId), intent: "submit", [PAGE_IN_REPLY.name]: PAGE_IN_REPLY.value });

/**
 * The morning's first people (decision 101), before the crowd: each walks the contest with no time to
 * think (the page, 开始, every answer, 交卷), four at a time, on connections of their own, unmeasured but
 * checked. Against a server that redirects 开始 (before session 38) they stop after it. Says who walked
 * and how long it took, or nothing when there is no one.
 */
async function earlyPeople(url: string, dbFile: string, page: string, people: Person[]): Promise<string | undefined> {
  if (people.length === 0) return undefined;
  const cookies: (string | undefined)[] = new Array(people.length);
  sessionsForTheRest(dbFile, people, cookies);
  const pool = crowdConnections(url, 4, performance.now() + 600_000);
  const t0 = performance.now();
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < people.length) {
          const k = next++;
          const cookie = cookies[k]!;
          expect(await pool.request(page, { headers: { Cookie: cookie } }), 200, `GET ${page} (early)`);
          const started = await pool.request(`${page}.data`, { method: "POST", headers: formHeaders(url, cookie), body: startForm().toString() });
          if (started.status === 202) continue;
          expect(started, 200, `POST ${page}.data intent=start (early)`);
          const { items, entryId } = paperOf(contestPageInReply(started.text), "开始 (early)");
          for (const item of items) {
            const body = answerForm(entryId, item.position, answerOf(item, PEOPLE + k)).toString();
            expect(await pool.request("/api/contests/answer", { method: "POST", headers: formHeaders(url, cookie), body }), 200, "an answer (early)");
          }
          const handedIn = await pool.request(`${page}.data`, { method: "POST", headers: formHeaders(url, cookie), body: handInForm(entryId).toString() });
          expect(handedIn, 200, `POST ${page}.data intent=submit (early)`);
        }
      }),
    );
  } finally {
    pool.close();
  }
  return `${people.length} early people walked the contest first, 4 at a time, in ${((performance.now() - t0) / 1000).toFixed(1)} s (unmeasured; MORNING_EARLY=0 for a cold server)`;
}

export async function run({ url, dbFile, serverPid, engine }: BenchContext): Promise<Row[]> {
  const loadAtStart = load();
  const contest = demoContest(dbFile);
  const everyone = demoPeople(dbFile, PEOPLE + EARLY, { table: "ContestAudience", column: "contestId", id: contest.id });
  const people = everyone.slice(0, PEOPLE);
  const page = `/contests/${contest.id}`;

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

  const early = await earlyPeople(url, dbFile, page, everyone.slice(PEOPLE));
  if (early) console.info(`${name}: ${early}`);

  const before = await healthz(url, { count: HEALTHZ_ALONE, maxMs: 60_000 });

  // Phase 2: the crowd.
  const s = {
    page: new Series(),
    manifest: new Series(),
    start: new Series(),
    paper: new Series(),
    answer: new Series(),
    handIn: new Series(),
    result: new Series(),
  };
  const door = new Span();
  const out = new Span();
  let doorErrors = 0;
  let outErrors = 0;
  const acknowledged: Acknowledged[] = [];
  /** Of each answer's time, the part it waited for a free connection (the proxy's queue, not the server). */
  const answerWaits: number[] = [];
  /** And the rest: from sent on a connection to the whole reply read. */
  const answerSent: number[] = [];
  const unsure = new Set<string>(); // answers whose request failed: stored or not, neither is wrong
  const handedIn = new Set<number>();
  const random = createRandom(20261202);
  const offsets = arrivals(crowd.length, ARRIVAL_S, random);
  const thinks = crowd.map(() => Array.from({ length: contest.questions }, () => THINK_S * 1000 * (0.5 + random())));
  const started = performance.now();
  const deadline = started + MAX_MS;
  const pool = crowdConnections(url, CONNECTIONS, deadline);
  const timeline = new Timeline(started, engine === "sqlite" ? serverPid : undefined);
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

    // Through the door: the page, 开始答题, the paper.
    const arrived = performance.now();
    timeline.count("arrived", arrived);
    let items: ContestPageItem[];
    let entryId: number;
    try {
      check();
      await s.page.time(async () => {
        const reply = await get(page);
        expect(reply, 200, `GET ${page}`);
        if (!reply.text.includes("开始答题")) throw new Error(`GET ${page}: no 开始答题 on the page`);
        // Once hydrated, the page asks for the routes of its links; the person presses the button meanwhile.
        const discovery = discoveryPath(reply.text);
        if (discovery) void s.manifest.time(async () => expect(await get(discovery), 200, "GET /__manifest")).catch(() => undefined);
      });
      check();
      // The hydrated page asks for the paper in 开始's reply (PAGE_IN_REPLY); a server before session 38
      // ignores that and redirects, and the router then loads the paper.
      const replied = await s.start.time(async () => {
        const reply = await post(`${page}.data`, startForm());
        if (reply.status === 200) return paperOf(contestPageInReply(reply.text), `POST ${page}.data intent=start`);
        expect(reply, 202, `POST ${page}.data intent=start`);
        if (redirectOf(reply.text) !== page) throw new Error(`开始答题 redirected to ${redirectOf(reply.text)}`);
        return null;
      });
      check();
      ({ items, entryId } =
        replied ??
        (await s.paper.time(async () => {
          const reply = await get(`${page}.data`);
          expect(reply, 200, `GET ${page}.data`);
          return paperOf(contestPageData(reply.text), `GET ${page}.data after 开始`);
        })));
      door.add(arrived, performance.now());
      timeline.count("through");
    } catch (e) {
      if (e instanceof TimeCap) throw e;
      doorErrors++;
      timeline.count("failed");
      return;
    }

    // What answering needs of the paper, kept instead of it while the person answers: ten thousand papers
    // as decoded weighed a few hundred megabytes of the client's heap, which its collector went through.
    const answers = items.map((item) => {
      const values = answerOf(item, p.k);
      return { position: item.position, values, body: answerForm(entryId, item.position, values).toString() };
    });
    items = [];
    const answerHeaders = formHeaders(url, p.cookie);
    for (const [i, { position, values, body }] of answers.entries()) {
      await sleep(thinks[k][i] ?? 0);
      check();
      await s.answer
        .time(async () => {
          const reply = await pool.request("/api/contests/answer", { method: "POST", headers: answerHeaders, body });
          answerWaits.push(reply.waitedMs);
          answerSent.push(reply.sentMs);
          expect(reply, 200, "POST /api/contests/answer");
          const r = JSON.parse(reply.text) as { ok?: boolean; status?: string };
          if (r.ok !== true || r.status !== "saved") throw new Error(`POST /api/contests/answer: ${reply.text.slice(0, 160)}`);
          acknowledged.push({ entryId, position, values });
          timeline.count("answered");
        })
        .catch(() => unsure.add(`${entryId}/${position}`));
    }

    // Hand in (every question answered: no confirmation), then the result and the ranking.
    check();
    const handing = performance.now();
    try {
      // As 开始: the hydrated page asks for the result in 交卷's reply; a server before session 38 redirects.
      const result = await s.handIn.time(async () => {
        const reply = await post(`${page}.data`, handInForm(entryId));
        if (reply.status === 200) return contestPageInReply(reply.text);
        expect(reply, 202, `POST ${page}.data intent=submit`);
        if (redirectOf(reply.text) !== page) throw new Error(`交卷 redirected to ${redirectOf(reply.text)}`);
        return null;
      });
      handedIn.add(entryId);
      if (result) resultOf(result, `POST ${page}.data intent=submit`);
      else {
        check();
        await s.result.time(async () => {
          const reply = await get(`${page}.data`);
          expect(reply, 200, `GET ${page}.data`);
          resultOf(contestPageData(reply.text), `GET ${page}.data after 交卷`);
        });
      }
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
  timeline.stop();
  const cpuLine = cpu();
  const healthzDuring = await during;
  const opened = pool.opened();
  pool.close();

  const verdict = verify(
    dbFile,
    contest.id,
    crowd.map((p) => p.id),
    { acknowledged, unsure, handedIn },
  );
  console.info(`${name} check: ${verdict.summary}`);
  console.info(
    [
      `${name} at the door, ${(timeline.everyMs / 1000).toFixed(0)} s at a time (the machine's ${os.availableParallelism()} cores busy = ${100 * os.availableParallelism()} %):`,
      ...timeline.lines(),
    ].join("\n  "),
  );

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
      `${signIn.stats.perSec.toFixed(1)} sign-ins/s, demo people of the demo contest's audience` +
        (direct ? `; ${direct.toLocaleString("en")} not reached within the ${SIGN_IN_MAX_MS / 1000} s cap got a session directly` : "") +
        `; load at the start ${loadAtStart}`,
      first(signIn.stats),
    ),
    row("GET /healthz before the crowd (reference, c=1)", before, undefined, first(before)),
    row(`GET /healthz during the sign-ins (c=1, one each ${HEALTHZ_EVERY_MS} ms)`, healthzSignIn, before, first(healthzSignIn)),
    row(`page: GET ${"/contests/:id"} (document)`, s.page.stats(), before, first(s.page)),
    row("route discovery: GET /__manifest (after the document, beside the next step)", s.manifest.stats(), before, first(s.manifest)),
    row("开始: POST /contests/:id.data intent=start (the paper in its reply)", s.start.stats(), before, first(s.start)),
    row("paper: GET /contests/:id.data (only after a server that redirects 开始)", s.paper.stats(), before, first(s.paper)),
    row(
      "through the door: page + 开始 + paper",
      doorStats,
      undefined,
      `${door.latencies.length.toLocaleString("en")} people through the door at ${doorStats.perSec.toFixed(1)}/s (first arrival to last paper), ` +
        `arrivals spread over ${ARRIVAL_S} s (${(crowd.length / ARRIVAL_S).toFixed(0)}/s), up to ${CONNECTIONS} connections (${opened.toLocaleString("en")} opened over the crowd), ` +
        `Accept-Encoding "${PHONE_ACCEPT_ENCODING}"`,
    ),
    row(
      `answer: POST /api/contests/answer (${contest.questions} each)`,
      s.answer.stats(),
      before,
      `${s.answer.stats().perSec.toFixed(0)} answers/s over the answering window; about ${THINK_S} s of thought before each; ` +
        `of it waiting for one of the ${CONNECTIONS} connections ${figures(answerWaits)}, sent to answered ${figures(answerSent)}`,
      first(s.answer),
    ),
    row("hand-in: POST /contests/:id.data intent=submit (the result in its reply)", s.handIn.stats(), before, first(s.handIn)),
    row("result + ranking: GET /contests/:id.data (only after a server that redirects 交卷)", s.result.stats(), before, first(s.result)),
    row("hand-in + result", out.stats(outErrors), undefined, `${finished.toLocaleString("en")} people saw their result`),
    row(
      `GET /healthz during the crowd (c=1, one each ${HEALTHZ_EVERY_MS} ms)`,
      healthzDuring,
      before,
      `the phase took ${(elapsed / 1000).toFixed(1)} s` +
        (cutOff ? `, ${cutOff} people cut off by the ${MAX_MS / 1000} s cap` : "") +
        `; load at the end ${load()}; ${cpuLine}`,
      first(healthzDuring),
    ),
  ];
  rows.at(-1)!.note += `; ${verdict.summary}`;
  if (verdict.problems.length) {
    console.info(formatTable(rows));
    throw new Error(`${name}: the database does not hold what the server acknowledged:\n  ${verdict.problems.join("\n  ")}`);
  }
  return rows;
}

/** p50 / p99 / max of some times, in ms. */
function figures(times: number[]): string {
  const { p50, p99, max } = summarize(times, 0, 0);
  return `p50 ${p50.toFixed(1)} / p99 ${p99.toFixed(0)} / max ${max.toFixed(0)} ms`;
}

/**
 * Reads the database (read-only): every acknowledged answer stored once, as sent (in bank letters);
 * nothing stored that was neither acknowledged nor in doubt; every acknowledged hand-in submitted, its
 * score and count of right answers those of its stored answers.
 */
function verify(dbFile: string, contestId: number, personIds: number[], seen: { acknowledged: Acknowledged[]; unsure: Set<string>; handedIn: Set<number> }) {
  const db = new Database(dbFile, { readonly: true });
  try {
    const ids = new Set(personIds);
    const entries = (
      db.prepare(`SELECT "id", "personId", "state", "score", "correct", "finishedAt" FROM "ContestEntry" WHERE "contestId" = ?`).all(contestId) as {
        id: number;
        personId: number;
        state: string;
        score: number | null;
        correct: number | null;
        finishedAt: string | null;
      }[]
    ).filter((e) => ids.has(e.personId));
    const entryIds = new Set(entries.map((e) => e.id));
    const answers = (
      db
        .prepare(
          `SELECT a."entryId", a."position", a."response", a."correct", a."points", q."type", q."options", i."optionOrder"
           FROM "ContestAnswer" a JOIN "ContestEntry" e ON e."id" = a."entryId"
           JOIN "ContestItem" i ON i."entryId" = a."entryId" AND i."position" = a."position" JOIN "Question" q ON q."id" = i."questionId"
           WHERE e."contestId" = ?`,
        )
        .all(contestId) as {
        entryId: number;
        position: number;
        response: string;
        correct: number;
        points: number;
        type: string;
        options: string | null;
        optionOrder: string | null;
      }[]
    ).filter((a) => entryIds.has(a.entryId));
    const problems: string[] = [];
    const stored = new Map<string, (typeof answers)[number]>();
    let twice = 0;
    for (const a of answers) {
      const key = `${a.entryId}/${a.position}`;
      if (stored.has(key)) twice++;
      stored.set(key, a);
    }
    if (twice) problems.push(`${twice} answers stored twice`);
    const acked = new Set<string>();
    let wrong = 0;
    for (const a of seen.acknowledged) {
      const key = `${a.entryId}/${a.position}`;
      acked.add(key);
      const row = stored.get(key);
      if (!row || row.response !== storedResponse(row.type, row.optionOrder, row.options, a.values)) wrong++;
    }
    if (wrong) problems.push(`${wrong} acknowledged answers not stored as sent`);
    if (acked.size !== seen.acknowledged.length) problems.push(`${seen.acknowledged.length - acked.size} answers acknowledged twice as saved`);
    const strays = [...stored.keys()].filter((k) => !acked.has(k) && !seen.unsure.has(k));
    if (strays.length) problems.push(`${strays.length} stored answers never acknowledged (first: ${strays[0]})`);
    const sums = new Map<number, { score: number; correct: number }>();
    for (const a of answers) {
      const t = sums.get(a.entryId) ?? { score: 0, correct: 0 };
      t.score += a.points;
      t.correct += a.correct;
      sums.set(a.entryId, t);
    }
    const byId = new Map(entries.map((e) => [e.id, e]));
    const unscored = [...seen.handedIn].filter((id) => {
      const e = byId.get(id);
      const t = sums.get(id) ?? { score: 0, correct: 0 };
      return !e || e.state !== "submitted" || e.finishedAt === null || e.score !== t.score || e.correct !== t.correct;
    });
    if (unscored.length) problems.push(`${unscored.length} acknowledged hand-ins not submitted with the score of their answers (first: entry ${unscored[0]})`);
    const states = new Map<string, number>();
    for (const e of entries) states.set(e.state, (states.get(e.state) ?? 0) + 1);
    const summary =
      `${entries.length.toLocaleString("en")} entries (${[...states].map(([st, n]) => `${n.toLocaleString("en")} ${st}`).join(", ")}), ` +
      `${seen.acknowledged.length.toLocaleString("en")} answers acknowledged, ${answers.length.toLocaleString("en")} stored` +
      (seen.unsure.size ? ` (${seen.unsure.size} failed requests in doubt)` : "") +
      `, ${seen.handedIn.size.toLocaleString("en")} hand-ins acknowledged: ` +
      (problems.length ? "FAILED" : "stored == acknowledged, every hand-in scored");
    return { problems, summary };
  } finally {
    db.close();
  }
}
