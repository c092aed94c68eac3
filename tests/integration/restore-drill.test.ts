import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { postgresHasTables } from "~/.server/ops/backup-postgres";
import { OPTION_LETTERS } from "~/lib/quiz-grading";
import { openContestFactory } from "../contest-factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { testEngine } from "../support/engine";
import { TMP } from "../support/paths";
import { openPgSync } from "../support/pg-sync";
import { type TestDatabase, emptyPostgresDatabase } from "../support/postgres";
import { runScript } from "../support/run-script";
import { type TestServer, startTestServer } from "../support/server";
import { spawnServer } from "../support/spawn-server";

// The restore drill (decision 075): a real server under load (contest answers through the answer
// endpoint, hand-ins that write 学时 ledger entries), `npm run backup` taken while the load runs,
// `npm run restore` into an empty folder, a second real server on the restored copy. On both engines
// (decision 080): on PostgreSQL the server serves from a fresh database of the test cluster, the backup
// is pg_dump's, and the restore goes into a new empty database, as `createdb` makes one.
//
// What the backup must hold, precisely: every answer and every hand-in whose acknowledgement (the
// HTTP response, sent only after the commit) reached this process before the backup process was
// started. Such a commit precedes the backup's read of the database, so it is in the copy. Answers
// acknowledged later may or may not be there; nothing is asserted about them.

const PASSWORD = "Passw0rd1";
const PEOPLE = 40;
const CONCURRENCY = 4;
let server: TestServer;
let work: string;
const ids = { contest: 0, bank: 0 };
const databases: TestDatabase[] = [];

/** Where a restore goes on the run's engine: a file in a folder of its own, or a new empty PostgreSQL database. */
type RestoreTarget = {
  /** The DATABASE_URL the scripts get. */
  url: string;
  /** What spawnServer() takes: the file, or the URL. */
  dbFile: string;
  /** A synchronous handle on it, better-sqlite3's or pg-sync.ts's: the statements below run on both. */
  open(): Database.Database;
  /** Whether a restore has written anything into it. */
  written(): Promise<boolean>;
};

async function restoreTarget(folder: string): Promise<RestoreTarget> {
  if (testEngine() === "postgres") {
    const database = await emptyPostgresDatabase();
    databases.push(database);
    return { url: database.url, dbFile: database.url, open: () => openPgSync(database.url), written: () => postgresHasTables(database.url) };
  }
  const file = path.join(folder, "app.db");
  return { url: `file:${file}`, dbFile: file, open: () => new Database(file, { readonly: true }), written: async () => fs.existsSync(file) };
}

function read<T>(target: RestoreTarget, fn: (db: Database.Database) => T): T {
  const db = target.open();
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  work = path.join(TMP, `drill-${crypto.randomUUID()}`);
  fs.mkdirSync(path.join(work, "data", "keys"), { recursive: true });
  fs.mkdirSync(path.join(work, "data", "media"), { recursive: true });
  // The signing key and an uploaded file, as a school's data folder holds them.
  fs.writeFileSync(path.join(work, "data", "keys", "certificate.key"), crypto.randomBytes(32).toString("base64url"));
  fs.writeFileSync(path.join(work, "data", "media", "lecture.bin"), crypto.randomBytes(200_000));
  server = await startTestServer({ env: { DATA_DIR: path.join(work, "data") } });
  const f = server.factory;
  const root = f.unit({ name: "演练大学党委", kind: "committee" });
  const college = f.unit({ name: "历史学院党委", kind: "college", parent: root });
  const hash = await hashPassword(PASSWORD);
  for (let i = 0; i < PEOPLE; i++) {
    const id = f.person({ number: `drill${i}`, name: `学员${i}`, unitId: college.id, politicalStatus: "member" });
    f.passwordHash(id, hash);
  }
  // Not in the load: takes part only on the restored server.
  f.passwordHash(f.person({ number: "late", name: "迟到学员", unitId: college.id, politicalStatus: "member" }), hash);
  const trainer = f.person({ number: "trainer", name: "教员", unitId: root.id, politicalStatus: "member" });
  const { bankId } = openQuizFactory(f.db).standardBank({ slug: "drill", unitId: root.id, perType: 3 });
  ids.bank = bankId;
  ids.contest = openContestFactory(f.db).contest({
    title: "党史知识竞赛",
    unitId: root.id,
    createdById: trainer,
    timeLimitSec: 900,
    creditHours: 50,
    sections: [{ bankId, count: 8, pointsEach: 500 }],
    audiences: [{ unitId: college.id }],
  });
});

afterAll(async () => {
  await server?.stop();
  for (const database of databases) await database.drop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

type Item = { position: number; type: string; optionOrder: string | null; answer: string; options: string | null };

/** The right answer as the phone sends it (letters in the order shown, "true"/"false", the text). */
function right(item: Item): string[] {
  const key = JSON.parse(item.answer) as unknown;
  if (item.type === "judge") return [String(key)];
  if (item.type === "fill") return [(key as string[])[0]];
  const order = item.optionOrder ? (JSON.parse(item.optionOrder) as string[]) : Object.keys(JSON.parse(item.options!) as object).sort();
  return ([] as string[]).concat(key as string | string[]).map((bank) => OPTION_LETTERS[order.indexOf(bank)]);
}

/** An acknowledgement received, in the order received. */
type AnswerAck = { entryId: number; position: number };
type HandInAck = { personId: number; entryId: number };

/** The answer endpoint's request as the phone sends it: the right answer to one item. */
function answerBody(entryId: number, item: Item): URLSearchParams {
  const body = new URLSearchParams({ entryId: String(entryId), position: String(item.position) });
  for (const v of right(item)) body.append("answer", v);
  return body;
}

function entryOf(db: Database.Database, number: string): { entryId: number; personId: number } | undefined {
  return db
    .prepare("SELECT e.id AS entryId, e.personId FROM ContestEntry e JOIN Person p ON p.id = e.personId WHERE e.contestId = ? AND p.number = ?")
    .get(ids.contest, number) as { entryId: number; personId: number } | undefined;
}

function itemsOf(db: Database.Database, entryId: number): Item[] {
  return db
    .prepare(
      "SELECT i.position, q.type, i.optionOrder, q.answer, q.options FROM ContestItem i JOIN Question q ON q.id = i.questionId WHERE i.entryId = ? ORDER BY i.position",
    )
    .all(entryId) as Item[];
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
}

describe("restore drill", () => {
  it("a backup taken under load holds every answer and 学时 entry acknowledged before it began, and restores into a working server", async () => {
    const db = server.factory.db;
    const answerAcks: AnswerAck[] = [];
    const handInAcks: HandInAck[] = [];
    /** Every answer request's start and end, for the figures printed below (not asserted: wall-clock). */
    const timings: { start: number; end: number }[] = [];
    let stop = false;
    let next = 0;

    // One participant: sign in, enter, answer 1–4 questions (each acknowledged once committed), hand in.
    const participate = async (i: number) => {
      const c = new Client(server.url);
      expect((await c.login(`drill${i}`, PASSWORD)).status).toBe(302);
      const start = await c.post(`/contests/${ids.contest}`, { intent: "start" });
      expect(start.status, start.text).toBe(302);
      const { entryId, personId } = entryOf(db, `drill${i}`)!;
      for (const item of itemsOf(db, entryId).slice(0, 1 + (i % 4))) {
        if (stop) return;
        const t0 = Date.now();
        const res = await c.request("/api/contests/answer", { method: "POST", body: answerBody(entryId, item) });
        expect(res.status, res.text).toBe(200);
        timings.push({ start: t0, end: Date.now() });
        answerAcks.push({ entryId, position: item.position });
      }
      if (stop) return;
      const handIn = await c.post(`/contests/${ids.contest}`, { intent: "submit", entryId: String(entryId) });
      expect(handIn.status, handIn.text).toBe(302);
      handInAcks.push({ personId, entryId });
    };
    const load = Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (!stop && next < PEOPLE) await participate(next++);
      }),
    );

    let loadEnded = false;
    void load.then(
      () => (loadEnded = true),
      () => (loadEnded = true),
    );
    // The backup starts once the load is well under way, and the load goes on while it runs.
    while (answerAcks.length < 12 || handInAcks.length < 3) {
      if (loadEnded) {
        await load; // throws what failed
        throw new Error("the load ended before the backup could start");
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const backupDir = path.join(work, "backups");
    // What was acknowledged before the backup began is what the lists hold now: counted by place, not
    // by clock, since an acknowledgement and the backup's start can fall in the same millisecond.
    const acknowledgedBefore = { answers: answerAcks.length, handIns: handInAcks.length };
    const backupBegan = Date.now();
    const backup = await runScript("backup.ts", [], {
      DATABASE_URL: testEngine() === "postgres" ? server.dbFile : `file:${server.dbFile}`,
      DATA_DIR: path.join(work, "data"),
      BACKUP_DIR: backupDir,
    });
    const backupEnded = Date.now();
    const acknowledgedDuring = answerAcks.length + handInAcks.length - acknowledgedBefore.answers - acknowledgedBefore.handIns;
    stop = true;
    await load;
    expect(backup.code, backup.err).toBe(0);
    expect(backup.out).toContain("备份完成");

    const mustAnswers = answerAcks.slice(0, acknowledgedBefore.answers);
    const mustHandIns = handInAcks.slice(0, acknowledgedBefore.handIns);
    expect(mustAnswers.length).toBeGreaterThanOrEqual(12);
    expect(mustHandIns.length).toBeGreaterThanOrEqual(3);
    // The load really ran while the backup did: acknowledgements arrived between its start and end.
    expect(acknowledgedDuring).toBeGreaterThan(0);

    const [folder] = fs.readdirSync(backupDir).filter((n) => n.startsWith("backup-"));
    const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, folder, "manifest.json"), "utf8")) as {
      engine: string;
      migrations: string[];
      files: { path: string }[];
      timings: { database: number; total: number };
    };
    expect(manifest.engine).toBe(testEngine());
    expect(manifest.migrations.length).toBeGreaterThan(0);
    expect(manifest.files.map((f) => f.path).sort()).toEqual(["files/keys/certificate.key", "files/media/lecture.bin"]);

    // How the writers fared while the copy was made (a dump that held them up would show here).
    const latencies = (from: number, to: number) =>
      timings
        .filter((t) => t.end > from && t.start < to)
        .map((t) => t.end - t.start)
        .sort((a, b) => a - b);
    const before = latencies(0, backupBegan);
    const during = latencies(backupBegan, backupEnded);
    console.info(
      `restore drill (${testEngine()}): backup ${backupEnded - backupBegan} ms (database copy ${manifest.timings.database} ms); answers before it ${before.length}, ` +
        `p50 ${quantile(before, 0.5)} ms, max ${before.at(-1) ?? 0} ms; during it ${during.length}, p50 ${quantile(during, 0.5)} ms, max ${during.at(-1) ?? 0} ms`,
    );

    // Restored into an empty folder and, on PostgreSQL, an empty database, as on a new machine.
    const restoredData = path.join(work, "restored");
    const restored = await restoreTarget(restoredData);
    const restoreEnv = { DATABASE_URL: restored.url, DATA_DIR: restoredData };
    const restore = await runScript("restore.ts", [path.join(backupDir, folder)], restoreEnv);
    expect(restore.code, restore.err).toBe(0);

    read(restored, (copy) => {
      const answer = copy.prepare("SELECT 1 AS one FROM ContestAnswer WHERE entryId = ? AND position = ?");
      const missingAnswers = mustAnswers.filter((a) => answer.get(a.entryId, a.position) === undefined);
      expect(missingAnswers).toEqual([]);
      const ledger = copy.prepare("SELECT amount FROM HoursEntry WHERE personId = ? AND sourceKind = 'contest' AND sourceId = ?");
      const entry = copy.prepare("SELECT state FROM ContestEntry WHERE id = ?");
      for (const h of mustHandIns) {
        expect(ledger.all(h.personId, String(ids.contest))).toEqual([{ amount: 50 }]);
        expect(entry.get(h.entryId)).toEqual({ state: "submitted" });
      }
    });
    for (const rel of ["keys/certificate.key", "media/lecture.bin"]) {
      expect(fs.readFileSync(path.join(restoredData, rel)).equals(fs.readFileSync(path.join(work, "data", rel))), rel).toBe(true);
    }

    // A second server on the restored copy serves the people in it, and takes new answers.
    const second = await spawnServer({ dbFile: restored.dbFile, env: { DATA_DIR: restoredData } });
    try {
      expect((await new Client(second.url).get("/healthz")).status).toBe(200);
      // No METRICS_TOKEN: /metrics does not exist.
      expect((await new Client(second.url).get("/metrics")).status).toBe(404);
      const c = new Client(second.url);
      expect((await c.login("drill0", PASSWORD)).status).toBe(302);
      const page = await c.get(`/contests/${ids.contest}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain("党史知识竞赛");

      // Someone who never took part enters and answers: new rows get new ids after the restored ones.
      const late = new Client(second.url);
      expect((await late.login("late", PASSWORD)).status).toBe(302);
      const start = await late.post(`/contests/${ids.contest}`, { intent: "start" });
      expect(start.status, start.text).toBe(302);
      const { entryId } = read(restored, (copy) => entryOf(copy, "late"))!;
      const [item] = read(restored, (copy) => itemsOf(copy, entryId));
      const res = await late.request("/api/contests/answer", { method: "POST", body: answerBody(entryId, item) });
      expect(res.status, res.text).toBe(200);
      expect(
        read(restored, (copy) => copy.prepare("SELECT correct FROM ContestAnswer WHERE entryId = ? AND position = ?").get(entryId, item.position)),
      ).toEqual({ correct: 1 });
    } finally {
      await second.stop();
    }
    expect(second.stderr.join("").trim()).toBe("");

    // A restore never replaces a database that has data unless told to; told to, the backup's rows replace it.
    const again = await runScript("restore.ts", [path.join(backupDir, folder)], restoreEnv);
    expect(again.code).toBe(1);
    expect(again.err).toContain("--force");
    const forced = await runScript("restore.ts", [path.join(backupDir, folder), "--force"], restoreEnv);
    expect(forced.code, forced.err).toBe(0);
    expect(read(restored, (copy) => entryOf(copy, "late"))).toBeUndefined();

    // A damaged backup is refused before anything is written.
    const damaged = path.join(work, "damaged");
    fs.cpSync(path.join(backupDir, folder), damaged, { recursive: true });
    const file = path.join(damaged, "files", "media", "lecture.bin");
    const bytes = fs.readFileSync(file);
    bytes[1000] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const elsewhere = path.join(work, "elsewhere");
    const untouched = await restoreTarget(elsewhere);
    const refused = await runScript("restore.ts", [damaged], { DATABASE_URL: untouched.url, DATA_DIR: elsewhere });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("校验和不符");
    expect(await untouched.written()).toBe(false);
  }, 240_000);
});
