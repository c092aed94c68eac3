import { closeExpiredAttempts } from "./attempts";

// Attempts whose browser never returns are still closed and graded at their deadline: reads close them
// lazily, and this sweeper catches the ones nobody reads (so the grade, and any 学时 it earns, appear
// without the learner coming back). One indexed query every 30 s, usually returning nothing.

const INTERVAL_MS = 30_000;

export function startQuizSweeper(): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    closeExpiredAttempts()
      .catch((e: unknown) => console.error("quiz sweeper:", e))
      .finally(() => {
        running = false;
      });
  }, INTERVAL_MS);
  // Never the reason the process stays alive.
  timer.unref();
  return () => clearInterval(timer);
}
