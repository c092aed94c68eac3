import fs from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// The patch to Remix's loader and action calls (decision 099), against the CommonJS build Node loads for
// the server: a request whose URL has none of Remix's own parameters reaches the loader as it is; one
// that has them still reaches it without them, as Remix strips them.

const require = createRequire(import.meta.url);
type CallArgs = { loadContext: unknown; params: object; request: Request; routeId: string; singleFetch: boolean };
type RouteFunction = (a: { request: Request }) => unknown;
const data = require("@remix-run/server-runtime/dist/data.js") as {
  callRouteLoader(args: CallArgs & { loader: RouteFunction }): Promise<unknown>;
  callRouteAction(args: CallArgs & { action: RouteFunction }): Promise<unknown>;
};

/** The request the route's loader (or action) was given for `request`. */
async function seenBy(kind: "loader" | "action", request: Request, singleFetch = true): Promise<Request> {
  let seen: Request | undefined;
  const fn: RouteFunction = ({ request: r }) => {
    seen = r;
    return null;
  };
  const common = { loadContext: {}, params: {}, request, routeId: "routes/x", singleFetch };
  await (kind === "loader" ? data.callRouteLoader({ ...common, loader: fn }) : data.callRouteAction({ ...common, action: fn }));
  return seen!;
}

describe("Remix's loader and action calls (patched)", () => {
  it("give a request without Remix's parameters to the loader as it is", async () => {
    const request = new Request("http://127.0.0.1/contests/7?tab=ranking&q=%E5%85%9A%20%E5%8F%B2", { headers: { Cookie: "s=1" } });
    const seen = await seenBy("loader", request);
    expect(seen).toBe(request);
    expect(new URL(seen.url).searchParams.get("q")).toBe("党 史");
    expect(await seenBy("loader", request, false)).toBe(request);
  });

  it("give an action its request as it is, body and all", async () => {
    const request = new Request("http://127.0.0.1/contests/7", {
      method: "POST",
      body: "intent=start",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    const seen = await seenBy("action", request);
    expect(seen).toBe(request);
    expect((await seen.formData()).get("intent")).toBe("start");
  });

  it("still strip an empty index, _routes and _data as Remix does", async () => {
    const index = await seenBy("loader", new Request("http://127.0.0.1/classes?index&tab=1"));
    expect(new URL(index.url).searchParams.has("index")).toBe(false);
    expect(new URL(index.url).searchParams.get("tab")).toBe("1");
    const kept = await seenBy("action", new Request("http://127.0.0.1/classes?index=x", { method: "POST", body: new URLSearchParams({ a: "1" }) }));
    expect(new URL(kept.url).searchParams.getAll("index")).toEqual(["x"]);
    expect((await kept.formData()).get("a")).toBe("1");
    const routes = await seenBy("loader", new Request("http://127.0.0.1/contests/7?_routes=root,routes/x"));
    expect(new URL(routes.url).search).toBe("");
    const dataParam = await seenBy("loader", new Request("http://127.0.0.1/contests/7?_data=root"), false);
    expect(new URL(dataParam.url).search).toBe("");
  });

  it("is the build Node loads (the patch is applied)", () => {
    const source = fs.readFileSync(require.resolve("@remix-run/server-runtime/dist/data.js"), "utf8");
    expect(source).toContain(`if (!url.searchParams.has("index")) return request;`);
  });
});
