import http from "node:http";
import { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FORMS_BEFORE_A_PAGE, type PageTurns, pageTurns } from "~/.server/http/page-turns";

// Pages in turn (decision 091), over a real HTTP server: at most `limit` pages are served at once and
// the others start in the order they came; a turn ends when the page's head is written, when it
// ends, when its client goes, or after `holdMs`; a client gone while waiting is never served. The
// pages are stood in for by handlers the test finishes by name (the path); a path that begins with
// /form stands for a form (decision 094), which starts before every waiting page.

type Page = { res: http.ServerResponse; startedAt: number; leave: () => void };

let server: http.Server | null = null;

async function serve(turns: PageTurns) {
  const started = new Map<string, Page>();
  const order: string[] = [];
  /** The paths whose connection the server saw close. */
  const closed = new Set<string>();
  server = http.createServer((req, res) => {
    req.socket.once("close", () => closed.add(req.url!));
    const kind = req.url!.startsWith("/form") ? "form" : "page";
    turns.take(
      req,
      res,
      (leave) => {
        order.push(req.url!);
        started.set(req.url!, { res, startedAt: Date.now(), leave });
      },
      kind,
    );
  });
  server.keepAliveTimeout = 0;
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const requests: http.ClientRequest[] = [];
  return {
    started,
    order,
    closed,
    /** Sends a GET and resolves with its body once answered; connections left open are cut after each test. */
    get(path: string) {
      const answer = new Promise<string>((resolve, reject) => {
        const req = http.get(`${base}${path}`, { agent: false }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => resolve(body));
        });
        req.on("error", reject);
        requests.push(req);
      });
      answer.catch(() => {}); // a request the test does not wait for may be cut
      return answer;
    },
    requests,
  };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe("pages in turn", () => {
  it("serves at most `limit` pages at once and starts the others in the order they came", async () => {
    const turns = pageTurns({ limit: 2, holdMs: 60_000 });
    const s = await serve(turns);
    const answers = ["/a", "/b", "/c", "/d", "/e"].map((p) => s.get(p));
    await until(() => turns.waiting === 3, "three waiting");
    expect(s.order).toEqual(["/a", "/b"]);
    expect(turns.running).toBe(2);

    s.started.get("/b")!.res.end("b");
    await until(() => s.order.length === 3, "a third page");
    expect(s.order).toEqual(["/a", "/b", "/c"]);
    expect(turns.running).toBe(2);

    s.started.get("/a")!.res.end("a");
    s.started.get("/c")!.res.end("c");
    await until(() => s.order.length === 5, "all five");
    expect(s.order).toEqual(["/a", "/b", "/c", "/d", "/e"]);
    s.started.get("/d")!.res.end("d");
    s.started.get("/e")!.res.end("e");
    expect(await Promise.all(answers)).toEqual(["a", "b", "c", "d", "e"]);
    expect([turns.running, turns.waiting]).toEqual([0, 0]);
  });

  it("ends a page's turn when its head is written, while its body is still on its way", async () => {
    const turns = pageTurns({ limit: 1, holdMs: 60_000 });
    const s = await serve(turns);
    const first = s.get("/streaming");
    void s.get("/next");
    await until(() => turns.waiting === 1, "the second waiting");

    const streaming = s.started.get("/streaming")!.res;
    streaming.write("first part"); // writes the head
    await until(() => s.order.length === 2, "the second page");
    expect(s.order).toEqual(["/streaming", "/next"]);
    streaming.end(", last part");
    expect(await first).toBe("first part, last part");
  });

  it("ends a turn after holdMs when the page writes nothing", async () => {
    const turns = pageTurns({ limit: 1, holdMs: 200 });
    const s = await serve(turns);
    void s.get("/slow");
    void s.get("/next");
    await until(() => s.order.length === 2, "the second page after the hold");
    expect(s.started.get("/next")!.startedAt - s.started.get("/slow")!.startedAt).toBeGreaterThanOrEqual(190);
    expect(turns.running).toBe(1); // only /next holds a turn; /slow goes on without one
  });

  it("ends a turn when the page leaves it (to wait on another server), and only once", async () => {
    const turns = pageTurns({ limit: 1, holdMs: 60_000 });
    const s = await serve(turns);
    const waiting = s.get("/waits-elsewhere");
    void s.get("/next");
    void s.get("/last");
    await until(() => turns.waiting === 2, "two waiting");
    const first = s.started.get("/waits-elsewhere")!;
    first.leave();
    first.leave(); // a second leave, and the head written later, give back nothing more
    await until(() => s.order.length === 2, "the next page");
    first.res.end("done");
    expect(await waiting).toBe("done");
    await new Promise((r) => setTimeout(r, 50));
    expect(s.order).toEqual(["/waits-elsewhere", "/next"]);
    expect([turns.running, turns.waiting]).toEqual([1, 1]);
  });

  it("never serves a client that went away while waiting, and frees the turn of one that went while served", async () => {
    const turns = pageTurns({ limit: 1, holdMs: 60_000 });
    const s = await serve(turns);
    void s.get("/first");
    void s.get("/gone");
    const last = s.get("/last");
    await until(() => turns.waiting === 2, "two waiting");

    s.requests[1]!.destroy();
    await until(() => s.closed.has("/gone"), "the server to see /gone's client leave");
    s.requests[0]!.destroy(); // the page being served loses its client: its turn ends
    await until(() => s.order.length === 2, "the next page");
    expect(s.order).toEqual(["/first", "/last"]);
    s.started.get("/last")!.res.end("last");
    expect(await last).toBe("last");
    expect([turns.running, turns.waiting]).toEqual([0, 0]);
  });

  it("starts waiting forms before waiting pages, in the order they came, and a page after every few forms", async () => {
    const turns = pageTurns({ limit: 1, holdMs: 60_000 });
    const s = await serve(turns);
    const paths = ["/first", "/page-1", "/form-1", "/page-2", ...Array.from({ length: FORMS_BEFORE_A_PAGE + 1 }, (_, i) => `/form-${i + 2}`)];
    const answers: Promise<string>[] = [];
    // One at a time, each once the one before is in: the order of arrival is the test's, not the network's.
    for (const [i, p] of paths.entries()) {
      answers.push(s.get(p));
      await until(() => turns.running + turns.waiting === i + 1, `${p} in`);
    }
    for (let i = 1; i <= paths.length; i++) {
      const current = s.order.at(-1)!;
      s.started.get(current)!.res.end(current);
      if (i < paths.length) await until(() => s.order.length === i + 1, `request ${i + 1}`);
    }
    const forms = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `/form-${from + i}`);
    expect(s.order).toEqual(["/first", ...forms(1, FORMS_BEFORE_A_PAGE), "/page-1", ...forms(FORMS_BEFORE_A_PAGE + 1, FORMS_BEFORE_A_PAGE + 2), "/page-2"]);
    expect(await Promise.all(answers)).toEqual(paths);
  });

  it("refuses a limit that is not a positive integer", () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) expect(() => pageTurns({ limit, holdMs: 100 })).toThrow(RangeError);
  });
});
