import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { stopChildren } from "../../scripts/lib/stop-children";
import { ROOT } from "./paths";

// `npm start` as a person runs it, for the tests of start-up (one machine or several nodes): the real
// script in a child process of its own, on the environment given.

/** Every child a test file started is stopped with `stopChildren` (SIGTERM, then SIGKILL after 10 s). */
export { stopChildren };

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
