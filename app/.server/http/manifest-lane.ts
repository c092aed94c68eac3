import type { IncomingMessage, ServerResponse } from "node:http";
import { type WholeEncoding, encodeWhole, wholeEncoding } from "./compression";

// Remix's route discovery (v3_lazyRouteDiscovery): right after a page loads, the browser asks
// `GET /__manifest?p=…&version=…` for the routes its links lead to. Remix answers from the build alone
// (no session, no database): the same query gets the same bytes for everyone until the next build, which
// changes the version. On a contest morning every phone asks it once after the contest page, and
// through Express and Remix it cost about a tenth of the door's CPU (bench contest-step-cost). This lane
// asks Remix once per query and keeps the answer, with its brotli and gzip forms made once, for the
// queries a crowd repeats. Only a 200 is kept: a stale version's 204 (reload the document) and a 400 for
// an address over Remix's length limit are passed on as Remix gave them, each time.

export const MANIFEST_PATH = "/__manifest";
/** Queries kept: the pages of a site ask a few dozen different ones; the oldest goes first past this. */
export const MANIFEST_CACHE_ENTRIES = 100;

type Kept = { status: number; headers: [string, string][]; body: Buffer; encoded: Partial<Record<WholeEncoding, Buffer>> };

export type ManifestLane = {
  /** Whether this request is route discovery (GET or HEAD of exactly the path). */
  takes(req: IncomingMessage): boolean;
  /** Answers it (after the front door, which the server passes it through first). */
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** How many queries are kept (for the tests). */
  readonly size: number;
};

/** `handle` is Remix's request handler for the production build. */
export function manifestLane(handle: (request: Request) => Promise<Response>, max = MANIFEST_CACHE_ENTRIES): ManifestLane {
  const kept = new Map<string, Kept>();
  /** Queries asked of Remix and not answered yet: a crowd's first few share one. */
  const asking = new Map<string, Promise<Kept>>();

  async function ask(url: string): Promise<Kept> {
    const response = await handle(new Request(new URL(url, "http://localhost")));
    const body = Buffer.from(await response.arrayBuffer());
    const headers = [...response.headers.entries()].filter(([k]) => k !== "content-length" && k !== "set-cookie");
    return { status: response.status, headers, body, encoded: {} };
  }

  return {
    takes(req) {
      if ((req.method !== "GET" && req.method !== "HEAD") || !req.url) return false;
      const q = req.url.indexOf("?");
      return (q === -1 ? req.url : req.url.slice(0, q)) === MANIFEST_PATH;
    },
    async serve(req, res) {
      const url = req.url!;
      let answer = kept.get(url);
      if (!answer) {
        let pending = asking.get(url);
        if (!pending) {
          pending = ask(url).finally(() => asking.delete(url));
          asking.set(url, pending);
        }
        answer = await pending;
        if (answer.status === 200 && !kept.has(url)) {
          if (kept.size >= max) kept.delete(kept.keys().next().value!);
          kept.set(url, answer);
        }
      }
      res.statusCode = answer.status;
      for (const [k, v] of answer.headers) res.setHeader(k, v);
      // Remix marks its 200 cacheable for a year (the version is in the query); anything else is not kept.
      if (!res.hasHeader("Cache-Control")) res.setHeader("Cache-Control", "no-store");
      let body = answer.body;
      const encoding = answer.status === 200 ? wholeEncoding(req, res, body.length) : undefined;
      if (encoding) {
        // Made once per kept answer: a query nobody repeats costs what Remix's answer did.
        body = answer.encoded[encoding] ??= encodeWhole(answer.body, encoding);
        res.setHeader("Content-Encoding", encoding);
      }
      res.setHeader("Content-Length", body.length);
      res.end(req.method === "HEAD" ? undefined : body);
    },
    get size() {
      return kept.size;
    },
  };
}
