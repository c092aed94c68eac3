import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT } from "./paths";

export type ScriptResult = { code: number | null; out: string; err: string };

/**
 * Runs one of the project's scripts (`scripts/<script>`) as an operator runs it, in a child process with
 * this process's environment and `env` on top; its exit code and what it printed.
 */
export function runScript(script: string, args: string[], env: Record<string, string>): Promise<ScriptResult> {
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
