import Database from "better-sqlite3";
import { openContestFactory } from "../../tests/contest-factories";
import { openFactory } from "../../tests/factories";
import { SESSION_COOKIE, addBenchAccounts } from "../lib/bench-accounts";
import { connections, slots } from "../lib/http-pool";
import { type BenchContext, type Row } from "../lib/report";
import { summarize } from "../lib/stats";

// A quick contest morning through the real pages (smaller and faster than contest-morning, with no
// sign-in phase, for profiling the contest's steps): N bench people with sessions, at most IN_FLIGHT at once, each
// GET the contest page, POST 开始答题, GET the paper, send 25 answers, POST 交卷, GET the result.

export const name = "contest-steps";
const N = Number(process.env.STEPS_PEOPLE ?? 1500);
const IN_FLIGHT = Number(process.env.STEPS_IN_FLIGHT ?? 64);

export async function run(ctx: BenchContext): Promise<Row[]> {
  const f = openFactory(ctx.dbFile);
  let contestId: number;
  let accounts: ReturnType<typeof addBenchAccounts>["accounts"];
  try {
    ({ accounts } = (() => {
      const r = addBenchAccounts(f, { count: N, prefix: "cst", namePrefix: "进场压测", unitName: "进场压测党支部", politicalStatus: "member" });
      const banks = f.db.prepare("SELECT bankId, COUNT(*) AS n FROM Question WHERE archivedAt IS NULL GROUP BY bankId ORDER BY n DESC LIMIT 3").all() as {
        bankId: number;
        n: number;
      }[];
      const trainer = f.db.prepare("SELECT id FROM Person WHERE number = 'trainer'").get() as { id: number };
      const root = f.db.prepare("SELECT id FROM OrgUnit WHERE parentId IS NULL").get() as { id: number };
      const counts = [10, 10, 5];
      contestId = openContestFactory(f.db).contest({
        title: "进场压测竞赛",
        unitId: root.id,
        createdById: trainer.id,
        timeLimitSec: 3600,
        creditHours: 10,
        sections: banks.map((b, i) => ({ bankId: b.bankId, count: Math.min(counts[i], b.n), pointsEach: 400 })),
        audiences: [{ unitId: r.unitId }],
      });
      return r;
    })());
  } finally {
    f.close();
  }
  const db = new Database(ctx.dbFile, { readonly: true });
  const pool = connections(ctx.url, IN_FLIGHT);
  const slot = slots(IN_FLIGHT);
  const steps = ["page", "start", "paper", "answer", "submit", "result", "door", "handin+result"] as const;
  const lat: Record<string, number[]> = Object.fromEntries(steps.map((s) => [s, []]));
  let errors = 0;
  let firstError = "";
  const bytes = { paper: 0, result: 0 };
  const t0 = performance.now();
  let doorDone = 0;
  let doorLast = 0;
  async function timed(step: string, fn: () => Promise<{ status: number; text: string }>, ok: number[]) {
    const s = performance.now();
    const r = await fn();
    lat[step].push(performance.now() - s);
    if (!ok.includes(r.status)) {
      errors++;
      firstError ||= `${step} → ${r.status} ${r.text.slice(0, 200)}`;
    }
    return r;
  }
  async function person(a: (typeof accounts)[number]) {
    await slot.acquire();
    try {
      const headers = { Cookie: `${SESSION_COOKIE}=${a.token}` };
      const post = { ...headers, Origin: ctx.url, "Content-Type": "application/x-www-form-urlencoded" };
      const d0 = performance.now();
      await timed("page", () => pool.request(`/contests/${contestId}`, { headers }), [200]);
      await timed("start", () => pool.request(`/contests/${contestId}`, { method: "POST", headers: post, body: "intent=start" }), [302, 303]);
      const paper = await timed("paper", () => pool.request(`/contests/${contestId}`, { headers }), [200]);
      bytes.paper = paper.text.length;
      lat.door.push(performance.now() - d0);
      doorDone++;
      doorLast = performance.now();
      const entry = db.prepare("SELECT id FROM ContestEntry WHERE contestId = ? AND personId = ?").get(contestId, a.personId) as { id: number };
      const items = db
        .prepare("SELECT i.position, q.type FROM ContestItem i JOIN Question q ON q.id = i.questionId WHERE i.entryId = ? ORDER BY i.position")
        .all(entry.id) as { position: number; type: string }[];
      for (const it of items) {
        const v = it.type === "judge" ? "true" : it.type === "fill" ? "答案" : "A";
        await timed(
          "answer",
          () =>
            pool.request("/api/contests/answer", {
              method: "POST",
              headers: post,
              body: new URLSearchParams({ entryId: String(entry.id), position: String(it.position), answer: v }).toString(),
            }),
          [200],
        );
      }
      const h0 = performance.now();
      await timed(
        "submit",
        () => pool.request(`/contests/${contestId}`, { method: "POST", headers: post, body: `intent=submit&entryId=${entry.id}` }),
        [302, 303],
      );
      const result = await timed("result", () => pool.request(`/contests/${contestId}`, { headers }), [200]);
      bytes.result = result.text.length;
      lat["handin+result"].push(performance.now() - h0);
    } catch (e) {
      errors++;
      firstError ||= String(e);
    } finally {
      slot.release();
    }
  }
  await Promise.all(accounts.map((a) => person(a)));
  pool.close();
  db.close();
  const total = performance.now() - t0;
  console.info(
    `contest-steps: ${N} people, ${IN_FLIGHT} at once, door ${((doorDone / (doorLast - t0)) * 1000).toFixed(1)} people/s, paper HTML ${bytes.paper} B, result HTML ${bytes.result} B, errors ${errors} ${firstError}`,
  );
  return steps.map((s) => ({ scenario: name, measure: s, stats: summarize(lat[s], s === "page" ? errors : 0, total) }));
}
