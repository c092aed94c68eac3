import { type SpawnedServer, spawnServer } from "../../tests/support/spawn-server";

// The benchmark's server: the same built server and entry the integration tests use, on 127.0.0.1.
export type BenchServer = SpawnedServer;

export function startBenchServer(dbFile: string): Promise<BenchServer> {
  return spawnServer({ dbFile });
}
