// The text extraction's thread (started by extract-runner.ts). Plain JavaScript, so that it starts the
// same way from the built server, the dev server and vitest, like the similarity check's: it registers
// tsx for this thread only, then loads the extraction, which is TypeScript like the rest of the app.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../../../tsconfig.json", import.meta.url)) });
await import("./extract-worker.ts");
