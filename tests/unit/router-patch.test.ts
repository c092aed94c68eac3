import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { routerPatchProblem } from "~/.server/router-patch";

// The start-up check (decision 017) against the router Node loads, and against copies of its CommonJS
// build loaded on their own: one as installed (patched), one with the patch taken off again.

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const BUILD = "node_modules/@remix-run/router/dist/router.cjs.js";
const PATCH = path.join(ROOT, "patches", "@remix-run+router+1.23.3.patch");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "router-patch-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function copyOfRouter(name: string, unpatch: boolean) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.dirname(path.join(dir, BUILD)), { recursive: true });
  fs.copyFileSync(path.join(ROOT, BUILD), path.join(dir, BUILD));
  // Outside any repository `git apply` works on plain files, like patch(1).
  if (unpatch) execFileSync("git", ["apply", "-R", PATCH], { cwd: dir });
  return createRequire(path.join(dir, "probe.js"))(path.join(dir, BUILD));
}

type RouteObject = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; children?: RouteObject[] };
type Match = { route: { id: string }; params: Record<string, string | undefined>; pathname: string; pathnameBase: string };
type MatchRoutes = (routes: RouteObject[], location: string) => Match[] | null;

// The app's own route tree, as Remix builds it from app/routes, plus routes of the shapes the app has not
// used yet (a parameter or a splat first, an optional segment, a case-sensitive path, a non-ASCII one).
function appRoutes(): RouteObject[] {
  const { UNSAFE_flatRoutes } = createRequire(import.meta.url)("@remix-run/dev") as {
    UNSAFE_flatRoutes(appDir: string): Record<string, { id: string; parentId?: string; path?: string; index?: boolean; caseSensitive?: boolean }>;
  };
  const manifest = UNSAFE_flatRoutes(path.join(ROOT, "app"));
  const build = (parentId: string): RouteObject[] =>
    Object.values(manifest)
      .filter((r) => (r.parentId ?? "root") === parentId)
      .map((r) => ({ id: r.id, path: r.path, index: r.index, caseSensitive: r.caseSensitive, children: build(r.id) }));
  const extra: RouteObject[] = [
    { id: "x-param-first", path: ":lang/notes" },
    { id: "x-optional", path: "(:year)?/archive" },
    { id: "x-case", path: "CaseSensitive/page", caseSensitive: true },
    { id: "x-chinese", path: "党校/:id" },
    { id: "x-dot", path: "sitemap.xml" },
    { id: "x-layout", children: [{ id: "x-layout-child", path: "inside/:id" }] },
    { id: "x-splat", path: "*" },
  ];
  return [{ id: "root", path: "", children: [...build("root"), ...extra] }];
}

function pathnamesFor(routes: RouteObject[]): string[] {
  const out = new Set([
    "/",
    "//",
    "",
    "/nowhere",
    "/NOWHERE/at/all",
    "/%E5%85%9A%E6%A0%A1/7",
    "/党校/7",
    "/casesensitive/page",
    "/CaseSensitive/page",
    "/2024/archive",
    "/archive",
    "/zh/notes",
    "/sitemap.xml",
    "/SITEMAP.XML",
    "/inside/3",
    "/\u212Aontests/1",
  ]);
  const walk = (rs: RouteObject[], prefix: string) => {
    for (const r of rs) {
      const own = r.path ? `${prefix}/${r.path}` : prefix;
      for (const value of ["1", "%E5%85%9A", "a%2Fb"]) {
        const filled =
          own
            .replace(/\(([^)]*)\)\?/g, "$1")
            .replace(/:[\w-]+\??/g, value)
            .replace(/\*$/, "a/b") || "/";
        out.add(filled);
        out.add(filled.toUpperCase());
        out.add(`${filled}/`);
        out.add(`${filled}/extra`);
        out.add(`/${filled}`);
      }
      walk(r.children ?? [], own);
    }
  };
  walk(routes, "");
  return [...out];
}

const summary = (matches: Match[] | null) => matches?.map((m) => [m.route.id, m.params, m.pathname, m.pathnameBase]) ?? null;

describe("the patched route matching", () => {
  // The unpatched router flattens and ranks every route on each of its calls: about 2 s on a quiet machine,
  // more than vitest's default 5 s when the machine is loaded.
  it("matches every pathname to the same routes and params as the unpatched router, for the app's routes", { timeout: 60_000 }, () => {
    const patched = copyOfRouter("patched-matching", false) as { matchRoutes: MatchRoutes };
    const unpatched = copyOfRouter("unpatched-matching", true) as { matchRoutes: MatchRoutes };
    const routes = appRoutes();
    const pathnames = pathnamesFor(routes);
    expect(pathnames.length).toBeGreaterThan(1000);
    const differing = pathnames.filter(
      (p) => JSON.stringify(summary(patched.matchRoutes(routes, p))) !== JSON.stringify(summary(unpatched.matchRoutes(routes, p))),
    );
    expect(differing).toEqual([]);
    // The check is not empty: most pathnames reach a route of their own, not the splat.
    const leaves = pathnames.map((p) => patched.matchRoutes(routes, p)?.at(-1)?.route.id);
    expect(new Set(leaves).size).toBeGreaterThan(100);
  });
});

describe("the router patch check", () => {
  it("passes the router the server loads", () => {
    expect(routerPatchProblem()).toBeNull();
  });

  it("passes a patched copy and refuses an unpatched one, saying what to run", () => {
    expect(routerPatchProblem(copyOfRouter("patched", false))).toBeNull();
    const problem = routerPatchProblem(copyOfRouter("unpatched", true));
    expect(problem).toContain("The patch to @remix-run/router is not in place");
    expect(problem).toContain("npx patch-package --error-on-fail --error-on-warn");
  });
});
