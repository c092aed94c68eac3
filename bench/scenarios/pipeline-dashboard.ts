import Database from "better-sqlite3";
import { storedTimestamp } from "../../app/lib/timestamp";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { Client } from "../../tests/support/client";
import { drive, expectStatus } from "../lib/load";
import { type BenchContext, type Row } from "../lib/report";

// The development files' dashboard (/manage/pipeline, decision 041) for the whole school (the admin)
// and for one college (计算机学院党委's secretary), with a file for every applicant, activist, target
// and probationary member of the demo university, written here before the run. The reference is
// GET /healthz on the same server at the same concurrency.

export const name = "pipeline-dashboard";

const REQUESTS = 60;
const CONCURRENCY = 2;
const DAY = 86_400_000;

/** The steps each status has behind it, oldest first, as days before the person's `statusSince`. */
const FILES: Record<string, [step: string, daysBefore: number][]> = {
  applicant: [["apply", 0]],
  activist: [
    ["apply", 120],
    ["apply-talk", 100],
    ["recommend", 0],
  ],
  target: [
    ["apply", 500],
    ["apply-talk", 480],
    ["recommend", 380],
    ["activist-assessment", 200],
    ["target-decide", 0],
  ],
  probationary: [
    ["apply", 700],
    ["apply-talk", 690],
    ["recommend", 600],
    ["activist-assessment", 420],
    ["target-decide", 230],
    ["sponsors", 220],
    ["political-review", 200],
    ["training", 150],
    ["committee-review", 60],
    ["pre-review", 50],
    ["application-form", 30],
    ["admit-meeting", 0],
  ],
};

/** Writes the files; returns how many people and records. */
function writeFiles(dbFile: string): { people: number; records: number } {
  const db = new Database(dbFile);
  try {
    const people = db
      .prepare(
        "SELECT id, politicalStatus, statusSince FROM Person WHERE politicalStatus IN ('applicant', 'activist', 'target', 'probationary') AND statusSince IS NOT NULL",
      )
      .all() as { id: number; politicalStatus: string; statusSince: string }[];
    const recorder = (db.prepare("SELECT id FROM Person WHERE number = 'admin'").get() as { id: number }).id;
    const insert = db.prepare(
      `INSERT INTO "PipelineRecord" ("personId", "pack", "packVersion", "step", "happenedOn", "birthDate", "backfilled", "note", "recordedById", "recordedAt", "activeKey")
       VALUES (?, 'cpc-2014', 1, ?, ?, ?, 1, '压测数据', ?, ?, ?)`,
    );
    let records = 0;
    db.transaction(() => {
      for (const p of people) {
        const since = new Date(p.statusSince).getTime();
        const midnight = (t: number) => storedTimestamp(new Date(Math.floor(t / DAY) * DAY));
        for (const [step, before] of FILES[p.politicalStatus]) {
          const on = since - before * DAY;
          insert.run(
            p.id,
            step,
            midnight(on),
            step === "apply" ? midnight(on - 20 * 365 * DAY) : null,
            recorder,
            storedTimestamp(new Date()),
            step === "activist-assessment" ? null : `${p.id}:${step}`,
          );
          records++;
        }
      }
    })();
    return { people: people.length, records };
  } finally {
    db.close();
  }
}

export async function run({ url, dbFile }: BenchContext): Promise<Row[]> {
  const files = writeFiles(dbFile);
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
