import { type ChildProcess, spawn } from "node:child_process";
import { OPTION_LETTERS } from "../../app/lib/quiz-grading";
import { type SqlDb, inList, sql } from "../../app/.server/sql";
import { createRandom, optionOrder } from "../../app/lib/quiz-shuffle";
import { openContestFactory } from "../../tests/contest-factories";
import { openFactory } from "../../tests/factories";
import { type BenchAccount, SESSION_COOKIE, addBenchAccounts } from "../lib/bench-accounts";
import { connections, slots } from "../lib/http-pool";
import { type BenchContext, type Row } from "../lib/report";
import { type Stats, summarize } from "../lib/stats";

// A school-wide contest's evening: PARTICIPANTS people, each with an entry of 25 questions, send their
// answers to POST /api/contests/answer one after another, all of them at once, as fast as the server
// takes them (at most IN_FLIGHT requests open, over as many keep-alive connections). 2 % of the
// answers are sent a second time after their acknowledgement, as a phone that lost the reply would.
// Afterwards the database is read: every acknowledged answer is stored, exactly once, graded as
// expected, and nothing else is stored; otherwise the run throws.
// Reference, same run, same client and load shape: a bare Node HTTP server (a child process) that
// reads the same POSTs and answers the same JSON without storing anything.
// `contest-crash` (contest-crash.ts) runs the same load and kills the server with SIGKILL part-way.

export const name = "contest";

const PARTICIPANTS = Number(process.env.CONTEST_PARTICIPANTS ?? 10_000);
const QUESTIONS = 25;
const IN_FLIGHT = 128;
const RETRY_SHARE = 0.02;
const RIGHT_SHARE = 0.8;
const REFERENCE_ANSWERS = 50_000;
const MAX_MS = 600_000;

type Answer = { position: number; values: string[]; correct: boolean };
export type Participant = BenchAccount & { entryId: number; answers: Answer[] };

type Question = { id: number; type: string; options: string | null; answer: string };

/** What the phone sends for an answer, in the letters of the order shown. */
function presented(q: Question, order: string[], right: boolean): string[] {
  const key = JSON.parse(q.answer) as unknown;
  if (q.type === "judge") return [String(right ? key : !key)];
  if (q.type === "fill") return [right ? (key as string[])[0] : "不知道"];
  const keyLetters = ([] as string[]).concat(key as string | string[]);
  const chosen = right ? keyLetters : [order.find((l) => !keyLetters.includes(l))!];
  return chosen.map((bank) => OPTION_LETTERS[order.indexOf(bank)]);
}

/**
 * Setup, not measured: the bench accounts, a contest open to their unit, and for each an entry with
 * 25 distinct questions drawn from the demo banks (options in a shuffled order), stored as the
 * server stores a drawn paper, with the answers each participant will give (80 % right).
 */
export type PreparedContest = { contestId: number; participants: Participant[] };

export function prepareContest(dbFile: string, prefix: string): PreparedContest {
  const f = openFactory(dbFile);
  try {
    const questions = f.db.prepare("SELECT id, type, options, answer FROM Question WHERE archivedAt IS NULL ORDER BY id").all() as Question[];
    if (questions.length < QUESTIONS) throw new Error(`contest: only ${questions.length} questions in the banks`);
    const { unitId, accounts } = addBenchAccounts(f, {
      count: PARTICIPANTS,
      prefix,
      namePrefix: "竞赛压测",
      unitName: `竞赛压测党支部 ${prefix}`,
      politicalStatus: "member",
    });
    const trainer = f.db.prepare("SELECT id FROM Person WHERE number = 'trainer'").get() as { id: number };
    const root = f.db.prepare("SELECT id FROM OrgUnit WHERE parentId IS NULL").get() as { id: number };
    const cf = openContestFactory(f.db);
    const contestId = cf.contest({ title: `压测竞赛 ${prefix}`, unitId: root.id, createdById: trainer.id, timeLimitSec: 3600, audiences: [{ unitId }] });
    const random = createRandom(prefix.length * 7919 + PARTICIPANTS);
    const participants = f.transaction(() =>
      accounts.map((a): Participant => {
        const picked = new Set<number>();
        while (picked.size < QUESTIONS) picked.add(Math.floor(random() * questions.length));
        const paper = [...picked].map((k) => {
          const q = questions[k];
          const letters = q.options ? Object.keys(JSON.parse(q.options) as object).sort() : [];
          const order = optionOrder(letters, `${prefix}/${a.personId}/${q.id}`);
          return { q, order };
        });
        const entryId = cf.entry({
          contestId,
          personId: a.personId,
          items: paper.map(({ q, order }) => ({ questionId: q.id, points: 400, optionOrder: order.length ? order : undefined })),
        });
        const answers = paper.map(({ q, order }, i) => {
          const correct = random() < RIGHT_SHARE;
          return { position: i + 1, values: presented(q, order, correct), correct };
        });
        return { ...a, entryId, answers };
      }),
    );
    return { contestId, participants };
  } finally {
    f.close();
  }
}

/** The reference: answers the same POSTs with the same JSON, storing nothing. */
function startBareServer(): Promise<{ url: string; child: ChildProcess }> {
  const script = `
    const http = require("node:http");
    process.stdin.on("end", () => process.exit(0)); process.stdin.resume();
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const form = new URLSearchParams(body);
        const reply = JSON.stringify({ ok: true, status: "saved", message: "已提交", entryId: form.get("entryId"), position: form.get("position") });
        res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
        res.end(reply);
      });
    });
    server.keepAliveTimeout = 5000;
    server.listen(0, "127.0.0.1", () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", (b: Buffer) => resolve({ url: `http://127.0.0.1:${b.toString().trim()}`, child }));
    child.once("error", reject);
  });
}

type Outcome = "saved" | "duplicate";

class Load {
  latencies: number[] = [];
  errors = 0;
  firstError?: string;
  first = Infinity;
  last = 0;
  acked = 0;
  duplicates = 0;
  retried = 0;
  /** Errors by kind: the answer's status, or the socket's error code (a killed node's connections). */
  kinds = new Map<string, number>();
  fail(e: unknown) {
    this.errors++;
    const message = e instanceof Error ? e.message : String(e);
    this.firstError ??= message;
    const code = (e as { code?: unknown } | null)?.code;
    const kind = typeof code === "string" ? code : message.split(" ").slice(0, 4).join(" ");
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
  }
  named(): string {
    return [...this.kinds].map(([k, n]) => `${n.toLocaleString("en")} × ${k}`).join(", ");
  }
  stats(): Stats {
    return summarize(this.latencies, this.errors, this.last - this.first);
  }
}

/**
 * Drives the participants' answers at `url` (at most IN_FLIGHT open) and returns what was
 * acknowledged. A request that gets no answer (a killed server) is sent again, unchanged, once the
 * server is back, as the phone does.
 */
async function drive(
  target: { url: string; cookieOf: (p: Participant) => string },
  participants: Participant[],
  opts: { limit?: number; onAck?: (acked: number) => void; restarting?: () => Promise<string> | null },
) {
  let pool = connections(target.url, IN_FLIGHT);
  let poolUrl = target.url;
  const slot = slots(IN_FLIGHT);
  const load = new Load();
  const acknowledged = new Map<string, Outcome>();
  const random = createRandom(42);
  const deadline = performance.now() + MAX_MS;
  let sent = 0;

  async function post(p: Participant, a: Answer): Promise<Outcome> {
    for (let attempt = 0; ; attempt++) {
      const restarting = opts.restarting?.();
      if (restarting) {
        const url = await restarting;
        if (url !== poolUrl) {
          pool.close();
          pool = connections(url, IN_FLIGHT);
          poolUrl = url;
        }
      }
      await slot.acquire();
      const t0 = performance.now();
      load.first = Math.min(load.first, t0);
      const body = new URLSearchParams({ entryId: String(p.entryId), position: String(a.position) });
      for (const v of a.values) body.append("answer", v);
      try {
        const res = await pool.request("/api/contests/answer", {
          method: "POST",
          headers: { Cookie: target.cookieOf(p), Origin: poolUrl, "Content-Type": "application/x-www-form-urlencoded" },
          body: body.toString(),
        });
        if (res.status !== 200) throw new Error(`POST /api/contests/answer → ${res.status} ${res.text.slice(0, 120)}`);
        const reply = JSON.parse(res.text) as { ok: boolean; status: Outcome };
        const done = performance.now();
        load.latencies.push(done - t0);
        load.last = Math.max(load.last, done);
        return reply.status;
      } catch (e) {
        load.fail(e);
        if (attempt >= 50 || performance.now() > deadline) throw e;
        load.retried++;
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        slot.release();
      }
    }
  }

  async function participant(p: Participant) {
    for (const a of p.answers) {
      if (opts.limit !== undefined && sent >= opts.limit) return;
      if (performance.now() > deadline) return;
      sent++;
      const outcome = await post(p, a).catch(() => null);
      if (!outcome) continue;
      const key = `${p.entryId}/${a.position}`;
      if (!acknowledged.has(key) || outcome === "saved") acknowledged.set(key, outcome);
      load.acked++;
      if (outcome === "duplicate") load.duplicates++;
      opts.onAck?.(load.acked);
      if (random() < RETRY_SHARE) {
        // The reply was "lost": the phone sends the same answer again.
        const again = await post(p, a).catch(() => null);
        if (again) {
          load.acked++;
          if (again === "duplicate") load.duplicates++;
        }
      }
    }
  }

  await Promise.all(participants.map((p) => participant(p)));
  pool.close();
  return { load, acknowledged };
}

/** The stored answers of the bench entries against what was acknowledged and what each answer should score. */
async function verify(db: SqlDb, participants: Participant[], acknowledged: Map<string, Outcome>) {
  const rows = await db.all<{ entryId: number; position: number; correct: unknown }>(
    sql`SELECT "entryId", "position", "correct" FROM "ContestAnswer" WHERE "entryId" ${inList(participants.map((p) => p.entryId))}`,
  );
  const expected = new Map(participants.flatMap((p) => p.answers.map((a) => [`${p.entryId}/${a.position}`, a.correct] as const)));
  const stored = new Set(rows.map((r) => `${r.entryId}/${r.position}`));
  const distinct = stored.size;
  const missing = [...acknowledged.keys()].filter((k) => !stored.has(k));
  const unacknowledged = [...stored].filter((k) => !acknowledged.has(k));
  const misgraded = rows.filter((r) => expected.get(`${r.entryId}/${r.position}`) !== Boolean(r.correct));
  const problems = [
    missing.length && `${missing.length} acknowledged answers not stored (first: ${missing[0]})`,
    distinct !== rows.length && `${rows.length - distinct} answers stored twice`,
    unacknowledged.length && `${unacknowledged.length} stored answers never acknowledged (first: ${unacknowledged[0]})`,
    misgraded.length && `${misgraded.length} answers graded otherwise than expected`,
  ].filter((x): x is string => Boolean(x));
  return {
    problems,
    summary: `${acknowledged.size.toLocaleString("en")} distinct answers acknowledged, ${rows.length.toLocaleString("en")} stored, ${distinct.toLocaleString("en")} distinct: ${problems.length ? "FAILED" : "stored == acknowledged, no duplicates, every grade as expected"}`,
  };
}

export async function runContest(ctx: BenchContext, { participants }: PreparedContest, opts: { scenario: string; crash: boolean }): Promise<Row[]> {
  const total = participants.length * QUESTIONS;
  const rows: Row[] = [];

  let reference: Stats | undefined;
  if (!opts.crash) {
    const bare = await startBareServer();
    try {
      const { load } = await drive({ url: bare.url, cookieOf: (p) => `${SESSION_COOKIE}=${p.token}` }, participants, { limit: REFERENCE_ANSWERS });
      reference = load.stats();
      rows.push({ scenario: opts.scenario, measure: `bare Node HTTP server, no storage (reference, ≤${IN_FLIGHT} open)`, stats: reference });
    } finally {
      bare.child.kill();
    }
  }

  let restarting: Promise<string> | null = null;
  let killedAt = 0;
  let downMs = 0;
  const { load, acknowledged } = await drive({ url: ctx.url, cookieOf: (p) => `${SESSION_COOKIE}=${p.token}` }, participants, {
    restarting: () => restarting,
    onAck: (acked) => {
      if (opts.crash && !killedAt && acked >= total * 0.4) {
        killedAt = acked;
        const t0 = performance.now();
        restarting = ctx.crash().then((url) => {
          downMs = performance.now() - t0;
          return url;
        });
        void restarting.then(() => (restarting = null));
      }
    },
  });
  const check = await verify(ctx.sqlDb, participants, acknowledged);
  console.info(`${opts.scenario} check: ${check.summary}`);
  const stats = load.stats();
  const ratio = reference ? ` (${((stats.perSec / reference.perSec) * 100).toFixed(0)} % of the bare server's ${reference.perSec.toFixed(0)}/s)` : "";
  rows.push({
    scenario: opts.scenario,
    measure: `POST /api/contests/answer, ${participants.length.toLocaleString("en")} × ${QUESTIONS} (≤${IN_FLIGHT} open)`,
    stats,
    ref: reference,
    note:
      `${stats.perSec.toFixed(0)} answers/s sustained${ratio}; ${load.acked.toLocaleString("en")} acknowledged (${load.duplicates} duplicates of resent answers); ` +
      (opts.crash
        ? ctx.engine === "cluster"
          ? `SIGKILL to one node of three after ${killedAt.toLocaleString("en")} acknowledgements (it stays down), ${load.retried} requests sent again; `
          : `SIGKILL after ${killedAt.toLocaleString("en")} acknowledgements, back in ${(downMs / 1000).toFixed(1)} s, ${load.retried} requests sent again; `
        : "") +
      (load.errors ? `errors: ${load.named()}; first: ${load.firstError}; ` : "") +
      check.summary,
  });
  if (check.problems.length) throw new Error(`${opts.scenario}: ${check.problems.join("; ")}`);
  return rows;
}

export function prepare(dbFile: string): PreparedContest {
  return prepareContest(dbFile, "cta");
}

export function measure(ctx: BenchContext, prepared: unknown): Promise<Row[]> {
  return runContest(ctx, prepared as PreparedContest, { scenario: name, crash: false });
}

export function run(ctx: BenchContext): Promise<Row[]> {
  return measure(ctx, prepare(ctx.dbFile));
}
