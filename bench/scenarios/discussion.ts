import { renderPostMarkdown } from "../../app/lib/post-markdown";
import { openFactory } from "../../tests/factories";
import { SESSION_COOKIE, addBenchAccounts } from "../lib/bench-accounts";
import { connections } from "../lib/http-pool";
import { drive } from "../lib/load";
import { type BenchContext, type Row } from "../lib/report";
import { summarize } from "../lib/stats";

// Discussion under load (decision 049): 2,000 members of one branch, all at once, each reads the
// first page of their branch's 大家谈 topic (200 posts already there, 20 on the page) and then writes
// a post (a form POST answered with a redirect). Meanwhile GET /healthz is requested one at a time;
// the same request measured the same way before the load is the reference. The question: do
// reads and writes of a busy thread keep the server answering, with every post stored once?

export const name = "discussion";

const MEMBERS = 2_000;
const EXISTING_POSTS = 200;
const IN_FLIGHT = 64; // requests the client has open at once, as a proxy's connection pool
const MAX_MS = 180_000;

function setup(dbFile: string) {
  const f = openFactory(dbFile);
  try {
    const { unitId, accounts } = addBenchAccounts(f, {
      count: MEMBERS,
      prefix: "dsc",
      namePrefix: "讨论压测",
      unitName: "压测讨论党支部",
      politicalStatus: "member",
    });
    const now = new Date().toISOString().replace("Z", "+00:00");
    const topicId = (
      f.db.prepare(`INSERT INTO "DiscussionTopic" ("unitId", "title", "createdAt") VALUES (?, ?, ?) RETURNING "id"`).get(unitId, "压测话题", now) as {
        id: number;
      }
    ).id;
    const insert = f.db.prepare(
      `INSERT INTO "DiscussionPost" ("topicId", "authorId", "body", "tree", "state", "createdAt") VALUES (?, ?, ?, ?, 'published', ?)`,
    );
    f.transaction(() => {
      for (let i = 0; i < EXISTING_POSTS; i++) {
        const body = `第 ${i + 1} 楼：**学习体会**，结合岗位谈认识。\n\n- 一点\n- 两点`;
        const r = renderPostMarkdown(body);
        if (!r.ok) throw new Error(r.message);
        insert.run(topicId, accounts[i % accounts.length].personId, body, JSON.stringify(r.tree), now);
      }
    });
    return { topicId, accounts };
  } finally {
    f.close();
  }
}

export async function run({ url, dbFile }: BenchContext): Promise<Row[]> {
  const { topicId, accounts } = setup(dbFile);
  const pool = connections(url, IN_FLIGHT);
  const sampler = connections(url, 1);
  const healthz = async () => {
    const r = await sampler.request("/healthz");
    if (r.status !== 200) throw new Error(`GET /healthz → ${r.status}`);
  };
  const reference = await drive(healthz, { count: 200, concurrency: 1, warmup: 5 });

  const reads: number[] = [];
  const posts: number[] = [];
  let readErrors = 0;
  let postErrors = 0;
  let firstError: string | undefined;
  const fail = (what: string) => (firstError ??= what);
  let done = false;
  const started = performance.now();
  const during = drive(healthz, { count: 100_000, concurrency: 1, maxMs: MAX_MS, stop: () => done });
  await Promise.all(
    accounts.map(async ({ token }, i) => {
      if (performance.now() - started > MAX_MS) return;
      const headers = { Cookie: `${SESSION_COOKIE}=${token}`, Origin: url };
      let t0 = performance.now();
      const page = await pool.request(`/discuss/${topicId}`, { headers }).catch((e: Error) => ({ status: 0, text: e.message }));
      reads.push(performance.now() - t0);
      if (page.status !== 200 || !page.text.includes("压测话题")) {
        readErrors++;
        fail(`GET /discuss/${topicId} → ${page.status}`);
      }
      t0 = performance.now();
      const body = new URLSearchParams({ intent: "post", body: `压测发言 ${i}：认真学习，**知行合一**。` }).toString();
      const res = await pool
        .request(`/discuss/${topicId}`, { method: "POST", headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" }, body })
        .catch((e: Error) => ({ status: 0, text: e.message }));
      posts.push(performance.now() - t0);
      if (res.status !== 302) {
        postErrors++;
        fail(`POST /discuss/${topicId} → ${res.status} ${res.text.slice(0, 80)}`);
      }
    }),
  );
  const elapsed = performance.now() - started;
  done = true;
  const healthDuring = await during;
  pool.close();
  sampler.close();

  const f = openFactory(dbFile);
  const stored = (f.db.prepare(`SELECT COUNT(*) AS n FROM "DiscussionPost" WHERE "topicId" = ?`).get(topicId) as { n: number }).n - EXISTING_POSTS;
  f.close();
  const note = [`${stored} of ${MEMBERS} posts stored`, firstError && `first error: ${firstError}`].filter(Boolean).join("; ");
  return [
    { scenario: name, measure: "GET /healthz before (reference)", stats: reference },
    { scenario: name, measure: `thread page, ${MEMBERS} members at once (${IN_FLIGHT} open)`, stats: summarize(reads, readErrors, elapsed), ref: reference },
    { scenario: name, measure: `post (form POST → 302)`, stats: summarize(posts, postErrors, elapsed), ref: reference, note },
    { scenario: name, measure: "GET /healthz during the load", stats: healthDuring, ref: reference },
  ];
}
