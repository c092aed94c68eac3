import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import type net from "node:net";
import os from "node:os";
import path from "node:path";

// A push service of our own for tests: an HTTPS server (a certificate made with openssl for
// 127.0.0.1) that does what a browser's push service and the browser do with a push, per RFC 8292
// and RFC 8291: checks the VAPID JWT (ES256 over "header.payload", signed by the key in `k=`, for
// this origin, not expired), then decrypts the aes128gcm body with the subscription's private key and
// auth secret, generated here with node:crypto ECDH on prime256v1 as a browser would. A subscription
// can be told to answer with another status (404/410: gone, 500: failing) a number of times, or 0:
// never to answer (a dead push service); `events` lists, in order, each push received and each
// request its sender gave up on (closed unanswered).

export type ReceivedPush = { subscription: number; payload: unknown; vapidKey: string; audience: string; ttl: number };

const b64u = (b: Buffer) => b.toString("base64url");
const hmac = (key: Buffer, data: Buffer) => crypto.createHmac("sha256", key).update(data).digest();

export type PushEndpoint = Awaited<ReturnType<typeof startPushEndpoint>>;

export async function startPushEndpoint() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "push-endpoint-"));
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "1"].concat([
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ]),
    { stdio: "ignore" },
  );
  const cert = fs.readFileSync(certFile);
  const subs = new Map<number, { ecdh: crypto.ECDH; auth: Buffer; answers: number[] }>();
  const received: ReceivedPush[] = [];
  const problems: string[] = [];
  const events: string[] = [];
  const waiting: ((p: ReceivedPush) => void)[] = [];
  const closedWaiting: ((id: number) => void)[] = [];
  let nextId = 1;

  const server = https.createServer({ key: fs.readFileSync(keyFile), cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const id = Number(/^\/push\/(\d+)$/.exec(req.url ?? "")?.[1]);
      const sub = subs.get(id);
      if (!sub) return void res.writeHead(404).end();
      const answer = sub.answers.shift();
      if (answer === 0) {
        res.on("close", () => {
          events.push(`closed ${id}`);
          closedWaiting.splice(0).forEach((w) => w(id));
        });
        return;
      }
      if (answer) return void res.writeHead(answer).end(`answer ${answer}`);
      try {
        const push = check(id, sub, req.headers, Buffer.concat(chunks));
        received.push(push);
        events.push(`received ${id}`);
        waiting.splice(0).forEach((w) => w(push));
        res.writeHead(201).end();
      } catch (e) {
        problems.push(String(e));
        res.writeHead(400).end(String(e));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;

  function check(id: number, sub: { ecdh: crypto.ECDH; auth: Buffer }, headers: Record<string, string | string[] | undefined>, body: Buffer): ReceivedPush {
    // RFC 8292: Authorization: vapid t=<JWT>, k=<the server's public key, base64url, uncompressed point>.
    const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(String(headers.authorization ?? ""));
    if (!m) throw new Error(`no VAPID authorization: ${headers.authorization}`);
    const [h, p, s] = m[1].split(".");
    const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { alg?: string };
    const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as { aud?: string; exp?: number; sub?: string };
    if (header.alg !== "ES256") throw new Error(`alg ${header.alg}`);
    const raw = Buffer.from(m[2], "base64url");
    if (raw.length !== 65 || raw[0] !== 4) throw new Error("k is not an uncompressed P-256 point");
    const key = crypto.createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33)) }, format: "jwk" });
    if (!crypto.verify("sha256", Buffer.from(`${h}.${p}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url")))
      throw new Error("bad JWT signature");
    if (claims.aud !== origin) throw new Error(`audience ${claims.aud}, expected ${origin}`);
    const now = Date.now() / 1000;
    if (!claims.exp || claims.exp < now || claims.exp > now + 24 * 3600) throw new Error(`exp ${claims.exp}`);
    if (!claims.sub || !/^(mailto:|https:)/.test(claims.sub)) throw new Error(`sub ${claims.sub}`);
    if (headers["content-encoding"] !== "aes128gcm") throw new Error(`content-encoding ${headers["content-encoding"]}`);
    // RFC 8291 / RFC 8188: salt(16) rs(4) idlen(1) keyid(65: the sender's ephemeral public key), one record.
    const salt = body.subarray(0, 16);
    const idlen = body[20];
    const senderPublic = body.subarray(21, 21 + idlen);
    const record = body.subarray(21 + idlen);
    const shared = sub.ecdh.computeSecret(senderPublic);
    const prkKey = hmac(sub.auth, shared);
    const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), sub.ecdh.getPublicKey(), senderPublic, Buffer.from([1])]);
    const ikm = hmac(prkKey, keyInfo);
    const prk = hmac(salt, ikm);
    const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0\x01", "binary")).subarray(0, 16);
    const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0\x01", "binary")).subarray(0, 12);
    const decipher = crypto.createDecipheriv("aes-128-gcm", cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    const end = padded.lastIndexOf(2); // the last record's delimiter, then zero padding
    const text = padded.subarray(0, end).toString("utf8");
    return { subscription: id, payload: JSON.parse(text), vapidKey: m[2], audience: claims.aud, ttl: Number(headers.ttl) };
  }

  return {
    origin,
    certFile,
    /** Trusts this endpoint's certificate, for a `web-push` call in this process. */
    agent: new https.Agent({ ca: cert }),
    /** Its certificate, for an agent that must trust it. */
    ca: cert,
    events,
    received,
    /** Lines describing pushes this endpoint refused (bad signature, wrong audience…): a test expects none. */
    problems,
    /** A new browser subscription: what PushManager.subscribe() gives a page. */
    subscribe(answers: number[] = []) {
      const id = nextId++;
      const ecdh = crypto.createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = crypto.randomBytes(16);
      subs.set(id, { ecdh, auth, answers });
      return { id, endpoint: `${origin}/push/${id}`, p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) };
    },
    /** Makes a subscription answer these statuses to its next pushes. */
    answer(id: number, ...statuses: number[]) {
      subs.get(id)!.answers.push(...statuses);
    },
    /** Resolves at the next push received (by any subscription). */
    next(): Promise<ReceivedPush> {
      return new Promise((r) => waiting.push(r));
    },
    /** Resolves when a request left unanswered (status 0) is closed by its sender. */
    nextClosed(): Promise<number> {
      return new Promise((r) => closedWaiting.push(r));
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
