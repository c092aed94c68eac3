import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BACKSTOP_PAGES, type WalCheckpoints, startWalCheckpoints } from "~/.server/wal-checkpoints";

// WAL checkpoints off the event loop (decision 092), on a real database file and the real thread: a
// serving connection set as the server sets it (wal_autocheckpoint at the backstop) no longer
// checkpoints inside its own commits, and the thread copies what was committed into the database file,
// so the WAL is written from its start again instead of growing.

const PAGE = 4096;
/** Pages a commit of `rows` rows of one page each writes, about (the table's leaves and its interior pages). */
const ROWS_PER_COMMIT = 100;
const COMMITS = 15;

let dir = "";
let file = "";
let writer: Database.Database;
let checkpoints: WalCheckpoints | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "wal-checkpoints-"));
  file = path.join(dir, "app.db");
  writer = new Database(file);
  writer.pragma("journal_mode = WAL");
  writer.pragma("synchronous = NORMAL");
  writer.exec(`CREATE TABLE "Filler" ("id" INTEGER PRIMARY KEY, "body" BLOB NOT NULL)`);
  writer.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
});

afterEach(async () => {
  await checkpoints?.stop();
  checkpoints = null;
  writer.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const insert = () => writer.prepare(`INSERT INTO "Filler" ("body") VALUES (?)`);
function commitPages() {
  const stmt = insert();
  writer.transaction(() => {
    for (let i = 0; i < ROWS_PER_COMMIT; i++) stmt.run(Buffer.alloc(PAGE - 200, i));
  })();
}
const walPages = () => fs.statSync(`${file}-wal`).size / PAGE;

async function until(what: string, check: () => boolean, timeoutMs = 10_000) {
  const limit = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > limit) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("WAL checkpoints off the event loop", () => {
  it("a connection at the backstop leaves the WAL to grow past SQLite's 1,000 pages when nothing checkpoints", () => {
    for (let c = 0; c < COMMITS; c++) commitPages();
    expect(walPages()).toBeGreaterThan(COMMITS * ROWS_PER_COMMIT);
  });

  it("the thread copies every commit into the database file and the WAL is written from its start again", async () => {
    checkpoints = await startWalCheckpoints(file, 20);
    for (let c = 0; c < COMMITS; c++) {
      commitPages();
      const seen = checkpoints.runs;
      // The next checkpoint after this commit: all of the WAL's frames are in the database file.
      await until("a checkpoint", () => checkpoints!.runs > seen + 1);
      const last = checkpoints.last;
      expect(last && "log" in last && last.log > 0 && last.checkpointed === last.log).toBe(true);
    }
    // Each commit after a complete checkpoint starts the WAL over: it never held much more than one commit.
    expect(walPages()).toBeLessThan(3 * ROWS_PER_COMMIT);
    // The rows are in the database file itself (the WAL aside).
    expect(fs.statSync(file).size / PAGE).toBeGreaterThan(COMMITS * ROWS_PER_COMMIT);
    expect(writer.prepare(`SELECT COUNT(*) AS n FROM "Filler"`).get()).toEqual({ n: COMMITS * ROWS_PER_COMMIT });
  });

  it("stop() checkpoints once more and ends the thread; the writer goes on alone", async () => {
    checkpoints = await startWalCheckpoints(file, 60_000);
    commitPages();
    expect(checkpoints.runs).toBe(0);
    await checkpoints.stop();
    const last = checkpoints.last;
    expect(checkpoints.runs).toBe(1);
    expect(last && "log" in last && last.checkpointed === last.log && last.log > 0).toBe(true);
    checkpoints = null;
    commitPages();
    expect(writer.prepare(`SELECT COUNT(*) AS n FROM "Filler"`).get()).toEqual({ n: 2 * ROWS_PER_COMMIT });
  });
});
