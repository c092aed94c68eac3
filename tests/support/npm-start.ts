import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { ROOT } from "./paths";

// `npm start` as a person runs it, for the tests of start-up (one machine or several nodes): the real
// script in a child process of its own, on the environment given.

/** Every child a test file started, stopped by `stopChildren` (SIGTERM, then SIGKILL after 10 s). */
export function stopChildren(children: readonly ChildProcess[]): Promise<void> {
  return Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
          c.once("exit", () => (clearTimeout(timer), resolve()));
          c.kill("SIGTERM");
        }),
    ),
  ).then(() => undefined);
}

/** `npm start` in demo mode with `env` (DATABASE_URL, DATA_DIR …); resolves with what it printed once it serves. */
export function npmStart(env: Record<string, string>, children: ChildProcess[]): Promise<{ out: string; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "start.ts")], {
    cwd: ROOT,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST"))),
      // As a person types `npm start` (vitest's "test" would be kept into the server).
      NODE_ENV: "development",
      TSX_TSCONFIG_PATH: path.join(ROOT, "tsconfig.json"),
      APP_MODE: "demo",
      HOST: "127.0.0.1",
      PORT: "0",
      WEB_CONCURRENCY: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /is running at (\S+)/.exec(out);
      if (m) resolve({ out, url: m[1] });
    });
    child.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${out}\n${err}`)));
  });
}
