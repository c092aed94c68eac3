import { type BenchContext, type Row } from "../lib/report";
import { type PreparedContest, prepareContest, runContest } from "./contest";

// The contest's load (contest.ts) with the server killed by SIGKILL once 40 % of the answers are
// acknowledged, and started again on the same database file; on the cluster (decision 084) one node
// of three is killed and stays down, and the balancer sends the rest to the other two. Phones whose request got no answer send
// it again once the server is back. Afterwards every answer that was acknowledged, before the kill or
// after, must be stored, exactly once.

export const name = "contest-crash";

export function prepare(dbFile: string): PreparedContest {
  return prepareContest(dbFile, "ctk");
}

export function measure(ctx: BenchContext, prepared: unknown): Promise<Row[]> {
  return runContest(ctx, prepared as PreparedContest, { scenario: name, crash: true });
}

export function run(ctx: BenchContext): Promise<Row[]> {
  return measure(ctx, prepare(ctx.dbFile));
}
