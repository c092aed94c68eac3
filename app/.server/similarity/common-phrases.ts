import fs from "node:fs";
import path from "node:path";
import { parseCommonPhrases } from "~/lib/similarity/check";
import { prepareCommonPhrases } from "~/lib/similarity/fingerprint";

// The pack of common formulations and quotations the check ignores (content/similarity/, decision 045),
// read once per thread, reduced like any text.

export const COMMON_PHRASES_FILE = path.resolve("content/similarity/common-phrases.txt");

let phrases: string[] | undefined;
export function commonPhrases(): string[] {
  return (phrases ??= prepareCommonPhrases(fs.existsSync(COMMON_PHRASES_FILE) ? parseCommonPhrases(fs.readFileSync(COMMON_PHRASES_FILE, "utf8")) : []));
}
