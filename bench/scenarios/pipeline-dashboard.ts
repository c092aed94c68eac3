import { type SqlDb, sql } from "../../app/.server/sql";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { Client } from "../../tests/support/client";
import { drive, expectStatus } from "../lib/load";
import { type BenchContext, type Row } from "../lib/report";

// The development files' dashboard (/manage/pipeline, decision 041) for the whole school (the admin)
// and for one college (计算机学院党委's secretary), with a file for every applicant, activist, target
// and probationary member of the demo university, as the seed writes them. The reference is
// GET /healthz on the same server at the same concurrency.

export const name = "pipeline-dashboard";

const REQUESTS = 60;
const CONCURRENCY = 2;

/** The demo's files (prisma/seed-pipeline.ts writes them with the seed): how many people and steps. */
async function countFiles(db: SqlDb): Promise<{ people: number; records: number }> {
  const row = await db.get<{ people: number | string; records: number | string }>(
    sql`SELECT COUNT(DISTINCT "personId") AS "people", COUNT(*) AS "records" FROM "PipelineRecord" WHERE "supersededAt" IS NULL`,
  );
  return { people: Number(row?.people), records: Number(row?.records) };
}

/** Nothing to set up: the seed writes the files (the cluster gets them moved in with the seed). */
export function prepare(): null {
  return null;
}

export function run(ctx: BenchContext): Promise<Row[]> {
  return measure(ctx);
}

export async function measure({ url, sqlDb }: BenchContext): Promise<Row[]> {
  const files = await countFiles(sqlDb);
  const admin = new Client(url);
  expectStatus(await admin.login("admin", DEMO_PASSWORD), 302, "admin's sign-in");
  const secretary = new Client(url);
  expectStatus(await secretary.login("secretary", DEMO_PASSWORD), 302, "secretary's sign-in");

  const series: [string, Client, string][] = [
    ["GET /healthz (reference)", admin, "/healthz"],
    [`/manage/pipeline, whole school (${files.people} files, ${files.records} steps)`, admin, "/manage/pipeline"],
    ["/manage/pipeline, one college (计算机学院党委)", secretary, "/manage/pipeline"],
    ["/manage/pipeline.xlsx, whole school", admin, "/manage/pipeline.xlsx"],
  ];
  const rows: Row[] = [];
  for (const [measure, client, path] of series) {
    const stats = await drive(async () => expectStatus(await client.get(path), 200, `GET ${path}`), {
      count: REQUESTS,
      concurrency: CONCURRENCY,
      warmup: 3,
      maxMs: 180_000,
    });
    rows.push({
      scenario: name,
      measure: `${measure} (c=${CONCURRENCY})`,
      stats,
      ref: rows[0]?.stats,
      note: stats.firstError && `first error: ${stats.firstError}`,
    });
  }
  return rows;
}
