import { closeExpiredEntries } from "./contest/entries";
import { closeExpiredAttempts } from "./quiz/attempts";

// Quiz attempts and contest entries whose browser never returns are still closed and scored at their
// deadline: reads close them lazily, and this sweeper catches the ones nobody reads (so the grade, and
// any 学时 it earns, appear without the learner coming back). Indexed queries every 30 s, usually
// returning nothing.

const INTERVAL_MS = 30_000;

const SWEEPS: [string, () => Promise<unknown>][] = [
  ["quiz attempts", () => closeExpiredAttempts()],
  ["contest entries", () => closeExpiredEntries()],
];

export function startSweeper(): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      for (const [name, sweep] of SWEEPS) await sweep().catch((e: unknown) => console.error(`sweeper (${name}):`, e));
      running = false;
    })();
  }, INTERVAL_MS);
  // Never the reason the process stays alive.
  timer.unref();
  return () => clearInterval(timer);
}
