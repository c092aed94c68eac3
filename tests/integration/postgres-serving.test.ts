import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { pgPoolConfig } from "../../app/.server/pg-types";
import { DEMO_PASSWORD, seedDemoContest, seedDemoQuiz, seedDemoUniversity } from "../../prisma/seed";
import { moveToPostgres } from "../../scripts/lib/move-to-postgres";
import { Client } from "../support/client";
import { syncContentIntoFile } from "../../scripts/lib/content-sync";
import { ROOT, TEMPLATE_DB, TMP } from "../support/paths";
import { type TestDatabase, TEST_CERT_SECRET, freshPostgresDatabase } from "../support/postgres";
import { type SpawnedServer, spawnServer } from "../support/spawn-server";

// The real server on PostgreSQL (issue 16): the demo university seeded on SQLite as `npm start` seeds it,
// moved into a fresh database of the test cluster (decision 078), then served from there. What a person
// checks: signing in, the learner's and the office's pages answering with their content, and a quiz
// taken from start to hand-in, stored in PostgreSQL.

const { dataDir } = vi.hoisted(() => {
  const dataDir = `${process.cwd()}/tests/.tmp/pg-serving-data-${process.pid}`;
  process.env.DATA_DIR = dataDir;
  return { dataDir };
});

const dbFile = path.join(TMP, `pg-serving-${process.pid}.db`);
let database: TestDatabase;
let server: SpawnedServer;

async function pgRows<Row>(text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client(pgPoolConfig(database.url));
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Row[];
  } finally {
    await client.end();
  }
}

async function signedIn(username: string): Promise<Client> {
  const c = new Client(server.url);
  const res = await c.login(username, DEMO_PASSWORD);
  expect(res.status, `${username}: ${res.text.slice(0, 200)}`).toBe(302);
  return c;
}

beforeAll(async () => {
  fs.copyFileSync(TEMPLATE_DB, dbFile);
  await seedDemoUniversity(dbFile, new Date(), { dataDir });
  const { courses } = await syncContentIntoFile(dbFile, ROOT);
  expect(courses.failed).toEqual([]);
  seedDemoQuiz(dbFile);
  seedDemoContest(dbFile);
  database = await freshPostgresDatabase();
  await moveToPostgres(dbFile, database.url);
  server = await spawnServer({ dbFile, env: { DATABASE_URL: database.url, CERT_SECRET: TEST_CERT_SECRET, DATA_DIR: dataDir } });
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
  for (const s of ["", "-wal", "-shm"]) fs.rmSync(dbFile + s, { force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("the server on PostgreSQL", () => {
  it("signs people in and shows each their pages with their content", async () => {
    const member = await signedIn("member");
    const pages: [string, RegExp][] = [
      ["/", /网上党校/],
      ["/courses", /两学一做/],
      ["/quizzes", /两学一做/],
      ["/contests", /党史知识竞赛/],
      ["/hours", /我的学时/],
      ["/discuss", /大家谈/],
      ["/account/data", /我的个人信息/],
      ["/meetings", /我的会议/],
    ];
    for (const [page, content] of pages) {
      const res = await member.get(page);
      expect(res.status, page).toBe(200);
      expect(res.text, page).toMatch(content);
    }
    const admin = await signedIn("admin");
    for (const page of ["/manage/people", "/manage/reports", "/manage/pipeline", "/manage/audit", "/manage/courses", "/manage/banks"]) {
      expect((await admin.get(page)).status, page).toBe(200);
    }
    // The session lives in PostgreSQL: the file the server was also given holds none.
    const [{ n }] = await pgRows<{ n: number }>(`SELECT COUNT(*)::integer AS "n" FROM "Session"`);
    expect(n).toBeGreaterThanOrEqual(2);
    const file = new Database(dbFile, { readonly: true });
    expect((file.prepare(`SELECT COUNT(*) AS "n" FROM "Session"`).get() as { n: number }).n).toBe(0);
    file.close();
  }, 120_000);

  it("runs a quiz from start to hand-in, stored in PostgreSQL", async () => {
    const member = await signedIn("member");
    const [quiz] = await pgRows<{ id: number }>(`SELECT "id" FROM "Quiz" WHERE "title" LIKE '%两学一做%' ORDER BY "id" LIMIT 1`);
    const started = await member.post(`/quizzes/${quiz.id}`, {});
    expect(started.status, started.text.slice(0, 300)).toBe(302);
    const attemptPath = started.location!;
    const attemptId = Number(/\/attempts\/(\d+)$/.exec(attemptPath)![1]);
    const paper = await member.get(attemptPath);
    expect(paper.status).toBe(200);
    const submitted = await member.post(attemptPath, { intent: "submit" });
    expect(submitted.status, submitted.text.slice(0, 300)).toBe(302);
    const [attempt] = await pgRows<{ state: string; finishedAt: Date | null }>(`SELECT "state", "finishedAt" FROM "QuizAttempt" WHERE "id" = $1`, [attemptId]);
    expect(attempt.state).not.toBe("in_progress");
    expect(attempt.finishedAt).not.toBeNull();
  }, 120_000);
});
