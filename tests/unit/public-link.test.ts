import { afterEach, describe, expect, it, vi } from "vitest";
import { requestContextStorage } from "~/.server/http/context";

// Where printed QR codes point: configuration, or the address the connection reached, never the
// request's Host header (which is what the request URL's origin is built from).

const ENV_KEYS = ["PUBLIC_URL", "ALLOWED_ORIGINS", "HOST", "PORT"] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

afterEach(() => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

/** publicOrigin under an environment, for a request that reached `local` (as the server records it). */
async function originFor(env: Partial<Record<(typeof ENV_KEYS)[number], string>>, requestUrl: string, local = { address: "127.0.0.1", port: 3000 }) {
  for (const k of ENV_KEYS) delete process.env[k];
  Object.assign(process.env, env);
  vi.resetModules();
  const { publicOrigin } = await import("~/.server/http/public-link");
  const context = { clientAddress: "203.0.113.5", cspNonce: "n", appendHeader: () => {}, local, bodyBudget: { limit: 0 } };
  return requestContextStorage.run(context, () => publicOrigin(requestUrl));
}

describe("publicOrigin", () => {
  it("is PUBLIC_URL whenever it is set", async () => {
    expect(await originFor({ PUBLIC_URL: "https://dangxiao.example.edu.cn" }, "http://evil.example/hours/certificates/1")).toBe(
      "https://dangxiao.example.edu.cn",
    );
    expect(await originFor({ PUBLIC_URL: "https://dangxiao.example.edu.cn/" }, "https://dangxiao.example.edu.cn/x")).toBe("https://dangxiao.example.edu.cn");
  });

  it("keeps the page's origin when the configuration names it, and replaces a forged one", async () => {
    const env = { ALLOWED_ORIGINS: "https://dx.example.edu.cn, https://dangxiao.example.edu.cn", HOST: "0.0.0.0", PORT: "3000" };
    expect(await originFor(env, "https://dangxiao.example.edu.cn/a")).toBe("https://dangxiao.example.edu.cn");
    expect(await originFor(env, "https://evil.example/a")).toBe("https://dx.example.edu.cn");
    expect(await originFor(env, "http://dx.example.edu.cn/a")).toBe("https://dx.example.edu.cn");
  });

  it("without configured origins, accepts the configured host or the reached address on the listening port, nothing else", async () => {
    const env = { HOST: "127.0.0.1", PORT: "0" };
    const local = { address: "127.0.0.1", port: 41234 };
    expect(await originFor(env, "http://127.0.0.1:41234/a", local)).toBe("http://127.0.0.1:41234");
    expect(await originFor(env, "http://evil.example/a", local)).toBe("http://127.0.0.1:41234");
    expect(await originFor(env, "http://127.0.0.1:9999/a", local)).toBe("http://127.0.0.1:41234");
    expect(await originFor({ HOST: "localhost", PORT: "3000" }, "http://localhost:3000/a", { address: "::ffff:127.0.0.1", port: 3000 })).toBe(
      "http://localhost:3000",
    );
    expect(await originFor({ HOST: "0.0.0.0", PORT: "3000" }, "http://evil.example/a", { address: "::ffff:10.1.2.3", port: 3000 })).toBe(
      "http://10.1.2.3:3000",
    );
    expect(await originFor({ HOST: "::", PORT: "3000" }, "http://evil.example/a", { address: "fd00::5", port: 3000 })).toBe("http://[fd00::5]:3000");
  });
});
