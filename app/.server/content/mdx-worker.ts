import { parentPort } from "node:worker_threads";
import { type MdxNode } from "~/lib/mdx-tree";
import { type CompileOptions, MdxRejected, type MdxProblem, compileMdx } from "./mdx-compile";

// Inside the compiler's thread: compiles what the pool sends, one body at a time, and answers with
// the tree or the problems. Everything that parses MDX (the checks' tree walk included) runs here,
// never on the server's event loop.

export type CompileRequest = { body: string; options: CompileOptions };
export type CompileReply = { ok: true; tree: MdxNode[] } | { ok: false; problems: MdxProblem[] } | { ok: false; error: string };

const port = parentPort;
if (port) {
  port.on("message", (request: CompileRequest) => {
    compileMdx(request.body, request.options).then(
      (tree) => port.postMessage({ ok: true, tree } satisfies CompileReply),
      (e: unknown) =>
        port.postMessage((e instanceof MdxRejected ? { ok: false, problems: e.problems } : { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }) satisfies CompileReply),
    );
  });
  port.postMessage("ready");
}
