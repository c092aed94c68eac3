import net from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgListener } from "~/.server/pg-listener";
import { freshPostgresDatabase, type TestDatabase } from "../support/postgres";

// The LISTEN connection of decision 077 when its peer goes silent: no error, no close, just nothing
// (a dropped network, a frozen server). The listener reaches the test cluster through a TCP relay of
// this file's own that can freeze the connections it carries, as such a network would: bytes stop in
// both directions and neither end is told. The listener's probe must find the connection dead within
// its limit, reconnect (through the relay, which carries new connections normally) and catch up.

let db: TestDatabase;
let relay: net.Server;
let relayPort = 0;
/** The relay's connections, each a client socket and its server socket. */
const pairs: { client: net.Socket; server: net.Socket; frozen: boolean }[] = [];

beforeAll(async () => {
  db = await freshPostgresDatabase();
  const target = new URL(db.url);
  relay = net.createServer((client) => {
    const server = net.connect(Number(target.port), target.hostname);
    const pair = { client, server, frozen: false };
    pairs.push(pair);
    client.on("data", (b) => {
      if (!pair.frozen) server.write(b);
    });
    server.on("data", (b) => {
      if (!pair.frozen) client.write(b);
    });
    const close = () => {
      client.destroy();
      server.destroy();
    };
    client.on("close", close).on("error", close);
    server.on("close", close).on("error", close);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  relayPort = (relay.address() as net.AddressInfo).port;
});

afterAll(async () => {
  for (const p of pairs) {
    p.client.destroy();
    p.server.destroy();
  }
  await new Promise((resolve) => relay?.close(resolve));
  await db?.drop();
});

async function until(what: string, probe: () => boolean, timeoutMs = 15_000) {
  const t0 = Date.now();
  while (!probe()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("a LISTEN connection whose peer goes silent", () => {
  it("is found dead by its probe, replaced, and caught up; notices are heard again", async () => {
    const url = new URL(db.url);
    url.host = `127.0.0.1:${relayPort}`;
    const heard: string[] = [];
    const troubles: string[] = [];
    let catchUps = 0;
    const listener = new PgListener({
      url: url.toString(),
      channel: "listener_test",
      onNotification: (payload) => heard.push(payload),
      onListening: () => catchUps++,
      onTrouble: (e) => troubles.push(e.message),
      minRetryMs: 50,
      maxRetryMs: 200,
      probeEveryMs: 300,
      probeTimeoutMs: 1000,
    });
    const notifier = new pg.Client({ connectionString: db.url });
    await notifier.connect();
    try {
      listener.start();
      await until("listening", () => listener.listening);
      await notifier.query("NOTIFY listener_test, 'before'");
      await until("the first notice", () => heard.includes("before"));

      // The network goes silent: every connection the relay carries stops passing bytes, unannounced.
      const frozen = pairs.filter((p) => !p.client.destroyed);
      for (const p of frozen) p.frozen = true;
      await notifier.query("NOTIFY listener_test, 'unheard'");
      await until("the silent connection noticed", () => troubles.some((t) => /did not answer within 1000 ms/.test(t)));
      await until("a new connection listening", () => listener.listening && listener.connects === 2);
      expect(catchUps).toBe(2);
      expect(heard).not.toContain("unheard");

      await notifier.query("NOTIFY listener_test, 'after'");
      await until("a notice on the new connection", () => heard.includes("after"));
      // The frozen relay connection was closed by the listener, not left open.
      await until("the frozen connection closed", () => frozen.every((p) => p.client.destroyed));
    } finally {
      await listener.stop();
      await notifier.end();
    }
  }, 60_000);
});
