import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { OPTION_LETTERS } from "~/lib/quiz-grading";
import { openContestFactory } from "../contest-factories";
import { openQuizFactory } from "../quiz-factories";
import { Client } from "../support/client";
import { ROOT, TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";
import { spawnServer } from "../support/spawn-server";

// The restore drill (decision 075): a real server under load (contest answers through the answer
// endpoint, hand-ins that write 学时 ledger entries), `npm run backup` taken while the load runs,
// `npm run restore` into an empty folder, a second real server on the restored copy.
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
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Runs one of the project's scripts as an operator would; its exit code and what it printed. */
function runScript(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", script), ...args], {
      cwd: ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: path.join(ROOT, "tsconfig.json"), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

type Item = { position: number; type: string; optionOrder: string | null; answer: string; options: string | null };

/** The right answer as the phone sends it (letters in the order shown, "true"/"false", the text). */
function right(item: Item): string[] {
  const key = JSON.parse(item.answer) as unknown;
  if (item.type === "judge") return [String(key)];
  if (item.type === "fill") return [(key as string[])[0]];
  const order = item.optionOrder ? (JSON.parse(item.optionOrder) as string[]) : Object.keys(JSON.parse(item.options!) as object).sort();
  return ([] as string[]).concat(key as string | string[]).map((bank) => OPTION_LETTERS[order.indexOf(bank)]);
}

type Ack = { at: number };
type AnswerAck = Ack & { entryId: number; position: number };
type HandInAck = Ack & { personId: number; entryId: number };

describe("restore drill", () => {
  it("a backup taken under load holds every answer and 学时 entry acknowledged before it began, and restores into a working server", async () => {
    const db = server.factory.db;
    const answerAcks: AnswerAck[] = [];
    const handInAcks: HandInAck[] = [];
    let stop = false;
    let next = 0;

    // One participant: sign in, enter, answer 1–4 questions (each acknowledged once committed), hand in.
    const participate = async (i: number) => {
      const c = new Client(server.url);
      expect((await c.login(`drill${i}`, PASSWORD)).status).toBe(302);
      const start = await c.post(`/contests/${ids.contest}`, { intent: "start" });
      expect(start.status, start.text).toBe(302);
      const { entryId, personId } = db
        .prepare("SELECT e.id AS entryId, e.personId FROM ContestEntry e JOIN Person p ON p.id = e.personId WHERE e.contestId = ? AND p.number = ?")
        .get(ids.contest, `drill${i}`) as { entryId: number; personId: number };
      const items = db
        .prepare(
          "SELECT i.position, q.type, i.optionOrder, q.answer, q.options FROM ContestItem i JOIN Question q ON q.id = i.questionId WHERE i.entryId = ? ORDER BY i.position",
        )
        .all(entryId) as Item[];
      for (const item of items.slice(0, 1 + (i % 4))) {
        if (stop) return;
        const body = new URLSearchParams({ entryId: String(entryId), position: String(item.position) });
        for (const v of right(item)) body.append("answer", v);
        const res = await c.request("/api/contests/answer", { method: "POST", body });
        expect(res.status, res.text).toBe(200);
        answerAcks.push({ at: Date.now(), entryId, position: item.position });
      }
      if (stop) return;
      const handIn = await c.post(`/contests/${ids.contest}`, { intent: "submit", entryId: String(entryId) });
      expect(handIn.status, handIn.text).toBe(302);
      handInAcks.push({ at: Date.now(), personId, entryId });
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
    const backupBegan = Date.now();
    const backup = await runScript("backup.ts", [], {
      DATABASE_URL: `file:${server.dbFile}`,
      DATA_DIR: path.join(work, "data"),
      BACKUP_DIR: backupDir,
    });
    const backupEnded = Date.now();
    stop = true;
    await load;
    expect(backup.code, backup.err).toBe(0);
    expect(backup.out).toContain("备份完成");

    const mustAnswers = answerAcks.filter((a) => a.at < backupBegan);
    const mustHandIns = handInAcks.filter((a) => a.at < backupBegan);
    expect(mustAnswers.length).toBeGreaterThanOrEqual(12);
    expect(mustHandIns.length).toBeGreaterThanOrEqual(3);
    // The load really ran while the backup did: acknowledgements arrived between its start and end.
    expect([...answerAcks, ...handInAcks].some((a) => a.at > backupBegan && a.at < backupEnded)).toBe(true);

    const [folder] = fs.readdirSync(backupDir).filter((n) => n.startsWith("backup-"));
    const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, folder, "manifest.json"), "utf8")) as {
      migrations: string[];
      files: { path: string }[];
    };
    expect(manifest.migrations.length).toBeGreaterThan(0);
    expect(manifest.files.map((f) => f.path).sort()).toEqual(["files/keys/certificate.key", "files/media/lecture.bin"]);

    // Restored into an empty folder, as on a new machine.
    const restoredData = path.join(work, "restored");
    const restoredDb = path.join(restoredData, "app.db");
    const restoreEnv = { DATABASE_URL: `file:${restoredDb}`, DATA_DIR: restoredData };
    const restore = await runScript("restore.ts", [path.join(backupDir, folder)], restoreEnv);
    expect(restore.code, restore.err).toBe(0);

    const copy = new Database(restoredDb, { readonly: true });
    try {
      const answer = copy.prepare("SELECT 1 FROM ContestAnswer WHERE entryId = ? AND position = ?");
      const missingAnswers = mustAnswers.filter((a) => answer.get(a.entryId, a.position) === undefined);
      expect(missingAnswers).toEqual([]);
      const ledger = copy.prepare("SELECT amount FROM HoursEntry WHERE personId = ? AND sourceKind = 'contest' AND sourceId = ?");
      const entry = copy.prepare("SELECT state FROM ContestEntry WHERE id = ?");
      for (const h of mustHandIns) {
        expect(ledger.all(h.personId, String(ids.contest))).toEqual([{ amount: 50 }]);
        expect(entry.get(h.entryId)).toEqual({ state: "submitted" });
      }
    } finally {
      copy.close();
    }
    for (const rel of ["keys/certificate.key", "media/lecture.bin"]) {
      expect(fs.readFileSync(path.join(restoredData, rel)).equals(fs.readFileSync(path.join(work, "data", rel))), rel).toBe(true);
    }

    // A second server on the restored copy serves its pages to the people in it.
    const second = await spawnServer({ dbFile: restoredDb, env: { DATA_DIR: restoredData } });
    try {
      expect((await new Client(second.url).get("/healthz")).status).toBe(200);
      // No METRICS_TOKEN: /metrics does not exist.
      expect((await new Client(second.url).get("/metrics")).status).toBe(404);
      const c = new Client(second.url);
      expect((await c.login("drill0", PASSWORD)).status).toBe(302);
      const page = await c.get(`/contests/${ids.contest}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain("党史知识竞赛");
    } finally {
      await second.stop();
    }
    expect(second.stderr.join("").trim()).toBe("");

    // A restore never replaces a database that has data unless told to.
    const again = await runScript("restore.ts", [path.join(backupDir, folder)], restoreEnv);
    expect(again.code).toBe(1);
    expect(again.err).toContain("--force");
    const forced = await runScript("restore.ts", [path.join(backupDir, folder), "--force"], restoreEnv);
    expect(forced.code, forced.err).toBe(0);

    // A damaged backup is refused before anything is written.
    const damaged = path.join(work, "damaged");
    fs.cpSync(path.join(backupDir, folder), damaged, { recursive: true });
    const file = path.join(damaged, "files", "media", "lecture.bin");
    const bytes = fs.readFileSync(file);
    bytes[1000] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const elsewhere = path.join(work, "elsewhere");
    const refused = await runScript("restore.ts", [damaged], { DATABASE_URL: `file:${path.join(elsewhere, "app.db")}`, DATA_DIR: elsewhere });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("校验和不符");
    expect(fs.existsSync(path.join(elsewhere, "app.db"))).toBe(false);
  }, 240_000);
});
