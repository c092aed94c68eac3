import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endWhole } from "~/.server/http/compression";
import { rawRequest } from "../support/raw-http";

// endWhole (compression.ts): a body whole in memory goes out in one write with its length, in brotli
// or gzip as the request accepts, and untouched where compressing would be wrong. A real HTTP server,
// read as raw bytes.

const page = Buffer.from(`<!DOCTYPE html><p>${"党史知识竞赛，全校师生均可参加。".repeat(200)}</p>`);
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const q = new URL(req.url!, "http://x").searchParams;
    if (q.get("vary")) res.setHeader("Vary", q.get("vary")!);
    if (q.get("cache")) res.setHeader("Cache-Control", q.get("cache")!);
    endWhole(req, res, q.get("small") ? Buffer.from('{"ok":true}') : page);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("endWhole", () => {
  it("sends brotli or gzip as asked, each decoding to the body, with its length and Vary", async () => {
    const br = await rawRequest(url, "/", { headers: { "Accept-Encoding": "gzip, deflate, br" } });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(zlib.brotliDecompressSync(br.body).equals(page)).toBe(true);
    const gz = await rawRequest(url, "/", { headers: { "Accept-Encoding": "gzip" } });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(zlib.gunzipSync(gz.body).equals(page)).toBe(true);
    const plain = await rawRequest(url, "/", { headers: { "Accept-Encoding": "br;q=0, gzip;q=0" } });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.equals(page)).toBe(true);
    for (const raw of [br, gz, plain]) {
      expect(raw.headers["transfer-encoding"]).toBeUndefined();
      expect(Number(raw.headers["content-length"])).toBe(raw.body.length);
      expect(raw.headers.vary).toBe("Accept-Encoding");
    }
    expect(br.body.length).toBeLessThan(page.length / 5);
  });

  it("keeps a route's Vary, adding Accept-Encoding once", async () => {
    expect((await rawRequest(url, "/?vary=Cookie", { headers: { "Accept-Encoding": "br" } })).headers.vary).toBe("Cookie, Accept-Encoding");
    expect((await rawRequest(url, "/?vary=accept-encoding", { headers: { "Accept-Encoding": "br" } })).headers.vary).toBe("accept-encoding");
  });

  it("leaves alone a body under 1 KB, one marked no-transform, and a HEAD", async () => {
    const small = await rawRequest(url, "/?small=1", { headers: { "Accept-Encoding": "br" } });
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.body.toString()).toBe('{"ok":true}');
    const kept = await rawRequest(url, "/?cache=private,%20no-transform", { headers: { "Accept-Encoding": "br" } });
    expect(kept.headers["content-encoding"]).toBeUndefined();
    expect(kept.body.equals(page)).toBe(true);
    const head = await rawRequest(url, "/", { method: "HEAD", headers: { "Accept-Encoding": "br" } });
    expect(head.headers["content-encoding"]).toBeUndefined();
    expect(Number(head.headers["content-length"])).toBe(page.length);
    expect(head.body.length).toBe(0);
  });
});
