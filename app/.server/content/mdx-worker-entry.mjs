// The MDX compiler's thread (started by mdx-worker-pool.ts). Plain JavaScript, so that it starts the
// same way from the built server, the dev server and vitest: it registers tsx for this thread only,
// then loads the compiler, which is TypeScript like the rest of the app.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../../../tsconfig.json", import.meta.url)) });
await import("./mdx-worker.ts");
