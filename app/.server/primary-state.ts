import os from "node:os";
import { env } from "./env";
import { type LoginClaim, LoginThrottle } from "./auth/throttle";

// What the primary process keeps for all workers (decision 071), answered over IPC (processes.ts):
// - the sign-in throttle (decisions 004, 029): one set of counters, so failures spread over the
//   workers by the round robin count once, as they do in one process;
// - the argon2 slots (decision 011): at most cores − 1 hashes at once over every worker, not per
//   worker, so a sign-in storm still leaves a core to serve pages.
// A worker that dies gives its claims and slots back (a claim it held counts as failed: safer than
// forgetting it). PostgreSQL's issue moves the throttle into the database (issue 16).

type Waiter = { workerId: number; grant(): void };

export class PrimaryState {
  private throttle = new LoginThrottle();
  private claims = new Map<number, { workerId: number; claim: LoginClaim }>();
  private nextClaim = 1;
  private slotsInUse = new Map<number, number>();
  private running = 0;
  private waiting: Waiter[] = [];
  private maxHashes = env.argon2Concurrency ?? Math.max(1, os.availableParallelism() - 1);

  async answer(workerId: number, kind: string, payload: Record<string, unknown>): Promise<unknown> {
    switch (kind) {
      case "throttle:begin": {
        const claim = this.throttle.begin(String(payload.account), String(payload.address));
        if (!claim) return null;
        const id = this.nextClaim++;
        this.claims.set(id, { workerId, claim });
        return id;
      }
      case "throttle:end": {
        const id = Number(payload.id);
        const held = this.claims.get(id);
        if (held?.workerId !== workerId) return null;
        this.claims.delete(id);
        held.claim.end(payload.succeeded === true);
        return null;
      }
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

  /** A worker has died: its sign-ins in flight count as failed, its slots are free again. */
  forgetWorker(workerId: number) {
    for (const [id, held] of this.claims) {
      if (held.workerId !== workerId) continue;
      this.claims.delete(id);
      held.claim.end(false);
    }
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
