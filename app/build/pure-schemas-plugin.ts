import { type Plugin } from "vite";

// In the browser build, a `z.…()` call (a zod schema being built) counts as free of side effects, so
// Rollup drops a schema no code of the page uses. Without it every module that holds a schema beside
// the helpers a page needs (app/lib/dates.ts's date fields beside formatDate) pinned zod's 85 KB
// into pages without any form (decision 062). The one zod call made for its effect, the Chinese
// locale, is written without `z.` (app/lib/zod-locale.ts). The server build keeps everything.
export function pureSchemasPlugin(): Plugin {
  return {
    name: "wsdx-pure-schemas",
    apply: "build",
    config(_config, { isSsrBuild }) {
      if (isSsrBuild) return;
      return { build: { rollupOptions: { treeshake: { manualPureFunctions: ["z"] } } } };
    },
  };
}
