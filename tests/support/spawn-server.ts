import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "./paths";

// The built server in a child process on 127.0.0.1 and a free port, for integration tests, the
// end-to-end run and the benchmarks alike. It stops by itself if its parent goes away (stdin closes).

/** The DATABASE_URL of a test server's database: its PostgreSQL URL as it is, or `file:` and the SQLite file. */
export function databaseUrlOf(dbFile: string): string {
  return /^postgres(ql)?:\/\//.test(dbFile) ? dbFile : `file:${dbFile}`;
}

/**
 * The time a test that starts (or restarts) a server inside it, not in a hook, is given: as long as
 * spawnServer() lets a start take on a loaded machine (90 s), and its own requests after. A test's 30 s
 * default is less than a start took at load 20 on 2 cores.
 */
export const SERVER_START_TEST_MS = 120_000;

export type SpawnedServer = { url: string; stderr: string[]; child: ChildProcess; stop(): Promise<void> };

export async function spawnServer(opts: {
  /** A SQLite file, or a PostgreSQL database's URL (a test server's `dbFile` on PostgreSQL, decision 080). */
  dbFile: string;
  /** Where `build/` is read from; the project root unless the caller snapshots the build. */
  cwd?: string;
  env?: Record<string, string>;
  /** A file descriptor that receives everything the server prints. */
  logFd?: number;
  /** Options for node itself (a CPU profile of a benchmark's server). */
  nodeArgs?: string[];
  /** Another checkout of the project whose server runs (a benchmark's "before"); this one by default. */
  appRoot?: string;
  /** How long it may take to listen (90 s, 180 s for several processes, unless given). */
  startTimeoutMs?: number;
}): Promise<SpawnedServer> {
  const appRoot = opts.appRoot ?? ROOT;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), "--import", "tsx", path.join(appRoot, "tests", "support", "run-server.ts")], {
    cwd: opts.cwd ?? appRoot,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: path.join(appRoot, "tsconfig.json"),
      DATABASE_URL: databaseUrlOf(opts.dbFile),
      PORT: "0",
      HOST: "127.0.0.1",
      ...opts.env,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr!.on("data", (b: Buffer) => {
    stderr.push(b.toString());
    if (opts.logFd !== undefined) fs.writeSync(opts.logFd, b);
  });
  // Generous: on the shared machine (load 20 on 2 cores) one process took over 30 s to start, and
  // several processes (WEB_CONCURRENCY) each load the build.
  const processes = Number(opts.env?.WEB_CONCURRENCY ?? process.env.WEB_CONCURRENCY ?? 1);
  const url = await waitForListening(child, stderr, opts.logFd, opts.startTimeoutMs ?? (processes > 1 ? 180_000 : 90_000));
  return {
    url,
    stderr,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

function waitForListening(child: ChildProcess, stderr: string[], logFd: number | undefined, limitMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start in ${limitMs / 1000} s:\n${out}\n${stderr.join("")}`));
    }, limitMs);
    // Keep reading stdout after the line is seen, so a chatty server never blocks on a full pipe; only
    // what came before it is kept (for the error above), not all a long run prints.
    let listening = false;
    child.stdout!.on("data", (b: Buffer) => {
      if (logFd !== undefined) fs.writeSync(logFd, b);
      if (listening) return;
      out += b.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) {
        listening = true;
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}\n${stderr.join("")}`));
    });
  });
}
