import fs from "node:fs";
import http from "node:http";
import { sql } from "../../app/.server/sql";
import { openContestFactory } from "../../tests/contest-factories";
import { openFactory } from "../../tests/factories";
import { openQuizFactory } from "../../tests/quiz-factories";
import { SESSION_COOKIE, addBenchAccounts, insertBenchSession } from "../lib/bench-accounts";
import { drive, expectStatus } from "../lib/load";
import { type BenchContext, type Row } from "../lib/report";
import { type Stats, summarize } from "../lib/stats";

// A live round with 2,000 phones connected to its event stream (Server-Sent Events). Setup: 2,000
// bench players (`live00001`…, bench accounts of bench/lib/bench-accounts.ts), a bank and a published contest for their branch, and a session for the demo trainer, who
// creates the round through the host page. Measured: the 2,000 joins (POST with the code); the 2,000
// streams opened (until each has its first state); then QUESTIONS times: the host's "next question"
// (POST), and for every phone the time from that POST being sent to its stream delivering the
// question (p50/p99/max over all phones and questions: the question is on every phone when the last
// one has it); every phone's answer (POST, IN_FLIGHT at once); the host's reveal and its arrival on
// every phone (each phone also gets its own standing). Server memory (RSS, /proc/<pid>/status) before
// the streams, with them, and at the end. Reference: GET /healthz, one at a time, same run.
// Afterwards the database is read: every acknowledged answer stored once, and each player's score the
// sum of the points of their answers; otherwise the run throws.
// Every wait has a limit: a POST unanswered after REQUEST_MS fails; a stream without its first state
// after WAIT_MS, or a question or reveal not on every phone after WAIT_MS, ends the scenario early
// (the round is finished, the streams closed) with a note of how many phones never got which state.
// Knob: LIVE_PHONES (default 2,000), for a small run.

export const name = "live";

const PHONES = Number(process.env.LIVE_PHONES ?? 2_000);
const QUESTIONS = 5;
const SECONDS = 120; // long enough that every answer of the phase arrives in time
const IN_FLIGHT = 64; // joins and answers the phones have open at once
const CONNECTING = 200; // streams being opened at once
const WAIT_MS = 60_000; // a phase's cap: a phone that has not received by then counts as an error
const REQUEST_MS = 120_000; // a POST (join, answer, the host's) without an answer by then fails

type Phone = {
  personId: number;
  cookie: string;
  stream?: http.ClientRequest;
  got: Map<string, number>;
  firstState?: () => void;
  /** The stream's status line arrived (so a stream without a first state was answered, or was not). */
  answered?: boolean;
};

type Prepared = { phones: Phone[]; bankId: number; contestId: number; host: string };

/** Setup, not measured: written into the SQLite file (on the cluster, before it is moved into PostgreSQL). */
export function prepare(dbFile: string): Prepared {
  const f = openFactory(dbFile);
  try {
    const root = f.db.prepare("SELECT id FROM OrgUnit WHERE parentId IS NULL").get() as { id: number };
    const trainer = f.db.prepare("SELECT id FROM Person WHERE number = 'trainer'").get() as { id: number };
    const { unitId, accounts } = addBenchAccounts(f, {
      count: PHONES,
      prefix: "live",
      namePrefix: "现场压测",
      unitName: "压测现场赛党支部",
      politicalStatus: "member",
    });
    return f.transaction(() => {
      const phones = accounts.map((a): Phone => ({ personId: a.personId, cookie: `${SESSION_COOKIE}=${a.token}`, got: new Map() }));
      const { bankId } = openQuizFactory(f.db).standardBank({ slug: "bench-live", unitId: root.id, perType: QUESTIONS });
      const contestId = openContestFactory(f.db).contest({ title: "压测现场赛", unitId: root.id, createdById: trainer.id, audiences: [{ unitId }] });
      return { phones, bankId, contestId, host: `${SESSION_COOKIE}=${insertBenchSession(f, trainer.id)}` };
    });
  } finally {
    f.close();
  }
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

export function run(ctx: BenchContext): Promise<Row[]> {
  return measure(ctx, prepare(ctx.dbFile));
}

export async function measure({ url, serverPid, sqlDb, engine }: BenchContext, prepared: unknown): Promise<Row[]> {
  const { phones, bankId, contestId, host } = prepared as Prepared;
  const { hostname, port } = new URL(url);
  const posts = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const streams = new http.Agent({ keepAlive: false, maxSockets: PHONES + 10 });
  const request = (path: string, init: { method?: string; cookie?: string; form?: Record<string, string | string[]>; timeoutMs?: number } = {}) => {
    const body = init.form ? toForm(init.form) : undefined;
    const headers: Record<string, string> = { ...(init.cookie ? { Cookie: init.cookie } : {}) };
    if (body !== undefined)
      Object.assign(headers, { Origin: url, "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(Buffer.byteLength(body)) });
    return new Promise<{ status: number; text: string; location: string | null }>((resolve, reject) => {
      const limit = init.timeoutMs ?? REQUEST_MS;
      const timer = setTimeout(() => req.destroy(new Error(`${path}: no answer after ${limit / 1000} s`)), limit);
      const req = http.request({ agent: posts, hostname, port, path, method: init.method ?? (body ? "POST" : "GET"), headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString("utf8"),
            location: (res.headers.location as string | undefined) ?? null,
          });
        });
        res.on("error", reject);
      });
      req.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      req.end(body);
    });
  };
  const base = `/contests/${contestId}`;
  const rows: Row[] = [];
  const row = (measure: string, stats: Stats, extra: { ref?: Stats; note?: string } = {}) => rows.push({ scenario: name, measure, stats, ...extra });

  const ref = await drive(async () => expectStatus(await request("/healthz"), 200, "GET /healthz"), { count: 200, concurrency: 1, warmup: 20 });
  row("reference: GET /healthz", ref);

  const created = await request(`${base}/host`, {
    cookie: host,
    form: { intent: "create", bankId: String(bankId), count: String(QUESTIONS), draw: "first", seconds: String(SECONDS), points: "10" },
  });
  expectStatus(created, 200, "POST host intent=create");
  const round = (await sqlDb.get<{ id: number; code: string }>(sql`SELECT "id", "code" FROM "LiveRound" WHERE "contestId" = ${contestId}`))!;

  // The pool's sockets are opened before measuring, as heartbeats.ts does: without it the first
  // requests of 64 new sockets opened at once were answered one after another, about 200 ms apart
  // (a cold-start effect not investigated further), which made the joins' p99 seconds.
  await Promise.all(Array.from({ length: IN_FLIGHT }, () => request("/healthz")));
  const joins = await drive(
    async (i) => expectStatus(await request(`${base}/live`, { cookie: phones[i].cookie, form: { code: round.code } }), 302, "POST join"),
    {
      count: PHONES,
      concurrency: IN_FLIGHT,
      maxMs: 120_000,
    },
  );
  row("join (POST code)", joins, { ref: joins.firstError ? undefined : ref, note: joins.firstError });
  const rssBefore = rssMb(serverPid);

  // Streams: each phone keeps one open and notes when each state (by state and position) first arrives.
  // A stream that ends, or has delivered no state WAIT_MS after it was asked for, fails (and is closed).
  const open = (p: Phone) =>
    new Promise<void>((resolve, reject) => {
      const fail = (e: Error) => {
        clearTimeout(timer);
        p.firstState = undefined;
        reject(e);
      };
      const timer = setTimeout(() => {
        fail(new Error(`live/events: no first state after ${WAIT_MS / 1000} s (${p.answered ? "answered 200" : "no status line"})`));
        p.stream?.destroy();
      }, WAIT_MS);
      p.firstState = () => {
        clearTimeout(timer);
        resolve();
      };
      const req = http.request(
        { agent: streams, hostname, port, path: `${base}/live/events`, headers: { Cookie: p.cookie, Accept: "text/event-stream" } },
        (res) => {
          p.answered = true;
          if (res.statusCode !== 200) {
            res.resume();
            return fail(new Error(`GET live/events → ${res.statusCode}`));
          }
          res.setEncoding("utf8");
          let buffer = "";
          res.on("data", (chunk: string) => {
            buffer += chunk;
            let cut: number;
            while ((cut = buffer.indexOf("\n\n")) >= 0) {
              const block = buffer.slice(0, cut);
              buffer = buffer.slice(cut + 2);
              if (!block.startsWith("event: state\n")) continue;
              const state = JSON.parse(block.slice(block.indexOf("data: ") + 6)) as { state: string; position: number };
              const key = `${state.state}:${state.position}`;
              if (!p.got.has(key)) p.got.set(key, performance.now());
              p.firstState?.();
              p.firstState = undefined;
            }
          });
          res.on("end", () => p.firstState && fail(new Error("live/events: the stream ended before its first state")));
          res.on("error", () => undefined);
        },
      );
      req.on("error", (e) => p.firstState && fail(e));
      req.end();
      p.stream = req;
    });

  const fanout: number[] = [];
  const reveals: number[] = [];
  const hostNext: number[] = [];
  let missed = 0;
  let missedReveal = 0;
  const answers: number[] = [];
  let answerErrors = 0;
  let firstAnswerError: string | undefined;
  const acked = new Map<number, number>(); // personId → answers acknowledged
  /** Why the scenario ended before its last question, if it did: which phones never got which state. */
  let stopped: string | undefined;
  let rssConnected = NaN;
  let asked = 0;
  const t0 = performance.now();
  try {
    const connect = await drive((i) => open(phones[i]), { count: PHONES, concurrency: CONNECTING, maxMs: 120_000 });
    row("open stream (to first state)", connect, { note: connect.firstError });
    rssConnected = rssMb(serverPid);
    const withoutState = phones.filter((p) => p.got.size === 0);
    if (withoutState.length) {
      const unanswered = withoutState.filter((p) => !p.answered).length;
      stopped = `${withoutState.length} of ${PHONES} phones never got their first state (${unanswered} of them no status line either, ${withoutState.length - unanswered} answered 200 or an error status)`;
    }

    /** Waits until every phone has the state, at most WAIT_MS; says how many never got it. */
    const waitAll = async (key: string): Promise<number> => {
      const until = performance.now() + WAIT_MS;
      while (performance.now() < until && phones.some((p) => !p.got.has(key))) await new Promise((r) => setTimeout(r, 5));
      return phones.filter((p) => !p.got.has(key)).length;
    };
    for (let q = 1; q <= QUESTIONS && !stopped; q++) {
      asked = q;
      const sent = performance.now();
      const next = await request(`${base}/host`, { cookie: host, form: { intent: "next", roundId: String(round.id) } });
      expectStatus(next, 200, "POST host intent=next");
      hostNext.push(performance.now() - sent);
      const withoutQuestion = await waitAll(`question:${q}`);
      for (const p of phones) {
        const at = p.got.get(`question:${q}`);
        if (at === undefined) missed++;
        else fanout.push(at - sent);
      }
      if (withoutQuestion) {
        stopped = `${withoutQuestion} of ${PHONES} phones never got question ${q} (${WAIT_MS / 1000} s after the host's POST)`;
        break;
      }
      // Every phone answers; half of them right (the single choices' key is B, multiple A+C, judge true).
      const kind = ["single", "multiple", "judge"][(q - 1) % 3];
      const right = { single: ["B"], multiple: ["A", "C"], judge: ["true"] }[kind]!;
      const wrong = { single: ["A"], multiple: ["B"], judge: ["false"] }[kind]!;
      const answered = await drive(
        async (i) => {
          const started = performance.now();
          const res = await request(`${base}/live/answer`, {
            cookie: phones[i].cookie,
            form: { roundId: String(round.id), position: String(q), answer: i % 2 ? wrong : right },
          });
          expectStatus(res, 200, `POST answer ${res.text.slice(0, 80)}`);
          answers.push(performance.now() - started);
          acked.set(phones[i].personId, (acked.get(phones[i].personId) ?? 0) + 1);
        },
        { count: PHONES, concurrency: IN_FLIGHT, maxMs: (SECONDS - 10) * 1000 },
      );
      answerErrors += answered.errors;
      firstAnswerError ??= answered.firstError;

      const revealAt = performance.now();
      expectStatus(await request(`${base}/host`, { cookie: host, form: { intent: "reveal", roundId: String(round.id) } }), 200, "POST host intent=reveal");
      const withoutReveal = await waitAll(`reveal:${q}`);
      for (const p of phones) {
        const at = p.got.get(`reveal:${q}`);
        if (at === undefined) missedReveal++;
        else reveals.push(at - revealAt);
      }
      if (withoutReveal) stopped = `${withoutReveal} of ${PHONES} phones never got the reveal of question ${q} (${WAIT_MS / 1000} s after the host's POST)`;
    }
  } finally {
    for (const p of phones) p.stream?.destroy();
    streams.destroy();
  }
  const elapsed = performance.now() - t0;
  const rssAfter = rssMb(serverPid);
  if (stopped) {
    // Is the server still answering? /healthz reads the database through Prisma's connection, so a
    // stalled database turn (not only a stalled stream) shows here.
    const probeAt = performance.now();
    stopped += await request("/healthz", { timeoutMs: 10_000 }).then(
      (r) => `; then GET /healthz → ${r.status} in ${(performance.now() - probeAt).toFixed(0)} ms`,
      (e: Error) => `; then GET /healthz failed: ${e.message}`,
    );
  }
  const finish = () => request(`${base}/host`, { cookie: host, form: { intent: "finish", roundId: String(round.id) } });
  if (!stopped) expectStatus(await finish(), 200, "POST host intent=finish");
  else {
    // Stopped early: the round is finished if the server still can, and the rows are printed either way.
    stopped += await finish().then(
      (r) => (r.status === 200 ? "; the round finished" : `; finishing the round → ${r.status}`),
      (e: Error) => `; finishing the round failed: ${e.message}`,
    );
    console.info(`${name}: stopped early: ${stopped}`);
  }
  posts.destroy();

  const mem = Number.isFinite(rssBefore)
    ? `${engine === "cluster" ? "node 1 of 3 (about a third of the streams): " : ""}server RSS ${rssBefore.toFixed(0)} MB before the streams, ${rssConnected.toFixed(0)} MB with ${PHONES} open (${(((rssConnected - rssBefore) * 1024) / PHONES).toFixed(0)} KB a stream), ${rssAfter.toFixed(0)} MB after ${asked} questions (RSS moves with garbage collection)`
    : "server RSS unknown (no pid: pass it in the bench context)";
  row(
    "host POST next question",
    summarize(hostNext, 0, elapsed),
    stopped ? { note: `stopped early ${asked ? `after question ${asked} of ${QUESTIONS}` : "before the first question"}: ${stopped}` } : {},
  );
  row(`question on every phone (${PHONES}×${QUESTIONS})`, summarize(fanout, missed, elapsed), {
    note: `from the host's POST sent to the stream delivering it; ${mem}`,
  });
  row("answer (POST)", { ...summarize(answers, answerErrors, elapsed), perSec: NaN }, { ref, note: firstAnswerError });
  row(`reveal on every phone (${PHONES}×${QUESTIONS})`, summarize(reveals, missedReveal, elapsed), { note: "with each phone's own standing" });

  // Every acknowledged answer stored once; every score the sum of its answers' points.
  const stored = (
    await sqlDb.all<{ personId: number; n: number | string; points: number | string }>(
      sql`SELECT "personId", COUNT(*) AS "n", SUM("points") AS "points" FROM "LiveAnswer" WHERE "roundId" = ${round.id} GROUP BY "personId"`,
    )
  ).map((r) => ({ personId: r.personId, n: Number(r.n), points: Number(r.points) }));
  const scores = new Map(
    (await sqlDb.all<{ personId: number; score: number }>(sql`SELECT "personId", "score" FROM "LivePlayer" WHERE "roundId" = ${round.id}`)).map((r) => [
      r.personId,
      Number(r.score),
    ]),
  );
  const bad = stored.filter((s) => (acked.get(s.personId) ?? 0) > s.n || scores.get(s.personId) !== s.points);
  const total = stored.reduce((t, s) => t + s.n, 0);
  const ackedTotal = [...acked.values()].reduce((t, n) => t + n, 0);
  console.info(`${name}: ${ackedTotal} answers acknowledged, ${total} stored, ${bad.length} players whose answers or score disagree`);
  if (bad.length || total < ackedTotal) throw new Error(`${name}: stored answers do not match the acknowledged ones`);
  return rows;
}

function toForm(form: Record<string, string | string[]>): string {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of ([] as string[]).concat(v)) body.append(k, one);
  return body.toString();
}
