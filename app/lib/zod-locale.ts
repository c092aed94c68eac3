import { config, locales } from "zod";

// zod's own messages (a missing field, a wrong type) in Simplified Chinese, wherever a schema has no
// message of its own. Imported for its effect by app/lib/zod-form.ts, which every form's parse goes
// through on the server and in the browser, and by app/entry.server.tsx.
// Called by name, not as `z.config`: the client build treats `z.…()` calls as pure so that schemas a
// page does not use are dropped from its bundle (vite.config.ts), and this call is kept for its effect.
config(locales.zhCN());
