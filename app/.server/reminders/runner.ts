import { ReminderSweep } from "./scheduler";
import { backgroundLock } from "../background-lock";
import { log } from "../ops/log";

// The reminder scheduler on its own timer (decision 058): every five minutes, a pass over the active
// people for at most a few seconds of work; an unfinished pass goes on from where it stopped at the next
// tick. Passes never overlap. Several processes may run it: notify()'s dedupe keeps a reminder single,
// and passes of several nodes never overlap (decision 082): two nodes do not walk the people side by side.

const INTERVAL_MS = 5 * 60_000;
const BUDGET_MS = 5_000;

export function startReminderRunner(): () => void {
  const sweep = new ReminderSweep();
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    backgroundLock()
      .runAlone("reminders", () => sweep.run(BUDGET_MS))
      .catch((e: unknown) => log.error("reminders failed", e))
      .finally(() => (running = false));
  }, INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
