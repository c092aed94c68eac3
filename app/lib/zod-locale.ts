import { z } from "zod";

// zod's own messages (a missing field, a wrong type) in Simplified Chinese, wherever a schema has no
// message of its own. Imported for its effect by app/lib/zod-form.ts, which every form's parse goes
// through on the server and in the browser (so a page without a form loads no zod), and by
// app/entry.server.tsx for any parse on the server.
z.config(z.locales.zhCN());
