import http from "node:http";
import net from "node:net";
import { type AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { responseCompression } from "~/.server/http/compression";
import { writeBody } from "~/.server/http/remix-handler";

// How every Remix response body reaches the client (decision 085), on a real HTTP server behind the real
// compression middleware: whole, no faster than the client reads, cancelled when the client goes, and cut
// (not ended cleanly) when the body itself fails.

let server: http.Server;
let port: number;
const endless = { pulled: 0, cancelled: false };

function chunks(count: number, size: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i === count) return controller.close();
      controller.enqueue(new Uint8Array(size).fill(65 + (i++ % 26)));
    },
  });
}

beforeAll(async () => {
  const app = express();
  app.use(responseCompression());
  app.get("/whole", (_req, res, next) => {
    res.type("text/plain");
    writeBody(chunks(50, 1024), res).catch(next);
  });
  // As a large file behind a route: a 64 KB piece each time it is asked for, up to 256 MB (so a writer
  // that does not wait fails the test quickly instead of filling the machine's memory).
  app.get("/endless", (_req, res) => {
    res.type("video/mp4");
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (endless.pulled >= 256 * 1024 * 1024) return controller.close();
        endless.pulled += 65_536;
        controller.enqueue(new Uint8Array(65_536));
      },
      cancel() {
        endless.cancelled = true;
      },
    });
    void writeBody(body, res);
  });
  app.get("/fails", (_req, res) => {
    res.type("text/plain");
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error("the file went away"));
        sent = true;
        controller.enqueue(new TextEncoder().encode("the first part"));
      },
    });
    writeBody(body, res).catch(() => {});
  });
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

/** The body as received, and whether it ended cleanly; a connection cut before any answer is an incomplete empty body. */
function get(pathname: string): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: pathname, headers: { "accept-encoding": "identity" } }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (b: Buffer) => parts.push(b));
      res.on("end", () => resolve({ body: Buffer.concat(parts), complete: res.complete }));
      res.on("error", () => resolve({ body: Buffer.concat(parts), complete: false }));
      res.on("aborted", () => resolve({ body: Buffer.concat(parts), complete: false }));
    });
    req.on("error", () => resolve({ body: Buffer.alloc(0), complete: false }));
  });
}

const until = async (check: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return check();
};

describe("writeBody", () => {
  it("sends the whole body, in order", async () => {
    const { body, complete } = await get("/whole");
    expect(complete).toBe(true);
    expect(body).toHaveLength(50 * 1024);
    expect(String.fromCharCode(body[0]!, body[1024]!, body[49 * 1024]!)).toBe("ABX");
  });

  it("reads no faster than a client that reads nothing, and cancels the body when the client goes", async () => {
    const socket = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    socket.pause();
    socket.write(`GET /endless HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 1000));
    // The kernel's socket buffers and the response's own hold a few MB at most; unbounded reading would be far more.
    expect(endless.pulled).toBeGreaterThan(0);
    expect(endless.pulled).toBeLessThan(32 * 1024 * 1024);
    const heldAt = endless.pulled;
    await new Promise((r) => setTimeout(r, 300));
    expect(endless.pulled - heldAt).toBeLessThanOrEqual(2 * 65_536);
    socket.destroy();
    expect(await until(() => endless.cancelled, 5000)).toBe(true);
  });

  it("cuts the connection when the body fails part-way, so the client cannot take the part for the whole", async () => {
    const { body, complete } = await get("/fails");
    expect(complete).toBe(false);
    expect("the first part".startsWith(body.toString())).toBe(true);
  });
});
