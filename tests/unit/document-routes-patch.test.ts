import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// The patches to the document render's routes (decision 088), against the CommonJS builds Node loads
// for the server: Remix's server routes are made once per build manifest and made again when a route's
// module differs; React Router's static router makes its data routes once per routes array. Without
// the patches each document made both anew, and matched over them without decision 017's cache.

const require = createRequire(import.meta.url);
type Manifest = Record<string, { id: string; parentId?: string; path?: string; index?: boolean; hasLoader: boolean }>;
type RouteModule = { default: () => null };
const remixRoutes = require("@remix-run/react/dist/routes.js") as {
  createServerRoutes(manifest: Manifest, modules: Record<string, RouteModule>, future: object, isSpaMode: boolean): { id: string; children?: unknown[] }[];
};
const staticRouter = require("react-router-dom/server.js") as {
  createStaticRouter(routes: unknown[], context: { matches: { route: { id: string } }[]; basename?: string }): { routes: unknown[] };
};

const manifest = (): Manifest => ({
  root: { id: "root", path: "", hasLoader: true },
  "routes/a": { id: "routes/a", parentId: "root", path: "a", hasLoader: true },
  "routes/b": { id: "routes/b", parentId: "root", path: "b", hasLoader: false },
});
const modules = (): Record<string, RouteModule> => ({
  root: { default: () => null },
  "routes/a": { default: () => null },
  "routes/b": { default: () => null },
});

describe("Remix's server routes for a document", () => {
  it("are the same tree for the same manifest and modules, request after request", () => {
    const m = manifest();
    const mods = modules();
    const future = {};
    const first = remixRoutes.createServerRoutes(m, mods, future, false);
    // Each request passes a new object of the same modules (createEntryRouteModules).
    const second = remixRoutes.createServerRoutes(m, { ...mods }, future, false);
    expect(second).toBe(first);
    expect(first[0].id).toBe("root");
    expect(first[0].children).toHaveLength(2);
  });

  it("are made again when a route's module differs or the manifest is another", () => {
    const m = manifest();
    const mods = modules();
    const future = {};
    const first = remixRoutes.createServerRoutes(m, mods, future, false);
    expect(remixRoutes.createServerRoutes(m, { ...mods, "routes/a": { default: () => null } }, future, false)).not.toBe(first);
    expect(remixRoutes.createServerRoutes(manifest(), mods, future, false)).not.toBe(first);
  });
});

describe("React Router's static router", () => {
  it("makes its data routes once for the same routes array", () => {
    const routes = [{ id: "root", path: "/", children: [{ id: "a", path: "a" }] }];
    const context = { matches: [{ route: { id: "root" } }] };
    const first = staticRouter.createStaticRouter(routes, context);
    const second = staticRouter.createStaticRouter(routes, { matches: [{ route: { id: "root" } }] });
    expect(second.routes).toBe(first.routes);
    expect(staticRouter.createStaticRouter([...routes], context).routes).not.toBe(first.routes);
  });
});
