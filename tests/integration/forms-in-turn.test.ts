import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Forms in turn (decision 094), against the real server: a form takes one of its process's turns only
// once its body has arrived whole, so clients that send slowly hold none and pages go on; once the
// bodies have arrived the forms are served from what was read, as if the route had read the stream.

const TOKEN = "forms-in-turn-metrics-token-for-the-tests";
const PASSWORD = "Passw0rd1";
/** More than a process's turns (eight, server.ts). */
const SLOW_SENDERS = 12;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { METRICS_TOKEN: TOKEN } });
  const f = server.factory;
  const root = f.unit({ name: "轮次大学党委", kind: "committee" });
  const hashed = await hashPassword(PASSWORD);
  // One account each: the sign-in throttle would refuse one account signing in twelve times at once.
  for (let i = 1; i <= SLOW_SENDERS; i++) {
    const id = f.person({ number: `LC${i}`, name: `轮次测试${i}`, unitId: root.id, politicalStatus: "member" });
    f.passwordHash(id, hashed);
  }
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

/** The figure of one sample of /metrics, by name and one label. */
async function turns(state: "running" | "waiting"): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text();
  const line = text.split("\n").find((l) => l.startsWith(`http_page_turns{state="${state}"}`));
  if (!line) throw new Error(`no http_page_turns{state="${state}"} in /metrics`);
  return Number(line.split(" ").at(-1));
}

/** A sign-in form sent over a raw connection: its head and the first half of its body now, the rest when asked. */
function slowSignIn(body: string) {
  const { hostname, port } = new URL(server.url);
  const socket = net.connect(Number(port), hostname);
  let received = "";
  socket.setEncoding("utf8");
  socket.on("data", (c: string) => (received += c));
  const closed = new Promise<void>((r) => socket.once("close", () => r()));
  const half = Math.floor(body.length / 2);
  socket.write(
    [
      "POST /login HTTP/1.1",
      `Host: ${hostname}:${port}`,
      `Origin: ${server.url}`,
      "Content-Type: application/x-www-form-urlencoded",
      `Content-Length: ${Buffer.byteLength(body)}`,
      "Connection: close",
      "",
      body.slice(0, half),
    ].join("\r\n"),
  );
  return {
    /** Sends the rest of the body and resolves with the whole answer once the server has closed. */
    async finish(): Promise<string> {
      socket.write(body.slice(half));
      await closed;
      return received;
    },
    get received() {
      return received;
    },
  };
}

describe("forms in turn", () => {
  it("holds no turn for a form whose body is still arriving, and serves it from the whole body once it has", { timeout: 60_000 }, async () => {
    const senders = Array.from({ length: SLOW_SENDERS }, (_, i) => slowSignIn(new URLSearchParams({ username: `LC${i + 1}`, password: PASSWORD }).toString()));
    // Until the server has their heads it cannot hold anything for them: a page asked for after that is
    // served in its turn, and nothing holds or waits for one.
    await new Promise((r) => setTimeout(r, 300));
    const page = await new Client(server.url).get("/login");
    expect(page.status).toBe(200);
    expect([await turns("running"), await turns("waiting")]).toEqual([0, 0]);
    expect(senders.every((s) => s.received === "")).toBe(true);

    const answers = await Promise.all(senders.map((s) => s.finish()));
    for (const answer of answers) {
      // Signed in: the route read the whole form (a half would fail the password, or the form's check).
      expect(answer).toMatch(/^HTTP\/1\.1 302 /);
      expect(answer).toMatch(/^set-cookie: /im);
    }
    expect([await turns("running"), await turns("waiting")]).toEqual([0, 0]);
  });
});
