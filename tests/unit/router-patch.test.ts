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
