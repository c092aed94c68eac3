import http from "node:http";
import { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifestLane } from "~/.server/http/manifest-lane";

// The route discovery lane's keeping (the integration test contest-door reads Remix's own answers
// through the real server): one question to Remix per query, however many ask at once; only a 200 kept;
// never more than its bound, the oldest going first. Remix's handler is stood in for by a function that
// answers by the query and counts what it is asked.

let asked: string[] = [];
let handle: (request: Request) => Promise<Response>;
let lane = manifestLane((r) => handle(r), 3);
let server: http.Server;
let base = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (!lane.takes(req)) {
      res.statusCode = 418;
      res.end();
      return;
    }
    void lane.serve(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function fresh(max = 3) {
  asked = [];
  handle = async (request) => {
    const url = new URL(request.url);
    asked.push(url.search);
    await new Promise((r) => setTimeout(r, 20));
    if (url.searchParams.get("version") !== "v1") return new Response(null, { status: 204, headers: { "X-Remix-Reload-Document": "true" } });
    return Response.json({ p: url.searchParams.getAll("p") }, { headers: { "Cache-Control": "public, max-age=31536000, immutable" } });
  };
  lane = manifestLane((r) => handle(r), max);
}

const get = async (query: string) => {
  const res = await fetch(`${base}/__manifest${query}`);
  return { status: res.status, text: await res.text() };
};

describe("the route discovery lane", () => {
  it("takes only GET and HEAD of exactly /__manifest", () => {
    const req = (method: string, url: string) => ({ method, url }) as http.IncomingMessage;
    expect(lane.takes(req("GET", "/__manifest?p=%2Fa&version=v1"))).toBe(true);
    expect(lane.takes(req("HEAD", "/__manifest"))).toBe(true);
    expect(lane.takes(req("POST", "/__manifest?p=%2Fa"))).toBe(false);
    expect(lane.takes(req("GET", "/__manifest/x"))).toBe(false);
    expect(lane.takes(req("GET", "/__manifests"))).toBe(false);
    expect(lane.takes(req("GET", "/contests/__manifest"))).toBe(false);
  });

  it("asks Remix once for a query however many phones ask it at once, then answers from what it kept", async () => {
    fresh();
    const replies = await Promise.all(Array.from({ length: 20 }, () => get("?p=%2Fa&version=v1")));
    expect(new Set(replies.map((r) => `${r.status} ${r.text}`))).toEqual(new Set(['200 {"p":["/a"]}']));
    await get("?p=%2Fa&version=v1");
    expect(asked).toEqual(["?p=%2Fa&version=v1"]);
  });

  it("keeps no answer but a 200, so a stale page's reload is asked of Remix each time", async () => {
    fresh();
    expect((await get("?p=%2Fa&version=old")).status).toBe(204);
    expect((await get("?p=%2Fa&version=old")).status).toBe(204);
    expect(asked).toHaveLength(2);
    expect(lane.size).toBe(0);
  });

  it("keeps at most its bound, the oldest query going first", async () => {
    fresh(3);
    for (const p of ["a", "b", "c", "d"]) await get(`?p=%2F${p}&version=v1`);
    expect(lane.size).toBe(3);
    await get("?p=%2Fd&version=v1"); // kept
    await get("?p=%2Fa&version=v1"); // gone: asked again
    expect(asked).toEqual(["a", "b", "c", "d", "a"].map((p) => `?p=%2F${p}&version=v1`));
  });
});
