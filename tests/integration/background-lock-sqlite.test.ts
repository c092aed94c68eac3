import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stopChildren } from "../support/npm-start";
import { ROOT, TMP } from "../support/paths";

// The background lock on SQLite (decision 082): several `npm start`s on one database file run a
// sweeper tick one at a time. The lock is a write transaction on a file beside the database, as the
// start-up lock's (decision 076), so a process killed while it holds it leaves no lock behind.

const folder = path.join(TMP, `background-lock-${process.pid}-${Date.now()}`);
const databaseFile = path.join(folder, "app.db");
const children: ChildProcess[] = [];

afterAll(async () => {
  await stopChildren(children);
  fs.rmSync(folder, { recursive: true, force: true });
});

describe("the background lock on a SQLite file", () => {
  it("runs on one of two processes' locks trying at once, the other skips at once; a killed holder's lock passes on", async () => {
    fs.mkdirSync(folder, { recursive: true });
    process.env.DATABASE_URL = `file:${databaseFile}`;
    process.env.DATA_DIR = folder;
    const { sqliteBackgroundLock } = await import("~/.server/background-lock");
    // Two instances: two connections to the lock file, as two processes have.
    const [a, b] = [sqliteBackgroundLock(databaseFile), sqliteBackgroundLock(databaseFile)];
    let release!: () => void;
    const first = a.runAlone("sweeper", () => new Promise<string>((r) => (release = () => r("a"))));
    const t0 = Date.now();
    expect(await b.runAlone("sweeper", async () => "b")).toEqual({ ran: false });
    expect(Date.now() - t0).toBeLessThan(1_000);
    // The same process does not run a second tick beside its own either.
    expect(await a.runAlone("sweeper", async () => "a again")).toEqual({ ran: false });
    expect(await b.runAlone("reminders", async () => "other")).toEqual({ ran: true, value: "other" });
    release();
    expect(await first).toEqual({ ran: true, value: "a" });
    expect(await b.runAlone("sweeper", async () => "b")).toEqual({ ran: true, value: "b" });

    // A process holding it, killed: the start-up lock's holder on the same file (`<db>-background-sweeper.lock`).
    const holder = spawn(process.execPath, ["--expose-gc", "--import", "tsx", path.join(ROOT, "tests", "support", "lock-holder.ts")], {
      cwd: ROOT,
      env: { ...process.env, LOCK_NAME: "background-sweeper", LOCK_FILE: databaseFile },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(holder);
    await new Promise<void>((resolve) => holder.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("HELD") && resolve()));
    expect(await a.runAlone("sweeper", async () => "a")).toEqual({ ran: false });
    holder.kill("SIGKILL");
    let after: { ran: boolean } = { ran: false };
    for (const t1 = Date.now(); !after.ran && Date.now() - t1 < 10_000; await new Promise((r) => setTimeout(r, 50)))
      after = await a.runAlone("sweeper", async () => "a");
    expect(after).toEqual({ ran: true, value: "a" });
  }, 60_000);
});
