import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { withStartupLock } from "../../scripts/lib/startup-lock";
import { npmStart, stopChildren } from "../support/npm-start";
import { ROOT, TMP } from "../support/paths";

// Start-up work done once (decision 076): three `npm start`s at once on one fresh data folder migrate,
// seed the demo university and sync the banks and courses once between them, and all three serve.
// Without the lock each saw an empty database and migrated and seeded it (or failed half-way).

const folder = path.join(TMP, `startup-${crypto.randomUUID()}`);
const children: ChildProcess[] = [];

afterAll(async () => {
  await stopChildren(children);
  fs.rmSync(folder, { recursive: true, force: true });
});

/** `npm start` in demo mode on the shared folder. */
const start = () => npmStart({ DATABASE_URL: `file:${path.join(folder, "app.db")}`, DATA_DIR: folder }, children);

const count = (outs: string[], pattern: RegExp) => outs.filter((o) => pattern.test(o)).length;
const numbers = (outs: string[], pattern: RegExp) => outs.map((o) => Number(pattern.exec(o)?.[1] ?? NaN));

describe("three starts at once on one fresh data folder", () => {
  it("migrate, seed and sync once, and all three serve", async () => {
    fs.mkdirSync(folder, { recursive: true });
    const started = await Promise.all([start(), start(), start()]);
    const outs = started.map((s) => s.out);
    expect(count(outs, /数据库已迁移/)).toBe(1);
    expect(count(outs, /已写入演示大学/)).toBe(1);
    expect(count(outs, /已写入一年演示记录/)).toBe(1);
    // Banks and courses: one start brought the files in, the other two found them unchanged.
    for (const updated of [
      numbers(outs, /题库文件 \(content\/banks\): \d+ 个，(\d+) 个已更新/),
      numbers(outs, /课程文件 \(content\/courses\): \d+ 门，(\d+) 门已更新/),
    ]) {
      const sorted = updated.sort((a, b) => a - b);
      expect(sorted.slice(0, 2)).toEqual([0, 0]);
      expect(sorted[2]).toBeGreaterThan(0);
    }
    // The database holds one seed: as many units as the one seeding start printed.
    const units = Number(/(\d+) 个党组织/.exec(outs.find((o) => /已写入演示大学/.test(o))!)![1]);
    const db = new Database(path.join(folder, "app.db"), { readonly: true });
    try {
      expect((db.prepare(`SELECT COUNT(*) AS "n" FROM "OrgUnit"`).get() as { n: number }).n).toBe(units);
    } finally {
      db.close();
    }
    for (const { url } of started) expect((await fetch(`${url}/healthz`)).status).toBe(200);
  }, 300_000);
});

describe("the start-up lock", () => {
  it("lets one holder in at a time, and the next in when a holder's process dies", async () => {
    fs.mkdirSync(folder, { recursive: true });
    const sqliteFile = path.join(folder, "lock-test.db");
    // A process that takes the lock and is killed while holding it.
    const holder = spawn(process.execPath, ["--expose-gc", "--import", "tsx", path.join(ROOT, "tests", "support", "lock-holder.ts")], {
      cwd: ROOT,
      env: { ...process.env, LOCK_NAME: "t", LOCK_FILE: sqliteFile },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(holder);
    await new Promise<void>((resolve) => holder.stdout!.on("data", (b: Buffer) => b.toString().includes("HELD") && resolve()));
    const order: string[] = [];
    const waiting = withStartupLock("t", { sqliteFile }, async () => void order.push("second"));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(order).toEqual([]);
    holder.kill("SIGKILL");
    await waiting;
    expect(order).toEqual(["second"]);
    // Two in this process: the second waits for the first to finish.
    const both = [1, 2].map((i) =>
      withStartupLock("t", { sqliteFile }, async () => {
        order.push(`in ${i}`);
        await new Promise((r) => setTimeout(r, 300));
        order.push(`out ${i}`);
      }),
    );
    await Promise.all(both);
    expect(order.slice(1)).toEqual(["in 1", "out 1", "in 2", "out 2"]);
  }, 60_000);
});
