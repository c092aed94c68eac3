import type { IncomingMessage, ServerResponse } from "node:http";

// Pages in turn (decision 091). A process renders at most `limit` pages at once; the others wait in
// the order they came. Without it a process that was sent more pages than its core can render began
// them all, and each got a sliver of the core: a crowd's page took as long as the whole crowd's, and
// a contest answer, which costs a fraction of a millisecond, waited behind the slivers of hundreds of
// pages. In turns, the first come are served first and the event loop never holds more than `limit`
// pages' work, so the answers (a lane before Express) and `/healthz` (not in turns) keep their pace.
//
// A turn is for the CPU work of a page, not for its delivery: it ends when the page's head is written
// (its loaders have run and its shell is rendered), when the answer ends, when the client goes away,
// when the page is about to wait on another server (`leave`, which server.ts puts in the request
// context: context.ts's leaveTurn, called before an identity provider's or the object store's
// answer is awaited), or at the latest `holdMs` after it began, whichever comes first. So a client
// that reads slowly, an event stream that never ends, or a page that waits on something slow cannot
// keep the others waiting for long.
//
// Only GET and HEAD take turns: a request with a body would hold its turn while the body arrives,
// and a client sending slowly could then keep every page waiting.

export type PageTurns = {
  /**
   * Runs `serve` now if a turn is free, or once one is; never for a client that went away meanwhile.
   * `serve` gets `leave`, which ends the turn early (the page goes on without one); it must not throw.
   */
  take(req: IncomingMessage, res: ServerResponse, serve: (leave: () => void) => void): void;
  /** Pages being served in turn now, and waiting for one. */
  readonly running: number;
  readonly waiting: number;
};

type Waiting = { req: IncomingMessage; res: ServerResponse; serve: (leave: () => void) => void };

export function pageTurns({ limit, holdMs }: { limit: number; holdMs: number }): PageTurns {
  if (!(Number.isSafeInteger(limit) && limit > 0)) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let running = 0;
  // A queue as an array and the index of its head: shift() on an array of thousands costs each time.
  let queue: (Waiting | undefined)[] = [];
  let head = 0;

  const gone = (req: IncomingMessage) => req.socket.destroyed;

  const startNext = () => {
    while (running < limit && head < queue.length) {
      const next = queue[head]!;
      queue[head++] = undefined;
      if (!gone(next.req)) start(next);
    }
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  };

  const start = ({ res, serve }: Waiting) => {
    running += 1;
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      running -= 1;
      clearTimeout(timer);
      res.off("close", release);
      res.off("finish", release);
      // The next page starts on its own turn of the event loop, not inside this page's writeHead.
      if (head < queue.length) setImmediate(startNext);
    };
    const timer = setTimeout(release, holdMs);
    res.once("close", release);
    res.once("finish", release);
    // Node writes the head through writeHead also when a page only calls write() or end().
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      release();
      res.writeHead = writeHead;
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    } as ServerResponse["writeHead"];
    serve(release);
  };

  return {
    take(req, res, serve) {
      if (running < limit && head === queue.length) start({ req, res, serve });
      else queue.push({ req, res, serve });
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length - head;
    },
  };
}
