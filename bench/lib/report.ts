import { type SqlDb } from "../../app/.server/sql";
import { type Stats } from "./stats";

// What a scenario hands back (one row per measured series) and the table they are printed in.
// A row with a reference shows its p50 and p99 as multiples of the reference's.

export type Row = {
  scenario: string;
  measure: string;
  stats: Stats;
  ref?: Stats;
  note?: string;
  /** The 1-minute load average when the row's scenario ended (the runner fills it in). */
  load?: string;
};

/** Where a scenario runs (decision 084): one server on a SQLite file, or three nodes on PostgreSQL behind HAProxy. */
export type Engine = "sqlite" | "cluster";

export type BenchContext = {
  url: string;
  dbFile: string;
  /** The server's process id (for its memory, read from /proc). */
  serverPid: number;
  /** Kills the server with SIGKILL and starts it again on the same database; resolves to its new URL. */
  killAndRestart(): Promise<string>;
  engine: Engine;
  /** The target's database for a scenario's checks (portable SQL through app/.server/sql.ts). */
  sqlDb: SqlDb;
  /**
   * A crash mid-run: on "sqlite" the server is SIGKILLed and started again (killAndRestart); on
   * "cluster" one of the three nodes is SIGKILLed and stays down. Resolves to the URL to use.
   */
  crash(): Promise<string>;
};

export type Scenario = {
  name: string;
  run(ctx: BenchContext): Promise<Row[]>;
  /**
   * Scenarios that also run on the cluster split their setup (written into the SQLite file before the
   * server reads it, then moved into PostgreSQL for the cluster) from what they measure.
   */
  prepare?(dbFile: string): unknown;
  measure?(ctx: BenchContext, prepared: unknown): Promise<Row[]>;
};

// CJK characters take two columns in a terminal.
const width = (s: string) => [...s].reduce((w, ch) => w + (ch.codePointAt(0)! >= 0x2e80 ? 2 : 1), 0);
const pad = (s: string, w: number, left: boolean) => (left ? s + " ".repeat(w - width(s)) : " ".repeat(w - width(s)) + s);
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "-");
const times = (v: number, ref: number) => (Number.isFinite(v / ref) ? `${(v / ref).toFixed(1)}×` : "-");

export function formatTable(rows: Row[]): string {
  const header = ["scenario", "measure", "n", "errors", "p50 ms", "p99 ms", "max ms", "req/s", "p50 vs ref", "p99 vs ref", "load"];
  const body = rows.map(({ scenario, measure, stats: s, ref, load }) => [
    scenario,
    measure,
    String(s.n),
    String(s.errors),
    ms(s.p50),
    ms(s.p99),
    ms(s.max),
    Number.isFinite(s.perSec) ? s.perSec.toFixed(0) : "-",
    ref ? times(s.p50, ref.p50) : "",
    ref ? times(s.p99, ref.p99) : "",
    load ?? "",
  ]);
  const widths = header.map((h, c) => Math.max(width(h), ...body.map((r) => width(r[c]))));
  const line = (cells: string[]) => cells.map((v, c) => pad(v, widths[c], c < 2)).join("  ");
  const out = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
  for (const r of rows) if (r.note) out.push(`  ${r.scenario} / ${r.measure}: ${r.note}`);
  return out.join("\n");
}
