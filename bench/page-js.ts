import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { type AgnosticRouteObject, matchRoutes } from "@remix-run/router";

// The JavaScript each page loads, read from the client build (run `npm run build` first):
//   npx tsx bench/page-js.ts
// For each page, the critical path is what Remix puts in the HTML as module preloads and scripts: the
// route manifest, the client entry and its imports, and every matched route's module and imports. A
// video lesson loads the player on the first tap of 播放视频 (decision 072): those dynamic imports are
// not on the critical path and are printed apart, after the page's figures.
// Sizes are of the files as built, compressed here with brotli (quality 11, as the build's .br files)
// and gzip (level 9). It prints; it asserts nothing.

type ManifestRoute = { id: string; parentId?: string; path?: string; index?: boolean; module: string; imports?: string[] };
type Manifest = { entry: { module: string; imports: string[] }; routes: Record<string, ManifestRoute>; url?: string };

const PAGES: { name: string; url: string; lazy?: RegExp }[] = [
  { name: "login", url: "/login" },
  { name: "home", url: "/" },
  { name: "catalogue", url: "/courses" },
  { name: "course", url: "/courses/some-course" },
  { name: "text lesson", url: "/courses/some-course/some-lesson" },
  { name: "video lesson", url: "/courses/some-course/some-lesson", lazy: /video/i },
  { name: "quiz attempt", url: "/quizzes/1/attempts/1" },
  { name: "contest entry", url: "/contests/1" },
  { name: "hours", url: "/hours" },
  { name: "reports", url: "/manage/reports" },
];

const assetsDir = path.resolve("build", "client", "assets");
if (!fs.existsSync(assetsDir)) throw new Error("No client build: run `npm run build` first.");
const manifestFile = fs.readdirSync(assetsDir).find((f) => /^manifest-[\w-]+\.js$/.test(f));
if (!manifestFile) throw new Error("No route manifest in build/client/assets");
const manifestText = fs.readFileSync(path.join(assetsDir, manifestFile), "utf8");
const manifest = JSON.parse(manifestText.slice(manifestText.indexOf("{"), manifestText.lastIndexOf("}") + 1)) as Manifest;

function routeTree(parentId: string | undefined): AgnosticRouteObject[] {
  return Object.values(manifest.routes)
    .filter((r) => r.parentId === parentId)
    .map((r) => (r.index ? { id: r.id, path: r.path, index: true as const } : { id: r.id, path: r.path, children: routeTree(r.id) }));
}
const routes = routeTree(undefined);

const sizes = new Map<string, { raw: number; br: number; gz: number }>();
function sizeOf(file: string) {
  let s = sizes.get(file);
  if (!s) {
    const bytes = fs.readFileSync(path.join(assetsDir, path.basename(file)));
    s = {
      raw: bytes.length,
      br: zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      gz: zlib.gzipSync(bytes, { level: 9 }).length,
    };
    sizes.set(file, s);
  }
  return s;
}

/** A chunk's dynamic imports (`import("./x.js")`), with the static imports of each, transitively. */
function lazyChunks(file: string, wanted: RegExp, seen: Set<string>): string[] {
  const text = fs.readFileSync(path.join(assetsDir, path.basename(file)), "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/import\("\.\/([\w.-]+\.js)"\)/g)) if (wanted.test(m[1])) found.push(...staticClosure(m[1], seen));
  // Vite lists a dynamic import's own dependencies in its preload map (__vite__mapDeps).
  for (const m of text.matchAll(/"assets\/([\w.-]+\.js)"/g)) if (wanted.test(m[1])) found.push(...staticClosure(m[1], seen));
  return found;
}
function staticClosure(file: string, seen: Set<string>): string[] {
  const name = path.basename(file);
  if (seen.has(name)) return [];
  seen.add(name);
  const text = fs.readFileSync(path.join(assetsDir, name), "utf8");
  const out = [name];
  for (const m of text.matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)) out.push(...staticClosure(m[1], seen));
  return out;
}

const kb = (n: number) => (n / 1024).toFixed(1);
console.info(`JavaScript per page (KB), from ${path.relative(process.cwd(), assetsDir)}/${manifestFile}`);
console.info(["page".padEnd(14), "files", "raw".padStart(8), "brotli".padStart(8), "gzip".padStart(8), "  largest (brotli KB)"].join(" "));
for (const page of PAGES) {
  const matches = matchRoutes(routes, page.url) ?? [];
  const files = new Set<string>([manifestFile, manifest.entry.module, ...manifest.entry.imports]);
  for (const m of matches) {
    const r = manifest.routes[m.route.id!];
    files.add(r.module);
    for (const i of r.imports ?? []) files.add(i);
  }
  const critical = [...files].map((f) => path.basename(f));
  const seen = new Set(critical);
  const lazy = page.lazy ? critical.flatMap((f) => lazyChunks(f, page.lazy!, seen)) : [];
  const all = critical;
  const total = all.reduce((t, f) => ({ raw: t.raw + sizeOf(f).raw, br: t.br + sizeOf(f).br, gz: t.gz + sizeOf(f).gz }), { raw: 0, br: 0, gz: 0 });
  const largest = all
    .sort((a, b) => sizeOf(b).br - sizeOf(a).br)
    .slice(0, 4)
    .map((f) => `${f.replace(/-[\w]{8}\.js$/, "")} ${kb(sizeOf(f).br)}`)
    .join(", ");
  console.info(
    [page.name.padEnd(14), String(all.length).padStart(5), kb(total.raw).padStart(8), kb(total.br).padStart(8), kb(total.gz).padStart(8), " ", largest].join(
      " ",
    ) + (lazy.length ? ` (+ ${lazy.length} on the tap of 播放视频: ${kb(lazy.reduce((t, f) => t + sizeOf(f).br, 0))} brotli)` : ""),
  );
}
