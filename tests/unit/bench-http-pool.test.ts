import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PoolReply, connections } from "../../bench/lib/http-pool";

// The benchmarks' HTTP client (bench/lib/http-pool.ts, decision 103) against a real Node HTTP server:
// every shape of reply the app's server sends reaches a scenario as a browser would read it, a pool
// reuses its connections and never opens more than its size, and a reply cut short is an error,
// never a shorter text.

const served: string[] = [];
let sockets = 0;
const server = http.createServer((req, res) => {
  served.push(`${req.method} ${req.url}`);
  const url = new URL(req.url!, "http://x");
  const body: Buffer[] = [];
  req.on("data", (c: Buffer) => body.push(c));
  req.on("end", () => {
    const text = Buffer.concat(body).toString("utf8");
    switch (url.pathname) {
      case "/length":
        res.setHeader("Content-Type", "text/plain; charset=utf-8");
        return res.end(`长度已知 ${text}`);
      case "/chunked":
        res.write("第一块，");
        return setTimeout(() => {
          res.write("x".repeat(70_000));
          res.end("，最后一块");
        }, 5);
      case "/headers":
        res.setHeader("Set-Cookie", ["a=1; Path=/", "b=2; HttpOnly"]);
        res.setHeader("Location", "/next");
        res.statusCode = 302;
        return res.end();
      case "/echo-headers":
        return res.end(JSON.stringify(req.headers));
      case "/gzip":
        res.setHeader("Content-Encoding", "gzip");
        return res.end(zlib.gzipSync(Buffer.from("压缩的 gzip 正文")));
      case "/br":
        res.setHeader("Content-Encoding", "br");
        res.write(zlib.brotliCompressSync(Buffer.from("压缩的 br 正文".repeat(100))));
        return res.end();
      case "/no-content":
        res.statusCode = 204;
        return res.end();
      case "/close":
        res.setHeader("Connection", "close");
        return res.end("然后关闭");
      case "/to-the-end": {
        // HTTP/1.0 style: no length, no chunks, the body ends with the connection.
        const socket = res.socket!;
        socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n直到连接结束");
        return socket.end();
      }
      case "/no-content-chunked": {
        // A head announcing chunks on a reply that has no body (Node itself leaves the header off).
        const socket = res.socket!;
        socket.write("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        return socket.end();
      }
      case "/cut":
        res.setHeader("Content-Length", "100");
        res.write("不完整");
        return setTimeout(() => res.socket!.destroy(), 5);
      case "/slow":
        return setTimeout(() => res.end(url.searchParams.get("n") ?? ""), 30);
      default:
        res.statusCode = 404;
        return res.end("没有");
    }
  });
});
server.on("connection", () => sockets++);
let url = "";
/** What a scenario reads of a reply, without its timings. */
const seen = async (reply: Promise<PoolReply>) => {
  const { waitedMs: _waited, sentMs: _sent, ...rest } = await reply;
  return rest;
};

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("the benchmarks' HTTP client", () => {
  it("reads a reply by its length, chunked, compressed, without a body, or to the connection's end", async () => {
    const pool = connections(url, 2, { acceptEncoding: "gzip, deflate, br" });
    try {
      const posted = await seen(pool.request("/length", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "你好 a=1&b=2" }));
      expect(posted).toEqual({ status: 200, text: "长度已知 你好 a=1&b=2" });
      expect(await seen(pool.request("/chunked"))).toEqual({ status: 200, text: `第一块，${"x".repeat(70_000)}，最后一块` });
      expect((await pool.request("/gzip")).text).toBe("压缩的 gzip 正文");
      expect((await pool.request("/br")).text).toBe("压缩的 br 正文".repeat(100));
      expect(await seen(pool.request("/no-content"))).toEqual({ status: 204, text: "" });
      expect(await seen(pool.request("/length", { method: "HEAD" }))).toEqual({ status: 200, text: "" });
      // A 204 has no body whatever its head says: no chunks are waited for.
      expect(await seen(pool.request("/no-content-chunked"))).toEqual({ status: 204, text: "" });
      expect(await seen(pool.request("/headers"))).toEqual({ status: 302, text: "", location: "/next", setCookie: ["a=1; Path=/", "b=2; HttpOnly"] });
      expect(await seen(pool.request("/to-the-end"))).toEqual({ status: 200, text: "直到连接结束" });
      expect(await seen(pool.request("/missing"))).toEqual({ status: 404, text: "没有" });
      const sent = JSON.parse((await pool.request("/echo-headers", { headers: { Cookie: "s=1" } })).text) as Record<string, string>;
      expect(sent).toMatchObject({ host: new URL(url).host, "accept-encoding": "gzip, deflate, br", cookie: "s=1" });
    } finally {
      pool.close();
    }
  });

  it("keeps its connections open and reuses them, never more at once than its size; the others wait their turn", async () => {
    const pool = connections(url, 3);
    const before = sockets;
    try {
      const replies = await Promise.all(Array.from({ length: 12 }, (_, n) => pool.request(`/slow?n=${n}`)));
      expect(replies.map((r) => r.text)).toEqual(Array.from({ length: 12 }, (_, n) => String(n)));
      expect(pool.opened()).toBe(3);
      // Each reply says how long it waited for a connection and how long the server took: the first three
      // had one at once, the last three waited for three replies of 30 ms before theirs.
      for (const r of replies) expect(r.sentMs).toBeGreaterThanOrEqual(25);
      for (const r of replies.slice(0, 3)) expect(r.waitedMs).toBeLessThan(25);
      for (const r of replies.slice(9)) expect(r.waitedMs).toBeGreaterThanOrEqual(85);
      for (let n = 0; n < 5; n++) await pool.request("/length");
      expect(pool.opened()).toBe(3);
      expect(sockets - before).toBe(3);
      // A connection the server closes after its reply is not used again: the next request opens one.
      expect((await pool.request("/close")).text).toBe("然后关闭");
      await Promise.all(Array.from({ length: 3 }, () => pool.request("/slow")));
      expect(pool.opened()).toBe(4);
    } finally {
      pool.close();
    }
  });

  it("fails a request whose reply is cut short, and goes on with a new connection", async () => {
    const pool = connections(url, 1);
    try {
      await expect(pool.request("/cut")).rejects.toThrow();
      expect(await seen(pool.request("/length"))).toEqual({ status: 200, text: "长度已知 " });
      expect(pool.opened()).toBe(2);
    } finally {
      pool.close();
    }
  });

  it("fails what still waits for a connection when it is closed", async () => {
    const pool = connections(url, 1);
    const first = pool.request("/slow");
    const waiting = pool.request("/slow");
    pool.close();
    await expect(waiting).rejects.toThrow("closed");
    expect((await first).status).toBe(200);
  });
});
