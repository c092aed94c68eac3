import { type Person, Series, answerOf, demoPeople, discoveryPath, expect, formHeaders, sessionsForTheRest } from "../lib/morning";
import { connections } from "../lib/http-pool";
import { type BenchContext, type Row } from "../lib/report";
import { type ContestPageData, contestPageData, freshDemoContest, treeCpuMs } from "../lib/contest-pages";
import { PAGE_IN_REPLY } from "../../app/lib/autosave";

// What each step of the contest morning costs the server in CPU (issue 17): the door's steps, an answer,
// hand-in and the result, each taken by STEP_COST_N people (default 400) one step at a time, at most
// STEP_COST_C (default 4) requests in flight, so the server is never the queue. For each step, the
// server's CPU time over the step (its processes, every thread, from /proc) divided by the requests:
// milliseconds of CPU per request, beside /healthz's in the same run. The contest-morning crowd shows
// whether the door keeps up; this shows which step to make cheaper, in a minute, without a crowd.

export const name = "contest-step-cost";

const N = Number(process.env.STEP_COST_N ?? 400);
const C = Number(process.env.STEP_COST_C ?? 4);
/**
 * Unmeasured rounds of /healthz, the page and its discovery before the first step (STEP_COST_WARMUP). With
 * 300, the page was measured while the processes still compiled it: 4.15–5.42 ms against 2.90–3.51 after
 * 2,000 (session 55, three alternating pairs), which is what a crowd meets once its first minute is in.
 */
const WARM_UP = Number(process.env.STEP_COST_WARMUP ?? 2000);

export async function run({ url, dbFile, serverPid }: BenchContext): Promise<Row[]> {
  const contestId = freshDemoContest(dbFile);
  const people: (Person & { cookie: string })[] = (() => {
    const chosen = demoPeople(dbFile, N, { table: "ContestAudience", column: "contestId", id: contestId });
    const cookies: (string | undefined)[] = new Array(chosen.length);
    sessionsForTheRest(dbFile, chosen, cookies);
    return chosen.map((p, k) => ({ ...p, cookie: cookies[k]! }));
  })();
  const page = `/contests/${contestId}`;
  const pool = connections(url, C);
  const get = (path: string, cookie?: string) => pool.request(path, { headers: cookie ? { Cookie: cookie } : {} });
  const post = (path: string, cookie: string, body: URLSearchParams) =>
    pool.request(path, { method: "POST", headers: formHeaders(url, cookie), body: body.toString() });
  const discovery: (string | null)[] = [];
  const papers: ContestPageData[] = [];

  /** Runs `task` for each of `count` requests, C at a time; the step's latencies and its CPU per request, the server's and the bench client's. */
  async function step(count: number, task: (i: number) => Promise<void>) {
    const s = new Series();
    let next = 0;
    const cpu0 = treeCpuMs(serverPid);
    const client0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: C }, async () => {
        while (next < count) {
          const i = next++;
          await s.time(() => task(i)).catch(() => undefined);
        }
      }),
    );
    const client = process.cpuUsage(client0);
    return { stats: s.stats(), cpuMs: (treeCpuMs(serverPid) - cpu0) / count, clientMs: (client.user + client.system) / 1000 / count, firstError: s.firstError };
  }

  // Warm-up, not measured: a few of each kind of request, so the JIT and the caches are what a crowd meets.
  for (let i = 0; i < WARM_UP; i++) {
    await get("/healthz");
    const reply = await get(page, people[i % people.length].cookie);
    const path = discoveryPath(reply.text);
    if (path) await get(path, people[i % people.length].cookie);
  }

  const results: { measure: string; r: Awaited<ReturnType<typeof step>> }[] = [];
  const measure = async (label: string, count: number, task: (i: number) => Promise<void>) => {
    results.push({ measure: label, r: await step(count, task) });
  };
  await measure("GET /healthz (reference)", N, async () => expect(await get("/healthz"), 200, "GET /healthz"));
  await measure("page: GET /contests/:id (document)", N, async (i) => {
    const reply = await get(page, people[i].cookie);
    expect(reply, 200, `GET ${page}`);
    if (!reply.text.includes("开始答题")) throw new Error(`GET ${page}: no 开始答题 on the page`);
    discovery[i] = discoveryPath(reply.text);
  });
  await measure("route discovery: GET /__manifest", N, async (i) => {
    const path = discovery[i];
    if (!path) throw new Error("the page asked for no route discovery");
    expect(await get(path, people[i].cookie), 200, "GET /__manifest");
  });
  // As the hydrated page asks (PAGE_IN_REPLY): the paper in the reply, or (a server before session 38) a
  // redirect; 交卷 the same, with the result.
  let redirected = 0;
  await measure("开始: POST /contests/:id.data intent=start", N, async (i) => {
    const reply = await post(`${page}.data`, people[i].cookie, new URLSearchParams({ intent: "start", [PAGE_IN_REPLY.name]: PAGE_IN_REPLY.value }));
    if (reply.status === 202) redirected++;
    else expect(reply, 200, "开始");
  });
  await measure(`paper: GET /contests/:id.data (a reload; in the door only after a redirecting 开始)`, N, async (i) => {
    const reply = await get(`${page}.data`, people[i].cookie);
    expect(reply, 200, `GET ${page}.data`);
    const d = contestPageData(reply.text);
    if (d.mode !== "answering" || !d.items || !d.entryId) throw new Error(`the paper: mode ${d.mode}`);
    papers[i] = d;
  });
  const questions = papers[0]?.items?.length ?? 0;
  await measure(`answer: POST /api/contests/answer (${questions} each)`, N * questions, async (j) => {
    const i = j % N;
    const d = papers[i];
    const item = d.items![Math.floor(j / N)];
    const body = new URLSearchParams({ entryId: String(d.entryId), position: String(item.position) });
    for (const v of answerOf(item, i)) body.append("answer", v);
    const reply = await pool.request("/api/contests/answer", { method: "POST", headers: formHeaders(url, people[i].cookie), body: body.toString() });
    expect(reply, 200, "POST /api/contests/answer");
  });
  let handInRedirected = 0;
  await measure("hand-in: POST /contests/:id.data intent=submit", N, async (i) => {
    const form = new URLSearchParams({ entryId: String(papers[i].entryId), intent: "submit", [PAGE_IN_REPLY.name]: PAGE_IN_REPLY.value });
    const reply = await post(`${page}.data`, people[i].cookie, form);
    if (reply.status === 202) handInRedirected++;
    else expect(reply, 200, "交卷");
  });
  await measure("result + ranking: GET /contests/:id.data (a reload; after hand-in only when it redirected)", N, async (i) => {
    const reply = await get(`${page}.data`, people[i].cookie);
    expect(reply, 200, `GET ${page}.data`);
    if (contestPageData(reply.text).mode !== "result") throw new Error("no result after 交卷");
  });
  await measure("GET /healthz again, at the end", N, async () => expect(await get("/healthz"), 200, "GET /healthz"));
  pool.close();

  const ref = results[0].r.stats;
  const door = results.slice(1, redirected ? 5 : 4).reduce((sum, x) => sum + x.r.cpuMs, 0);
  const rows: Row[] = results.map(({ measure, r }, k) => ({
    scenario: name,
    measure,
    stats: r.stats,
    ref: k === 0 ? undefined : ref,
    note: [
      `${r.cpuMs.toFixed(2)} ms of server CPU per request (c=${C}), the bench client's ${r.clientMs.toFixed(2)} ms`,
      r.firstError && `first error: ${r.firstError}`,
    ]
      .filter(Boolean)
      .join("; "),
  }));
  const out = results[6].r.cpuMs + (handInRedirected ? results[7].r.cpuMs : 0);
  rows[7].note += `; hand-in${handInRedirected ? " + result" : ""}: ${out.toFixed(1)} ms of CPU per person`;
  rows[4].note += `; the door (page + discovery + 开始${redirected ? " + paper" : ""}): ${door.toFixed(1)} ms of CPU per person, ${(1000 / door).toFixed(0)} people a second per core`;
  return rows;
}
