import { type BenchContext, type Row } from "../lib/report";
import { runContest } from "./contest";

// The contest's load (contest.ts) with the server killed by SIGKILL once 40 % of the answers are
// acknowledged, and started again on the same database file. Phones whose request got no answer send
// it again once the server is back. Afterwards every answer that was acknowledged, before the kill or
// after, must be stored, exactly once.

export const name = "contest-crash";

export function run(ctx: BenchContext): Promise<Row[]> {
  return runContest(ctx, { scenario: name, prefix: "ctk", crash: true });
}
