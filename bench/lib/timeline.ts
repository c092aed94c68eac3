import { machineBusyMs } from "./morning";
import { treeCpuMs } from "./contest-pages";

/**
 * A crowd phase window by window: how many people arrived, got through the door and had an answer
 * acknowledged in each, how many were still waiting at the door at its end, and how busy the machine
 * and how much of that the server's processes (`serverPid` and its workers, every thread) and the bench
 * client had. No server column on three nodes, where PostgreSQL and HAProxy work for the server too. A
 * morning's figures say whether the door kept up; this says when a queue formed and what the machine was
 * doing then, and for whom. Windows are counted from `started`; the CPU is read at the end of
 * each window by a timer of the client's own, so a busy client reads it late.
 */
export class Timeline {
  private readonly counts = new Map<string, number[]>();
  private readonly cpu: { machineMs: number; clientMs: number; serverMs?: number }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly started: number,
    serverPid?: number,
    readonly everyMs = 5000,
  ) {
    let machine = machineBusyMs();
    let client = clientCpuMs();
    const serverCpuMs = () => (serverPid === undefined ? 0 : treeCpuMs(serverPid));
    let server = serverCpuMs();
    this.timer = setInterval(() => {
      const [m, c, sv] = [machineBusyMs(), clientCpuMs(), serverCpuMs()];
      this.cpu.push({ machineMs: m - machine, clientMs: c - client, serverMs: serverPid === undefined ? undefined : sv - server });
      [machine, client, server] = [m, c, sv];
    }, everyMs);
    this.timer.unref();
  }

  /** One event of a kind (arrived, through, failed, answered) at `at`, now by default. */
  count(kind: string, at = performance.now()) {
    const i = Math.max(0, Math.floor((at - this.started) / this.everyMs));
    let row = this.counts.get(kind);
    if (!row) this.counts.set(kind, (row = []));
    row[i] = (row[i] ?? 0) + 1;
  }

  stop() {
    clearInterval(this.timer);
  }

  /**
   * The table, one line a window, up to the window after the last arrival or door event: the minutes
   * after it (answers and hand-ins only) have figures of their own.
   */
  lines(): string[] {
    const of = (kind: string) => this.counts.get(kind) ?? [];
    const [arrived, through, failed, answered] = ["arrived", "through", "failed", "answered"].map(of);
    const last = Math.max(arrived.length, through.length, failed.length);
    const s = this.everyMs / 1000;
    const pct = (ms: number | undefined) => (ms === undefined ? "-" : `${Math.round((100 * ms) / this.everyMs)} %`);
    const head = ["window", "arrived", "through", "waiting", "answers/s", "machine busy", "server", "bench client"];
    const rows = [head];
    let waiting = 0;
    for (let i = 0; i <= last && i < this.cpu.length + 1; i++) {
      waiting += (arrived[i] ?? 0) - (through[i] ?? 0) - (failed[i] ?? 0);
      rows.push([
        `${i * s}–${(i + 1) * s} s`,
        String(arrived[i] ?? 0),
        String(through[i] ?? 0),
        String(waiting),
        ((answered[i] ?? 0) / s).toFixed(0),
        pct(this.cpu[i]?.machineMs),
        pct(this.cpu[i]?.serverMs),
        pct(this.cpu[i]?.clientMs),
      ]);
    }
    const widths = head.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
  }
}

function clientCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
