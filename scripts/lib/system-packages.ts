import { spawnSync } from "node:child_process";
import fs from "node:fs";

// Debian packages a script needs (Chromium, PostgreSQL, HAProxy …): when one is missing it is installed
// with apt-get if this is root, otherwise the script stops and says, in Chinese and English, which
// command to run. `npm test` and `npm run start:cluster` use it; `.ci/run` does the same in bash.

export type SystemPackage = { pkg: string; present: () => boolean };

/** Whether a command is on PATH. */
export const onPath = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

/** The binary of Debian's haproxy package, or null. */
export function haproxyBinary(): string | null {
  return ["/usr/sbin/haproxy", "/usr/bin/haproxy"].find((p) => fs.existsSync(p)) ?? null;
}

/** Installs the missing `packages` with apt-get when root, or exits with the command to run. `rerun` is what to run afterwards. */
export function ensureSystemPackages(packages: SystemPackage[], rerun: string, extra: { zh?: string; en?: string } = {}): void {
  const missing = packages.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  const list = missing.join(" ");
  const isRoot = process.getuid?.() === 0;
  const apt = ["/usr/bin/apt-get", "/bin/apt-get"].find((p) => fs.existsSync(p));
  if (isRoot && apt) {
    console.info(`未找到 ${list}，正在用 apt-get 安装 (missing: running \`apt-get update && apt-get install -y ${list}\`)…`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...missing]]) {
      console.info(`$ apt-get ${args.join(" ")}`);
      const r = spawnSync(apt, args, { stdio: "inherit", env });
      if (r.status !== 0) {
        console.error(`apt-get ${args.join(" ")} 失败 (failed) with ${r.status ?? r.signal}`);
        process.exit(1);
      }
    }
    const still = packages.filter((p) => !p.present()).map((p) => p.pkg);
    if (still.length === 0) return;
    console.error(`安装后仍未找到 ${still.join(" ")} (still missing after apt-get install)`);
    process.exit(1);
  }
  console.error(
    [
      `需要 Debian 的 ${list}${extra.zh ?? ""}，但本机没有安装。请以 root 身份运行：`,
      `  sudo apt-get update && sudo apt-get install -y ${list}`,
      `然后重新运行 ${rerun}。`,
      "",
      `This needs Debian's ${list}${extra.en ?? ""}, which is not installed. Install as root:`,
      `  sudo apt-get update && sudo apt-get install -y ${list}`,
      `then run \`${rerun}\` again.`,
    ].join("\n"),
  );
  process.exit(1);
}

/**
 * `cmd args` run so that it is sent SIGTERM when the process that started it dies, however it dies
 * (util-linux's `setpriv --pdeathsig`, part of every Debian): a balancer or node started by a script or
 * a test is not left behind when that script or test process is killed.
 */
export function stoppedWithParent(cmd: string, args: string[]): [string, string[]] {
  const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => fs.existsSync(p));
  return setpriv ? [setpriv, ["--pdeathsig", "SIGTERM", "--", cmd, ...args]] : [cmd, args];
}
