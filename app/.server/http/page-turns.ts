import type { IncomingMessage, ServerResponse } from "node:http";

// Pages in turn (decisions 091, 094). A process serves at most `limit` pages and forms at once; the
// others wait in the order they came. Without it a process that was sent more pages than its core can
// render began them all, and each got a sliver of the core: a crowd's page took as long as the whole
// crowd's, and a contest answer, which costs a fraction of a millisecond, waited behind the slivers of
// hundreds of pages. In turns, the first come are served first and the event loop never holds more
// than `limit` requests' work, so the answers (a lane before Express) and `/healthz` (not in turns)
// keep their pace.
//
// A turn is for the CPU work of a request, not for its delivery: it ends when the head is written
// (its loaders or action have run and the answer is rendered), when the answer ends, when the client
// goes away, when the request is about to wait on something other than its event loop (`leave`, which
// server.ts puts in the request context: context.ts's leaveTurn, called before an identity provider's
// or the object store's answer, a worker thread's or an argon2 hash is awaited), or at the latest
// `holdMs` after it began, whichever comes first. So a client that reads slowly, an event stream that
// never ends, or a request that waits on something slow cannot keep the others waiting for long.
//
// Forms take turns too (decision 094), but only once their small body has arrived whole (server.ts
// reads it first): a request holding a turn while its body arrives would let a client sending slowly
// keep every page waiting. A waiting form starts before the waiting pages: it is the next step of
// someone already in (开始 after the contest page, 交卷 after the answers), and finishing those first
// is what gets a crowd through; but after FORMS_BEFORE_A_PAGE forms in a row a waiting page goes, so
// a flood of forms cannot keep the pages waiting for good. Uploads (multipart) and bodies of unknown
// or larger length do not take turns.

/** A page (GET, HEAD) or a form whose small body has arrived whole (a POST of 开始, 交卷, a sign-in). */
export type TurnKind = "page" | "form";

export type PageTurns = {
  /**
   * Runs `serve` now if a turn is free, or once one is; never for a client that went away meanwhile.
   * `serve` gets `leave`, which ends the turn early (the request goes on without one); it must not throw.
   * A waiting form starts before the waiting pages, at most FORMS_BEFORE_A_PAGE in a row.
   */
  take(req: IncomingMessage, res: ServerResponse, serve: (leave: () => void) => void, kind?: TurnKind): void;
  /** Requests being served in turn now, and waiting for one (pages and forms). */
  readonly running: number;
  readonly waiting: number;
};

type Waiting = { req: IncomingMessage; res: ServerResponse; serve: (leave: () => void) => void };

/** First come, first served: an array and the index of its head (shift() on an array of thousands costs each time). */
class Line {
  #items: (Waiting | undefined)[] = [];
  #head = 0;

  get length() {
    return this.#items.length - this.#head;
  }

  push(w: Waiting) {
    this.#items.push(w);
  }

  shift(): Waiting | undefined {
    if (this.#head === this.#items.length) return undefined;
    const next = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return next;
  }
}

/** Waiting forms that start before a waiting page, at most, in a row. */
export const FORMS_BEFORE_A_PAGE = 4;

export function pageTurns({ limit, holdMs }: { limit: number; holdMs: number }): PageTurns {
  if (!(Number.isSafeInteger(limit) && limit > 0)) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let running = 0;
  const forms = new Line();
  const pages = new Line();
  const waiting = () => forms.length + pages.length;

  const gone = (req: IncomingMessage) => req.socket.destroyed;

  // Forms started in a row while a page waited: after FORMS_BEFORE_A_PAGE of them the first waiting page
  // goes next, so a flood of forms cannot hold the pages back for good.
  let formsInARow = 0;
  const nextWaiting = (): Waiting | undefined => {
    if (pages.length > 0 && (forms.length === 0 || formsInARow >= FORMS_BEFORE_A_PAGE)) {
      formsInARow = 0;
      return pages.shift();
    }
    if (forms.length > 0 && pages.length > 0) formsInARow += 1;
    return forms.shift();
  };

  const startNext = () => {
    while (running < limit) {
      const next = nextWaiting();
      if (!next) return;
      if (!gone(next.req)) start(next);
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
      // The next request starts on its own turn of the event loop, not inside this one's writeHead.
      if (waiting() > 0) setImmediate(startNext);
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
    take(req, res, serve, kind = "page") {
      const line = kind === "form" ? forms : pages;
      // Nobody of the same kind or before it waits: pages wait also behind waiting forms.
      const ahead = kind === "form" ? forms.length : waiting();
      if (running < limit && ahead === 0) start({ req, res, serve });
      else line.push({ req, res, serve });
    },
    get running() {
      return running;
    },
    get waiting() {
      return waiting();
    },
  };
}
