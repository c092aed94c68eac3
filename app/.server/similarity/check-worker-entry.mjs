// The similarity check's thread (started by runner.ts). Plain JavaScript, so that it starts the same
// way from the built server, the dev server and vitest, like the MDX compiler's: it registers tsx for
// this thread only, then loads the check, which is TypeScript like the rest of the app.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../../../tsconfig.json", import.meta.url)) });
await import("./check-worker.ts");
