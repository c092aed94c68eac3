import os from "node:os";
import { env } from "./env";

// What the primary process keeps for all workers (decision 071), answered over IPC (processes.ts):
// the argon2 slots (decision 011), at most cores − 1 hashes at once over every worker, not per
// worker, so a sign-in storm still leaves a core to serve pages. A worker that dies gives its slots
// back. The sign-in throttle, kept here before, is in the database since decision 076.

type Waiter = { workerId: number; grant(): void };

export class PrimaryState {
  private slotsInUse = new Map<number, number>();
  private running = 0;
  private waiting: Waiter[] = [];
  private maxHashes = env.argon2Concurrency ?? Math.max(1, os.availableParallelism() - 1);

  async answer(workerId: number, kind: string, _payload: Record<string, unknown>): Promise<unknown> {
    switch (kind) {
      case "argon2:acquire":
        if (this.running < this.maxHashes) {
          this.running++;
          this.count(workerId, 1);
          return null;
        }
        return new Promise<null>((resolve) => this.waiting.push({ workerId, grant: () => resolve(null) }));
      case "argon2:release":
        if ((this.slotsInUse.get(workerId) ?? 0) > 0) this.release(workerId);
        return null;
      default:
        throw new Error(`unknown request ${kind}`);
    }
  }

  /** A worker has died: its slots are free again. */
  forgetWorker(workerId: number) {
    this.waiting = this.waiting.filter((w) => w.workerId !== workerId);
    while ((this.slotsInUse.get(workerId) ?? 0) > 0) this.release(workerId);
  }

  private release(workerId: number) {
    this.count(workerId, -1);
    // A finished hash hands its slot straight to the next in line (as password.ts does in one process).
    const next = this.waiting.shift();
    if (next) {
      this.count(next.workerId, 1);
      next.grant();
    } else this.running--;
  }

  private count(workerId: number, delta: number) {
    this.slotsInUse.set(workerId, (this.slotsInUse.get(workerId) ?? 0) + delta);
  }
}
