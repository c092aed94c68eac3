import { parentPort } from "node:worker_threads";
import { type DocumentKind } from "~/lib/library";
import { termWeights } from "~/lib/search-terms";
import { fileStorage } from "../storage/storage";
import { extractText } from "./text-extract";

// Inside the extraction thread: reads the stored file, extracts its text, weighs its terms, and posts
// them back for the server to store (the thread never writes the database).

export type ExtractRequest = { storedPath: string; kind: DocumentKind; title: string };
export type ExtractOutcome = { weights: [string, number][]; excerpt: string };
export type ExtractReply = { ok: true; outcome: ExtractOutcome } | { ok: false; error: string };

export const excerptOf = (text: string) => text.replace(/\s+/g, " ").trim().slice(0, 160);

const port = parentPort;
if (port) {
  port.on("message", (req: ExtractRequest) => {
    void (async () => {
      try {
        const stored = await fileStorage().get(req.storedPath);
        if (!stored) throw new Error(`no stored file ${req.storedPath}`);
        const bytes = new Uint8Array(stored);
        const text = await extractText(bytes, req.kind);
        port.postMessage({ ok: true, outcome: { weights: [...termWeights(req.title, text)], excerpt: excerptOf(text) } } satisfies ExtractReply);
      } catch (e) {
        port.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) } satisfies ExtractReply);
      }
    })();
  });
  port.postMessage("ready");
}
