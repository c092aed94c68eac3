import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type Factory, openFactory } from "../factories";
import { ROOT, TEMPLATE_DB, TMP } from "./paths";

// The real server in a child process, on a free port, against its own copy of the template
// database. Tests talk to it over HTTP and build their data with the factories on the same file.

export type TestServer = {
  url: string;
  dbFile: string;
  factory: Factory;
  /** Lines the server printed to stderr (a test may assert none were unexpected). */
  stderr: string[];
  stop(): Promise<void>;
};

export async function startTestServer(opts: { env?: Record<string, string>; allowStderr?: boolean } = {}): Promise<TestServer> {
  if (!fs.existsSync(TEMPLATE_DB)) throw new Error("template database missing: the integration global setup creates it");
  const dbFile = path.join(TMP, `test-${crypto.randomUUID()}.db`);
  fs.copyFileSync(TEMPLATE_DB, dbFile);
  const factory = openFactory(dbFile);
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "tests", "support", "run-server.ts")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${dbFile}`, PORT: "0", HOST: "127.0.0.1", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr!.on("data", (b: Buffer) => stderr.push(b.toString()));
  const url = await waitForListening(child, stderr);
  return {
    url,
    dbFile,
    factory,
    stderr,
    async stop() {
      factory.close();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(dbFile + suffix, { force: true });
      // Like console.error in a test: a server that logged an error the test did not expect fails it.
      const logged = stderr.join("").trim();
      if (logged && !opts.allowStderr) throw new Error(`the server wrote to stderr:\n${logged}`);
    },
  };
}

function waitForListening(child: ChildProcess, stderr: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${out}\n${stderr.join("")}`)), 30_000);
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) {
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
