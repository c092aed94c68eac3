import { sweepSignInAttempts } from "./auth/throttle";
import { closeExpiredEntries } from "./contest/entries";
import { repeatWhileWorking } from "./expired-sweeps";
import { CreditRepair } from "./credit-repair";
import { escalateOverdueLetters } from "./mailbox/letters";
import { closeExpiredAttempts } from "./quiz/attempts";
import { startExtractRunner } from "./library/extract-runner";
import { startSimilarityRunner } from "./similarity/runner";
import { backfillSearch } from "./search/site-entries";
import { startNotificationRunner } from "./notify/runner";
import { startReminderRunner } from "./reminders/runner";
import { log } from "./ops/log";
import { backgroundLock } from "./background-lock";
import { pruneUnusedTrees } from "./content/mdx-cache";

// Quiz attempts and contest entries whose browser never returns are still closed and scored at their
// deadline: reads close them lazily, and this sweeper catches the ones nobody reads (so the grade, and
// any 学时 it earns, appear without the learner coming back). Indexed queries every 30 s, usually
// returning nothing. It also repairs credits whose step after a commit never ran (decision 034): a
// pass at start, before the server listens, and then one every ten minutes, each tick working on it
// for a bounded time so a large database is walked a slice at a time.

const INTERVAL_MS = 30_000;
/** The credit repair's share of a start and of each tick. */
const REPAIR_AT_START_MS = 2_000;
const REPAIR_PER_TICK_MS = 250;
/** Rows of each kind the search backfill indexes at start and on each tick. */
const SEARCH_BACKFILL_AT_START = 500;
const SEARCH_BACKFILL_PER_TICK = 100;

/**
 * How long a tick may go on closing expired attempts and entries, 500 at a time. A read closes only its
 * reader's own (decision 090); at a paper's close thousands expire together, and one batch a tick
 * would leave the rest open for many minutes.
 */
const EXPIRED_PER_TICK_MS = 3_000;

/** `work` run on a tick only when `ms` have passed since it last ran in this process (and on the first tick). */
function atMostEvery(ms: number, work: () => Promise<unknown>): () => Promise<unknown> {
  let last = -Infinity;
  return async () => {
    if (Date.now() - last < ms) return;
    last = Date.now();
    await work();
  };
}

export async function startSweeper(): Promise<() => void> {
  // One process of a machine's `npm start` runs it (decision 071), and each tick runs on one node at a time (082); the line says which.
  log.info("后台任务已启动 (sweeper and background runners)", { pid: process.pid });
  const repair = new CreditRepair();
  const sweeps: [string, () => Promise<unknown>][] = [
    ["quiz attempts", repeatWhileWorking(EXPIRED_PER_TICK_MS, () => closeExpiredAttempts())],
    ["contest entries", repeatWhileWorking(EXPIRED_PER_TICK_MS, () => closeExpiredEntries())],
    ["credit repair", () => repair.run(REPAIR_PER_TICK_MS)],
    // 书记信箱 letters past their service time without a reply go up to the parent unit's mailbox, once (decision 047).
    ["mailbox escalation", () => escalateOverdueLetters()],
    // Courses, page articles, topics and posts nobody indexed yet (the demo seed, or a crash after a commit): a slice a tick (decision 050).
    ["search backfill", () => backfillSearch(SEARCH_BACKFILL_PER_TICK)],
    // Sign-in attempts older than every window and lock of the throttle (decision 076).
    ["sign-in attempts", () => sweepSignInAttempts()],
    // Compiled trees no course or lesson uses any more (previews, replaced bodies), a batch an hour.
    ["compiled-lesson cache", atMostEvery(3_600_000, () => pruneUnusedTrees())],
  ];
  // One node at a time (decision 082): a node whose tick finds another node's tick running skips it.
  const lock = backgroundLock();
  const alone = (work: () => Promise<void>) => lock.runAlone("sweeper", work).catch((e: unknown) => log.error("sweeper failed", e, { sweep: "lock" }));
  await alone(async () => {
    await repair.run(REPAIR_AT_START_MS).catch((e: unknown) => log.error("sweeper failed", e, { sweep: "credit repair at start" }));
    await backfillSearch(SEARCH_BACKFILL_AT_START).catch((e: unknown) => log.error("sweeper failed", e, { sweep: "search backfill at start" }));
  });
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void alone(async () => {
      for (const [name, sweep] of sweeps) await sweep().catch((e: unknown) => log.error("sweeper failed", e, { sweep: name }));
    }).finally(() => (running = false));
  }, INTERVAL_MS);
  // Never the reason the process stays alive.
  timer.unref();
  // Similarity checks have their own queue and thread (decision 045): started with the server, stopped with it.
  const stopSimilarity = startSimilarityRunner();
  // So does the document library's text extraction (decision 050).
  const stopExtraction = startExtractRunner();
  // The notification outbox on its own short timer (decision 054).
  const stopNotifications = startNotificationRunner();
  // Reminders before things are due, on their own five-minute timer (decision 058).
  const stopReminders = startReminderRunner();
  return () => {
    clearInterval(timer);
    void stopSimilarity();
    void stopExtraction();
    stopNotifications();
    stopReminders();
  };
}
