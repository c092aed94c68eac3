import Database from "better-sqlite3";
import { writeEntry } from "../../app/.server/search/search-index";
import { all, sql } from "../../app/.server/sql";
import { createRandom } from "../../app/lib/quiz-shuffle";
import { termWeights } from "../../app/lib/search-terms";
import { storedTimestamp } from "../../app/lib/timestamp";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { Client } from "../../tests/support/client";
import { drive, expectStatus } from "../lib/load";
import { type BenchContext, type Row } from "../lib/report";

// Search of the document libraries over 10,000 documents (decision 050). Setup, not measured,
// written straight into the database file: 10,000 library documents spread over every unit, a third
// each public, for the unit's subtree and for members only, each with a title and 600 characters of
// synthetic Chinese text from a seeded generator, indexed as the extraction runner indexes them
// (about 400 distinct terms each). Measured, as the `member` account (a branch of 计算机学院党委),
// at concurrency 4: /documents/search for a common word, for two words together and for a rare
// word, and GET /healthz one at a time while the common search runs (reference: /healthz alone).

export const name = "library-search";

const DOCUMENTS = 10_000;
const BATCH = 250;
const REQUESTS = 200;
const CONCURRENCY = 4;
const WORDS = (
  "党员 党支部 学习 教育 组织 生活 会议 纪要 通知 方案 主题 党日 理论 学习 发展 对象 积极分子 培训 课程 " +
  "党章 党规 讲话 精神 初心 使命 红色 家书 历史 纪律 作风 建设 服务 群众 志愿 实践 调研 报告 总结 计划 " +
  "考核 评议 民主 表彰 先进 典型 宣传 思想 政治 文化 校园 青年 学生 教师 科研 创新 安全 制度 规范 档案"
).split(" ");
const RARE = "光谱学研讨";

function seedDocuments(dbFile: string): number {
  const db = new Database(dbFile);
  try {
    const units = all<{ id: number; path: string }>(db, sql`SELECT "id", "path" FROM "OrgUnit" WHERE "archivedAt" IS NULL ORDER BY "id"`);
    const uploader = all<{ id: number }>(db, sql`SELECT "id" FROM "Person" WHERE "number" = 'admin'`)[0].id;
    const rand = createRandom(20261202);
    const word = () => WORDS[Math.floor(rand() * WORDS.length)];
    const now = new Date();
    const insert = db.prepare(
      `INSERT INTO "LibraryDocument" ("unitId", "title", "fileName", "kind", "mime", "size", "storedPath", "audience", "statuses", "uploaderId", "textState", "createdAt")
       VALUES (?, ?, ?, 'pdf', 'application/pdf', 1000, 'library/bench.pdf', ?, ?, ?, 'done', ?) RETURNING "id"`,
    );
    // In batches, so the running server's own writers (the extraction runner) get the lock in between.
    const batch = db.transaction((from: number) => {
      for (let i = from; i < Math.min(DOCUMENTS, from + BATCH); i++) {
        const unit = units[i % units.length];
        const audience = ["public", "subtree", "status"][i % 3];
        const statuses = audience === "status" ? ",member,probationary," : null;
        const title = `${word()}${word()}${word()}第${i + 1}号`;
        let body = "";
        while (body.length < 600) body += `${word()}${word()}${rand() < 0.2 ? "，" : ""}`;
        if (i % 1000 === 0) body += RARE;
        const { id } = insert.get(unit.id, title, `${title}.pdf`, audience, statuses, uploader, storedTimestamp(now)) as { id: number };
        writeEntry(
          db,
          { kind: "document", refId: id, unitPath: unit.path, audience, statuses, title, excerpt: body.slice(0, 160) },
          termWeights(title, body),
          now,
        );
      }
    });
    for (let from = 0; from < DOCUMENTS; from += BATCH) batch(from);
    return (db.prepare(`SELECT COUNT(*) AS n FROM "SearchTerm"`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export async function run({ url, dbFile }: BenchContext): Promise<Row[]> {
  const t0 = performance.now();
  const terms = seedDocuments(dbFile);
  const setup = `setup: ${DOCUMENTS} documents, ${terms} term rows, ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  const member = new Client(url);
  expectStatus(await member.login("member", DEMO_PASSWORD), 302, "member's sign-in");
  const health = new Client(url);
  const opts = { count: REQUESTS, concurrency: CONCURRENCY, warmup: 5, maxMs: 120_000 };
  const search = (q: string) => async () => expectStatus(await member.get(`/documents/search?q=${encodeURIComponent(q)}`), 200, `search ${q}`);
  const healthz = async () => expectStatus(await health.get("/healthz"), 200, "GET /healthz");

  const rows: Row[] = [];
  const reference = await drive(healthz, { ...opts, concurrency: 1 });
  rows.push({ scenario: name, measure: "GET /healthz alone (reference, c=1)", stats: reference, note: setup });
  let searching = true;
  const [common, during] = await Promise.all([
    drive(search("党员"), opts).finally(() => (searching = false)),
    drive(healthz, { ...opts, concurrency: 1, count: 100_000, stop: () => !searching }),
  ]);
  rows.push({ scenario: name, measure: `search 党员 (c=${CONCURRENCY})`, stats: common, ref: reference, note: common.firstError });
  rows.push({ scenario: name, measure: "GET /healthz during that search (c=1)", stats: during, ref: reference, note: during.firstError });
  for (const [label, q] of [
    ["search 红色家书 (two terms)", "红色家书"],
    [`search ${RARE} (rare)`, RARE],
  ] as const) {
    const stats = await drive(search(q), opts);
    rows.push({ scenario: name, measure: `${label} (c=${CONCURRENCY})`, stats, ref: reference, note: stats.firstError });
  }
  return rows;
}
