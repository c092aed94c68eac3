import Database from "better-sqlite3";
import { PAGE_IN_REPLY } from "../../app/lib/autosave";
import { createRandom } from "../../app/lib/quiz-shuffle";
import { type ContestPageData, contestPageData, contestPageInReply, freshDemoContest, treeCpuMs } from "../lib/contest-pages";
import { connections } from "../lib/http-pool";
import { type Person, Series, answerOf, arrivals, crowdConnections, demoPeople, expect, formHeaders, healthz, sessionsForTheRest, sleep } from "../lib/morning";
import { type BenchContext, type Row } from "../lib/report";

// The moment a contest closes (decision 090): CLOSE_N people (default 2,000) of the demo university are
// still answering when the contest's time runs out, and every phone's timer, at zero, asks for its result
// (the page's `.data`, as the hydrated page revalidates), all within CLOSE_ARRIVAL_S seconds (default 5).
// Each entry must be closed at its deadline with the answers stored before it, and each person must see
// their own result. Set-up, not measured: a fresh demo contest, sessions stored directly, 开始 and
// CLOSE_ANSWERS (default 5) answers each through the real routes, then every deadline moved to a second
// ago (the contest's close, without waiting for it). Rows: /healthz alone, the crowd's result requests,
// /healthz during them; the note has the server's CPU over the crowd.

export const name = "contest-close";

const N = Number(process.env.CLOSE_N ?? 2000);
const ARRIVAL_S = Number(process.env.CLOSE_ARRIVAL_S ?? 5);
const ANSWERS = Number(process.env.CLOSE_ANSWERS ?? 5);
const SETUP_C = 8;
/** The crowd's connections at once, as a balancer in front would keep them. */
const CROWD_C = 256;
const MAX_MS = 600_000;

export async function run({ url, dbFile, serverPid }: BenchContext): Promise<Row[]> {
  const contestId = freshDemoContest(dbFile);
  const chosen = demoPeople(dbFile, N, { table: "ContestAudience", column: "contestId", id: contestId });
  const cookies: (string | undefined)[] = new Array(chosen.length);
  sessionsForTheRest(dbFile, chosen, cookies);
  const people: (Person & { cookie: string })[] = chosen.map((p, k) => ({ ...p, cookie: cookies[k]! }));
  const page = `/contests/${contestId}`;

  // Set-up: everyone in, a few answers each, through the real routes.
  const setup = connections(url, SETUP_C);
  const entries: ContestPageData[] = new Array(people.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: SETUP_C }, async () => {
      while (next < people.length) {
        const i = next++;
        const p = people[i];
        const reply = await setup.request(`${page}.data`, {
          method: "POST",
          headers: formHeaders(url, p.cookie),
          body: new URLSearchParams({ intent: "start", [PAGE_IN_REPLY.name]: PAGE_IN_REPLY.value }).toString(),
        });
        expect(reply, 200, "开始");
        const d = contestPageInReply(reply.text);
        if (d?.mode !== "answering" || !d.items || !d.entryId) throw new Error(`开始: mode ${d?.mode}`);
        entries[i] = d;
        for (const item of d.items.slice(0, ANSWERS)) {
          const body = new URLSearchParams({ entryId: String(d.entryId), position: String(item.position) });
          for (const v of answerOf(item, i)) body.append("answer", v);
          expect(await setup.request("/api/contests/answer", { method: "POST", headers: formHeaders(url, p.cookie), body: body.toString() }), 200, "answer");
        }
      }
    }),
  );
  setup.close();

  // The close: every entry's deadline a second ago, as if the contest's closing time had just passed.
  const closedAt = new Date(Date.now() - 1000).toISOString().replace("Z", "+00:00");
  const db = new Database(dbFile);
  try {
    db.prepare(`UPDATE "ContestEntry" SET "deadlineAt" = ? WHERE "contestId" = ? AND "state" = 'in_progress'`).run(closedAt, contestId);
  } finally {
    db.close();
  }

  const alone = await healthz(url, { count: 100, maxMs: 60_000 });
  const deadline = performance.now() + MAX_MS;
  const crowd = crowdConnections(url, CROWD_C, deadline);
  const offsets = arrivals(people.length, ARRIVAL_S, createRandom(20261204));
  const results = new Series();
  let done = false;
  const during = healthz(url, { until: () => done, maxMs: MAX_MS });
  const cpu0 = treeCpuMs(serverPid);
  const t0 = performance.now();
  await Promise.all(
    people.map(async (p, i) => {
      await sleep(t0 + offsets[i] - performance.now());
      await results
        .time(async () => {
          const reply = await crowd.request(`${page}.data`, { headers: { Cookie: p.cookie } });
          expect(reply, 200, `GET ${page}.data`);
          const d = contestPageData(reply.text);
          if (d.mode !== "result" || d.result?.state !== "expired") throw new Error(`the result at the close: mode ${d.mode}, state ${d.result?.state}`);
        })
        .catch(() => undefined); // counted by the series; a TimeCap (never sent) is neither
    }),
  );
  done = true;
  const cpuS = (treeCpuMs(serverPid) - cpu0) / 1000;
  crowd.close();
  const healthDuring = await during;

  // Every entry closed at its deadline, scored with the answers stored before it.
  const check = new Database(dbFile, { readonly: true });
  const wrong = (() => {
    try {
      return (
        check
          .prepare(
            `SELECT COUNT(*) AS "n" FROM "ContestEntry" e WHERE e."contestId" = ? AND (e."state" <> 'expired' OR e."finishedAt" <> e."deadlineAt"
               OR e."score" <> (SELECT COALESCE(SUM(a."points"), 0) FROM "ContestAnswer" a WHERE a."entryId" = e."id"))`,
          )
          .get(contestId) as { n: number }
      ).n;
    } finally {
      check.close();
    }
  })();

  const stats = results.stats();
  return [
    { scenario: name, measure: "GET /healthz alone, after the set-up", stats: alone },
    {
      scenario: name,
      measure: `result at the close: GET /contests/:id.data (${people.length} people within ${ARRIVAL_S} s)`,
      stats,
      ref: alone,
      note: [
        `server CPU over the crowd ${cpuS.toFixed(1)} core-s (${((1000 * cpuS) / Math.max(1, stats.n)).toFixed(1)} ms a request)`,
        `entries not closed at their deadline with their stored answers: ${wrong} of ${people.length}`,
        results.firstError && `first error: ${results.firstError}`,
      ]
        .filter(Boolean)
        .join("; "),
    },
    { scenario: name, measure: "GET /healthz during the crowd", stats: healthDuring, ref: alone, note: healthDuring.firstError },
  ];
}
