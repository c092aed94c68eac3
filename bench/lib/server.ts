import fs from "node:fs";
import { type SpawnedServer, spawnServer } from "../../tests/support/spawn-server";

// The benchmark's server: the same built server and entry the integration tests use, on 127.0.0.1.
export type BenchServer = SpawnedServer;

// BENCH_PROFILE=<dir> writes a V8 CPU profile of the server there when it stops (open it in Chrome's
// DevTools, Performance panel). BENCH_APP_ROOT=<checkout> runs that checkout's built server instead (a
// "before" of the same scenario on the same database; its schema must be this one's). BENCH_NODE_ARGS
// gives node options to the server's processes (space-separated: `--trace-gc`, `--max-semi-space-size=64`),
// and BENCH_SERVER_LOG=<file> appends what they print there (where `--trace-gc` writes), else it is dropped.
export async function startBenchServer(dbFile: string): Promise<BenchServer> {
  const profileDir = process.env.BENCH_PROFILE;
  const logFd = process.env.BENCH_SERVER_LOG ? fs.openSync(process.env.BENCH_SERVER_LOG, "a") : undefined;
  // Two minutes to start: on the shared machine at load 20 and more the server has taken over 30 s.
  const server = await spawnServer({
    dbFile,
    appRoot: process.env.BENCH_APP_ROOT || undefined,
    startTimeoutMs: 120_000,
    nodeArgs: [...(process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean), ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])],
    logFd,
  });
  // Closed once the server's output has all been read ("close" comes after its last "data"). After a
  // failed start it stays open: the killed server's last output may still arrive, and the bench ends.
  if (logFd !== undefined) server.child.once("close", () => fs.closeSync(logFd));
  return server;
}
