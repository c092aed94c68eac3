import type { ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { pgPoolConfig } from "../../app/.server/pg-types";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { DEMO_WITHDRAWAL_REASON } from "../../prisma/seed-class-history";
import { Client } from "../support/client";
import { npmStart, stopChildren } from "../support/npm-start";
import { TMP } from "../support/paths";
import { type TestDatabase, TEST_CERT_SECRET, freshPostgresDatabase } from "../support/postgres";

// `npm start` on PostgreSQL (issue 16): three nodes started at once on one empty database, each with a
// data folder of its own, as three machines would be. One of them migrates, seeds the demo university
// (on a SQLite file of its own, moved in by decision 078's exporter) and syncs the content; the other
// two wait for the start-up lock and find it done. Then each serves, and each signs in a person the
// first one wrote.

const folder = path.join(TMP, `pg-start-${crypto.randomUUID()}`);
const children: ChildProcess[] = [];
let database: TestDatabase;

afterAll(async () => {
  await stopChildren(children);
  await database?.drop();
  fs.rmSync(folder, { recursive: true, force: true });
});

let node = 0;
/** `npm start` in demo mode on the shared database, with a data folder of its own. */
const start = (url: string) => npmStart({ DATABASE_URL: url, CERT_SECRET: TEST_CERT_SECRET, DATA_DIR: path.join(folder, `node-${++node}`) }, children);

describe("three nodes started at once on one empty PostgreSQL database", () => {
  it("migrate, seed and sync once between them, and all three serve the same data", async () => {
    database = await freshPostgresDatabase();
    const started = await Promise.all([start(database.url), start(database.url), start(database.url)]);
    const outs = started.map((s) => s.out);
    expect(outs.filter((o) => /已写入演示大学/.test(o))).toHaveLength(1);
    expect(outs.filter((o) => /题库文件 \(content\/banks\): \d+ 个，0 个已更新/.test(o))).toHaveLength(3);
    const client = new pg.Client(pgPoolConfig(database.url));
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(`SELECT COUNT(*)::integer AS "n" FROM "OrgUnit" WHERE "depth" = 0`);
      expect(rows[0].n).toBe(1);
      // The party-school classes' year too, its last steps (补考, withdrawal, correction) taken by the app on PostgreSQL.
      expect(outs.filter((o) => /已写入演示培训班记录 \(demo party-school classes\): .*1 人补考、1 人补交、1 人结业后退出/.test(o))).toHaveLength(1);
      const amended = await client.query<{ makeups: number; withdrawn: number; revoked: number }>(
        `SELECT (SELECT COUNT(*)::integer FROM "ClassExamMakeup") AS "makeups",
          (SELECT COUNT(*)::integer FROM "ClassMember" WHERE "status" = 'withdrawn' AND "reason" = $1) AS "withdrawn",
          (SELECT COUNT(*)::integer FROM "ClassCertificate" WHERE "revokedAt" IS NOT NULL) AS "revoked"`,
        [DEMO_WITHDRAWAL_REASON],
      );
      expect(amended.rows[0]).toEqual({ makeups: 1, withdrawn: 1, revoked: 1 });
    } finally {
      await client.end();
    }
    for (const { url } of started) {
      const member = new Client(url);
      expect((await member.login("member", DEMO_PASSWORD)).status, url).toBe(302);
      const home = await member.get("/hours");
      expect(home.status, url).toBe(200);
      expect(home.text).toContain("我的学时");
    }
    // The budget: the seed and the move take about 30 s on a quiet machine, and 173–225 s were seen at load 20–24
    // (helpers' runs beside the suite), where 240 s left too little room.
  }, 420_000);
});
