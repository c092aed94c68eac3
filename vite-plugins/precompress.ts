import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { type Plugin } from "vite";

// Writes a brotli (.br) and a gzip (.gz) copy beside each compressible file of the client build's
// assets/, once the client bundle is written. The files are hashed and never change, so they are
// compressed once here at the strongest settings (brotli 11, gzip 9) instead of on every request;
// server.ts serves the copy the browser accepts (app/.server/http/precompressed.ts).

const COMPRESSIBLE = /\.(?:js|mjs|css|svg|json|txt|map|webmanifest)$/;
const MIN_BYTES = 1024; // below this the encoding's own bytes outweigh the saving
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

export function precompressPlugin(): Plugin {
  let assetsDir = "";
  let isServerBuild = false;
  return {
    name: "wsdx-precompress",
    apply: "build",
    configResolved(config) {
      assetsDir = path.resolve(config.root, config.build.outDir, config.build.assetsDir);
      isServerBuild = Boolean(config.build.ssr);
    },
    async writeBundle() {
      if (isServerBuild || !fs.existsSync(assetsDir)) return;
      await Promise.all(
        fs
          .readdirSync(assetsDir)
          .filter((name) => COMPRESSIBLE.test(name))
          .map((name) => precompress(path.join(assetsDir, name))),
      );
    },
  };
}

export async function precompress(file: string): Promise<void> {
  const bytes = fs.readFileSync(file);
  if (bytes.length < MIN_BYTES) return;
  const [br, gz] = await Promise.all([
    brotli(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
    gzip(bytes, { level: 9 }),
  ]);
  // A copy that is not smaller is not worth serving.
  if (br.length < bytes.length) fs.writeFileSync(`${file}.br`, br);
  if (gz.length < bytes.length) fs.writeFileSync(`${file}.gz`, gz);
}
