import { env } from "../env";
import { deliverDue } from "./outbox";
import { log } from "../ops/log";

// The outbox is swept on its own timer (NOTIFY_INTERVAL_MS, 10 s by default), not on the 30 s
// sweeper's, so a notification leaves within seconds; the first pass runs as the server starts, which
// is where rows left pending by a stopped process go out. Each pass is an indexed query that usually
// finds nothing; a pass never overlaps the previous one.

export function startNotificationRunner(): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    deliverDue()
      .catch((e: unknown) => log.error("notifications (outbox) failed", e))
      .finally(() => (running = false));
  };
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, env.notifyIntervalMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
