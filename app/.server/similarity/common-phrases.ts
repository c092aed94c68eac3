import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseCommonPhrases } from "~/lib/similarity/check";
import { prepareCommonPhrases } from "~/lib/similarity/fingerprint";

// The pack of common formulations and quotations the check ignores (content/similarity/, decision 045),
// read once per thread, reduced like any text. Found under the working directory (the project root),
// or above this module when the server runs elsewhere; a missing pack is an error, not an empty list,
// since without it every shared quotation would count as copied.

const PACK = path.join("content", "similarity", "common-phrases.txt");

function packFile(): string {
  if (fs.existsSync(PACK)) return path.resolve(PACK);
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; path.dirname(dir) !== dir; dir = path.dirname(dir)) if (fs.existsSync(path.join(dir, PACK))) return path.join(dir, PACK);
  throw new Error(`${PACK} not found`);
}

let phrases: string[] | undefined;
export function commonPhrases(): string[] {
  return (phrases ??= prepareCommonPhrases(parseCommonPhrases(fs.readFileSync(packFile(), "utf8"))));
}
