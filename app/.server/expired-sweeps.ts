import { log } from "./ops/log";

// How expired quiz attempts and contest entries are closed in bulk (decision 090): each of a batch one
// after another, a failing one logged and passed over, and batches again while they find work, within a
// time budget (the sweeper's tick, a prize draw).

/**
 * Runs `close` for each item in turn and resolves with how many it closed. One that throws (a paper whose
 * grading fails) is logged and passed over: it must not keep every later one open, tick after tick.
 */
export async function closeEach<T extends { id: number }>(items: readonly T[], close: (item: T) => Promise<boolean>, what: string): Promise<number> {
  let closed = 0;
  for (const item of items) {
    try {
      if (await close(item)) closed++;
    } catch (e) {
      log.error(`closing an expired ${what} failed`, e, { id: item.id });
    }
  }
  return closed;
}

/** `pass` run again while it did something, until `ms` have passed; resolves with the total it did. */
export function repeatWhileWorking(ms: number, pass: () => Promise<number>): () => Promise<number> {
  return async () => {
    const end = Date.now() + ms;
    let total = 0;
    for (let done = await pass(); done > 0; done = Date.now() < end ? await pass() : 0) total += done;
    return total;
  };
}
