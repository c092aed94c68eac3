import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3Storage } from "~/.server/storage/s3";
import { describeFileStorageConformance } from "../support/file-storage-conformance";
import { freePort } from "../support/free-port";
import { type TestS3, startTestS3 } from "../support/s3-server";

// The S3 implementation of the file storage (decision 081) against a real S3-compatible server
// (tests/support/s3-server.ts: s3rver behind a SigV4 check made with the AWS SDK's signer): the cases
// every FileStorage keeps, then what only a bucket can show: objects under the folder's keys, and every
// failure that is not a missing key (wrong keys, a missing bucket, a store that is down, one that hangs,
// one that fails) thrown with the bucket and key and what to check, never the secret.

describeFileStorageConformance("S3 (s3rver)", async () => {
  const s3 = await startTestS3();
  return { storage: new S3Storage(s3.settings), close: () => s3.stop() };
});

/** A store that misbehaves on purpose: answers the bucket check, then does what `object` says for objects. */
async function misbehavingStore(object: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const server = http.createServer((req, res) => {
    if (req.url === "/bucket") return res.writeHead(200).end();
    object(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("S3Storage", () => {
  let s3: TestS3;
  let storage: S3Storage;
  beforeAll(async () => {
    s3 = await startTestS3();
    storage = new S3Storage(s3.settings);
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it("keeps an object under the folder's key in the bucket, signed requests only", async () => {
    await storage.put("library/3f.pdf", Buffer.from("%PDF"));
    expect(fs.readFileSync(path.join(s3.directory, s3.settings.bucket, "library", "3f.pdf._S3rver_object"), "utf8")).toBe("%PDF");
    expect(s3.refused).toEqual([]);
    // The server does check signatures: a request without one is refused.
    expect((await fetch(`${s3.settings.endpoint}/${s3.settings.bucket}/library/3f.pdf`)).status).toBe(403);
    expect(s3.refused).toEqual(["AccessDenied"]);
    s3.refused.length = 0;
  });

  it("throws on a wrong secret with the bucket, the key and what to check, never the secret", async () => {
    await storage.put("claims/s.png", Buffer.from("x"));
    const secret = "wrong-secret-0123456789abcdefghijklmnop";
    const wrong = new S3Storage({ ...s3.settings, secretAccessKey: secret });
    // The bucket check comes first: a HEAD, whose answer has no body.
    const first = await wrong.get("claims/s.png").catch((e: Error) => e);
    expect(first).toBeInstanceOf(Error);
    expect((first as Error).message).toMatch(
      /^S3 HEAD s3:\/\/dangxiao-test \(http:\/\/127\.0\.0\.1:\d+\): HTTP 403; check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY/,
    );
    for (const e of [first as Error, await wrong.put("claims/t.png", Buffer.from("y")).catch((e: Error) => e)]) {
      expect(String(e)).not.toContain(secret);
      expect(String(e)).not.toContain(s3.settings.secretAccessKey);
    }
    expect(s3.refused.every((r) => r === "SignatureDoesNotMatch")).toBe(true);
    expect(s3.refused.length).toBe(2);
    s3.refused.length = 0;
    // An object's own 403 names the key and the store's code.
    const store = await misbehavingStore((_req, res) =>
      res.writeHead(403, { "Content-Type": "application/xml" }).end("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"),
    );
    try {
      const denied = new S3Storage({ ...s3.settings, endpoint: store.endpoint, bucket: "bucket" });
      await expect(denied.get("claims/s.png")).rejects.toThrow(
        /^S3 GET s3:\/\/bucket\/claims\/s\.png \(http:\/\/127\.0\.0\.1:\d+\): HTTP 403 AccessDenied \(Access Denied\); check S3_ACCESS_KEY_ID/,
      );
    } finally {
      await store.stop();
    }
  });

  it("throws on a missing bucket instead of calling every file missing", async () => {
    const missing = new S3Storage({ ...s3.settings, bucket: "no-such-bucket" });
    await expect(missing.exists("claims/s.png")).rejects.toThrow(/s3:\/\/no-such-bucket .*the bucket does not exist/);
    await expect(missing.get("claims/s.png")).rejects.toThrow(/the bucket does not exist/);
  });

  it("throws when the store cannot be reached", async () => {
    const port = await freePort(); // nothing listens there
    const down = new S3Storage({ ...s3.settings, endpoint: `http://127.0.0.1:${port}` });
    await expect(down.size("claims/s.png")).rejects.toThrow(
      /^S3 HEAD s3:\/\/dangxiao-test \(http:\/\/127\.0\.0\.1:\d+\): cannot reach the object store \(ECONNREFUSED\); check S3_ENDPOINT/,
    );
  });

  it("throws on a 5xx with the store's code", async () => {
    const store = await misbehavingStore((_req, res) =>
      res.writeHead(503, { "Content-Type": "application/xml" }).end("<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"),
    );
    try {
      const failing = new S3Storage({ ...s3.settings, endpoint: store.endpoint, bucket: "bucket" });
      await expect(failing.put("media/a.png", Buffer.from("x"))).rejects.toThrow(
        /^S3 PUT s3:\/\/bucket\/media\/a\.png .*HTTP 503 SlowDown \(Please reduce your request rate\.\); the object store failed/,
      );
      await expect(failing.delete("media/a.png")).rejects.toThrow(/^S3 DELETE .*HTTP 503/);
    } finally {
      await store.stop();
    }
  });

  it("gives up on a store that does not answer, or stops sending, within the time limit", async () => {
    const store = await misbehavingStore((req, res) => {
      if (req.url === "/bucket/media/silent.mp4") return; // never answers
      // Headers and the first bytes of the range, then nothing.
      res.writeHead(206, { "Content-Length": "1000", "Content-Range": "bytes 0-999/1000" });
      res.write(Buffer.alloc(100, "a"));
    });
    try {
      const slow = new S3Storage({ ...s3.settings, endpoint: store.endpoint, bucket: "bucket" }, 300);
      const t0 = Date.now();
      await expect(slow.size("media/silent.mp4")).rejects.toThrow(/^S3 HEAD s3:\/\/bucket\/media\/silent\.mp4 .*no answer within 0\.3 s/);
      expect(Date.now() - t0).toBeLessThan(5_000);
      const reader = slow.stream("media/stalls.mp4", { start: 0, end: 999 }).getReader();
      expect((await reader.read()).value!.length).toBe(100);
      await expect(reader.read()).rejects.toThrow(/^S3 GET s3:\/\/bucket\/media\/stalls\.mp4 .*no answer within 0\.3 s/);
    } finally {
      await store.stop();
    }
  });

  it("does not count the time a stream waits for its consumer", async () => {
    const quick = new S3Storage(s3.settings, 300);
    await quick.put("media/paused.bin", Buffer.alloc(300 * 1024, "p"));
    const reader = quick.stream("media/paused.bin", { start: 0, end: 300 * 1024 - 1 }).getReader();
    let got = (await reader.read()).value!.length;
    // A paused video: the consumer reads nothing for longer than the limit.
    await new Promise((r) => setTimeout(r, 600));
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      got += value.length;
    }
    expect(got).toBe(300 * 1024);
  });
});
