import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The folders of app/.server as a graph: A → B when a module under A imports one under B. Decision 038
// keeps this graph from growing loops: a folder that imports a folder which imports it back cannot be
// read, tested or moved on its own.

const ROOT = path.join(process.cwd(), "app/.server");

function modules(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : modules(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

function folderOf(file: string): string | null {
  const parts = path.relative(ROOT, file).split(path.sep);
  return parts.length > 1 && !parts[0].startsWith("..") ? parts[0] : null;
}

function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of modules(ROOT)) {
    const from = folderOf(file);
    if (!from) continue;
    for (const [, spec] of fs.readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
      const target = spec.startsWith("~/.server/")
        ? path.join(ROOT, spec.slice("~/.server/".length))
        : spec.startsWith(".")
          ? path.resolve(path.dirname(file), spec)
          : null;
      const to = target && folderOf(`${target}.ts`);
      if (!to || to === from) continue;
      graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

/** The groups of folders that reach each other (strongly connected, more than one folder). */
function loops(graph: Map<string, Set<string>>): string[][] {
  const reach = (start: string) => {
    const seen = new Set<string>();
    const walk = (v: string) => (graph.get(v) ?? new Set()).forEach((w) => !seen.has(w) && (seen.add(w), walk(w)));
    walk(start);
    return seen;
  };
  const reaches = new Map([...graph.keys()].map((v) => [v, reach(v)]));
  const groups = new Map<string, string[]>();
  for (const v of graph.keys()) {
    const group = [v, ...[...reaches.get(v)!].filter((w) => w !== v && reaches.get(w)?.has(v))].sort();
    if (group.length > 1) groups.set(group.join(), group);
  }
  return [...groups.values()];
}

describe("app/.server's folders", () => {
  it("keep hours/ a leaf: the ledger imports no domain, the credit repair sits beside the sweeper", () => {
    const domains = [...(folderGraph().get("hours") ?? [])].filter((f) => f !== "http" && f !== "generated");
    expect(domains).toEqual([]);
    expect(fs.existsSync(path.join(ROOT, "credit-repair.ts"))).toBe(true);
  });

  it("form no loop: the builder pages' shared action sits above the quiz and contest builders it binds", () => {
    expect(loops(folderGraph())).toEqual([]);
    expect([...(folderGraph().get("builder") ?? [])]).not.toContain("quiz");
  });
});
