import { z } from "zod";

// zod's own messages (a missing field, a wrong type) in Simplified Chinese, wherever a schema has no
// message of its own. Imported for its effect by app/lib/zod-form.ts, which every form's parse goes
// through on the server and in the browser (so a page without a form loads no zod), and by
// app/entry.server.tsx for any parse on the server.
z.config(z.locales.zhCN());

// In the browser zod parses without compiling its fast paths: its probe for `new Function` is refused
// by our Content-Security-Policy (no 'unsafe-eval'), and Chrome reports the refusal as a CSP issue on
// every page with a form even though zod catches it (Lighthouse's best practices, issue 15). The server
// has no CSP and keeps the compiled paths.
z.config({ jitless: typeof document !== "undefined" });
