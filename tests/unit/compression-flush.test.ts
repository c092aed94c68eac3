import http from "node:http";
import { type AddressInfo } from "node:net";
import zlib from "node:zlib";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { responseCompression } from "~/.server/http/compression";

// The compression middleware's flushing (decision 062), on a real HTTP server with the real
// `compression` package: what one turn of the event loop writes leaves as one compressed piece (a
// page is written by React in pieces of a few KB); what is written in a later turn (a streamed
// page's deferred chunk) leaves when it is written, before the answer ends.

let server: http.Server;
let base: string;
let release: () => void = () => {};

beforeAll(async () => {
  const app = express();
  app.use(responseCompression());
  // Twenty pieces of 2 KB in one turn, as React writes a page's shell, then the end in a later turn.
  app.get("/one-turn", (_req, res) => {
    res.type("html");
    for (let i = 0; i < 20; i++) res.write(`<p>${String(i).padStart(2, "0")}${"党".repeat(680)}</p>`);
    setImmediate(() => res.end("<p>end</p>"));
  });
  // A first piece, then a second only when the test has seen the first arrive.
  app.get("/two-turns", (_req, res) => {
    res.type("html");
    res.write(`<p>first${"党".repeat(700)}</p>`);
    new Promise<void>((resolve) => (release = resolve)).then(() => res.end(`<p>second${"党".repeat(700)}</p>`));
  });
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

/** The raw body's pieces as they arrive, and a hook called on each. */
function get(pathname: string, encoding: string, onPiece: (piece: Buffer) => void = () => {}) {
  return new Promise<{ headers: http.IncomingHttpHeaders; pieces: Buffer[] }>((resolve, reject) => {
    http
      .get(base + pathname, { headers: { "Accept-Encoding": encoding } }, (res) => {
        const pieces: Buffer[] = [];
        res.on("data", (d: Buffer) => {
          pieces.push(d);
          onPiece(d);
        });
        res.on("end", () => resolve({ headers: res.headers, pieces }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

const decode = (encoding: string, body: Buffer) => (encoding === "br" ? zlib.brotliDecompressSync(body) : zlib.gunzipSync(body)).toString("utf8");

describe("compression's flushing", () => {
  for (const encoding of ["br", "gzip"]) {
    it(`sends what one turn wrote as one compressed piece (${encoding})`, async () => {
      const { headers, pieces } = await get("/one-turn", encoding);
      expect(headers["content-encoding"]).toBe(encoding);
      const text = decode(encoding, Buffer.concat(pieces));
      expect(text).toContain("<p>19");
      expect(text.endsWith("<p>end</p>")).toBe(true);
      // The twenty writes' flush and the end's, and gzip's header, which zlib may give on its own: at
      // most three pieces (a flush per write made twenty-one).
      expect(pieces.length).toBeLessThanOrEqual(3);
    });

    it(`sends what a later turn writes when it is written, not at the end (${encoding})`, async () => {
      // What has arrived so far decodes to the first paragraph while the answer is still open: only
      // then does the server write the second.
      const partial = encoding === "br" ? zlib.createBrotliDecompress() : zlib.createGunzip();
      let seen = "";
      partial.on("data", (d: Buffer) => {
        seen += d.toString("utf8");
        if (seen.includes("first")) release();
      });
      partial.on("error", () => {}); // the stream is left unfinished on purpose
      const { pieces } = await get("/two-turns", encoding, (piece) => {
        if (!seen.includes("first")) partial.write(piece);
      });
      const text = decode(encoding, Buffer.concat(pieces));
      expect(text).toContain("first");
      expect(text).toContain("second");
    }, 10_000);
  }
});
