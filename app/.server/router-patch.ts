import { createRequire } from "node:module";

// The server refuses to start without the patch to Remix's route matching (decision 017): without it
// every request flattens, ranks and compiles every route again, and the heartbeat path loses a fifth of
// its throughput, with nothing else to show for it. `npm ci --ignore-scripts`, a failed postinstall or a
// new version of @remix-run/router would drop the patch silently; this check looks at behaviour, not at
// a marker in the file: the patched matchRoutes keeps the ranked branches of a routes array (a WeakMap),
// so a route pushed onto the same array after a first match is not seen, where the original sees it.

type Router = { matchRoutes(routes: { path: string }[], location: string): unknown[] | null };

const require = createRequire(import.meta.url);

/** Why the route matching Node loads is not the patched one, or null when it is. */
export function routerPatchProblem(router: Router = require("@remix-run/router") as Router): string | null {
  const routes = [{ path: "/router-patch-probe-a" }];
  router.matchRoutes(routes, "/router-patch-probe-b");
  routes.push({ path: "/router-patch-probe-b" });
  if (router.matchRoutes(routes, "/router-patch-probe-b") === null) return null;
  const { version } = require("@remix-run/router/package.json") as { version: string };
  return [
    `The patch to @remix-run/router is not in place (installed version ${version}; decision 017), so route matching would redo its work on every request.`,
    "Apply it with `npx patch-package --error-on-fail --error-on-warn` (or run `npm ci` without --ignore-scripts), then start again.",
    "If @remix-run/router was upgraded, the patch in patches/ no longer fits: remake it for the new version or, on React Router 7, delete it and this check.",
  ].join("\n");
}
