import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { type Plugin } from "vite";

// Builds the service worker (app/pwa/service-worker.ts) into the client build as /sw.js, once the
// client bundle is written. Its BUILD_VERSION is a hash of the bundle's file names (they carry their
// content hashes) and the worker's own source: a deploy that changes anything the browser loads
// changes /sw.js byte for byte, which is what makes browsers install the new worker (decision 055).

const ENTRY = path.join(import.meta.dirname, "service-worker.ts");

export function serviceWorkerPlugin(): Plugin {
  let outDir = "";
  let isServerBuild = false;
  return {
    name: "wsdx-service-worker",
    apply: "build",
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
      isServerBuild = Boolean(config.build.ssr);
    },
    async writeBundle(_options, bundle) {
      if (isServerBuild) return;
      const source = await esbuild.build({
        entryPoints: [ENTRY],
        bundle: true,
        write: false,
        format: "iife",
        target: "es2022",
        minify: true,
        alias: { "~": path.resolve(import.meta.dirname, "..") },
        define: { BUILD_VERSION: '"__BUILD_VERSION__"' },
      });
      const code = source.outputFiles[0].text;
      const version = crypto.createHash("sha256").update(Object.keys(bundle).sort().join("\n")).update(code).digest("hex").slice(0, 12);
      fs.writeFileSync(path.join(outDir, "sw.js"), code.replace('"__BUILD_VERSION__"', JSON.stringify(version)));
    },
  };
}
