import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withStartupLock } from "../../scripts/lib/startup-lock";
import { ROOT } from "../support/paths";
import { freshPostgresDatabase, type TestDatabase } from "../support/postgres";

// The start-up lock on PostgreSQL (decision 076): `pg_advisory_lock` on a session of the caller's own,
// on the test cluster. One holder at a time per name and database; a holder whose process dies loses
// the lock with its session, so the next start goes in without waiting for a timeout.

let db: TestDatabase;
const sessions: pg.Client[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await freshPostgresDatabase();
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await Promise.all(sessions.map((s) => s.end().catch(() => {})));
  await db?.drop();
});

async function session(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  sessions.push(c);
  return c;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the start-up lock on PostgreSQL", () => {
  it("makes a start wait while another process holds it, and lets it in when that process is killed", async () => {
    const holder = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "tests", "support", "lock-holder.ts")], {
      cwd: ROOT,
      env: { ...process.env, LOCK_NAME: "start-up", LOCK_URL: db.url },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(holder);
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.on("data", (b: Buffer) => b.toString().includes("HELD") && resolve());
      holder.once("exit", (code) => reject(new Error(`the lock holder exited with ${code}`)));
    });
    const order: string[] = [];
    const waiting = withStartupLock("start-up", { postgres: await session() }, async () => void order.push("in"));
    await pause(1_000);
    expect(order).toEqual([]);
    // Another name is another lock: it does not wait for this one.
    await withStartupLock("another", { postgres: await session() }, async () => void order.push("another"));
    expect(order).toEqual(["another"]);
    holder.kill("SIGKILL");
    await waiting;
    expect(order).toEqual(["another", "in"]);
  }, 60_000);

  it("lets one session in at a time, and gives the lock up when the work throws", async () => {
    const [a, b] = [await session(), await session()];
    const order: string[] = [];
    const work = (i: number, s: pg.Client) =>
      withStartupLock("start-up", { postgres: s }, async () => {
        order.push(`in ${i}`);
        await pause(300);
        order.push(`out ${i}`);
      });
    await Promise.all([work(1, a), pause(50).then(() => work(2, b))]);
    expect(order).toEqual(["in 1", "out 1", "in 2", "out 2"]);

    await expect(withStartupLock("start-up", { postgres: a }, () => Promise.reject(new Error("the seed failed")))).rejects.toThrow("the seed failed");
    // Held by nobody now: another session takes it at once.
    const { rows } = await b.query<{ got: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended('wsdx:start-up', 0)) AS "got"`);
    expect(rows[0].got).toBe(true);
  }, 30_000);
});
