// A sweep that works in batches (a batch closes up to its limit and says how many it closed), run again
// while it still finds work, within a time budget: the sweeper's tick for expired papers (sweeper.ts).

/** `pass` run again while it did something, until `ms` have passed; resolves with the total it did. */
export function repeatWhileWorking(ms: number, pass: () => Promise<number>): () => Promise<number> {
  return async () => {
    const end = Date.now() + ms;
    let total = 0;
    for (let done = await pass(); done > 0; done = Date.now() < end ? await pass() : 0) total += done;
    return total;
  };
}
