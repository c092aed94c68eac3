import { z } from "zod";

// zod's own messages (a missing field, a wrong type) in Simplified Chinese, wherever a schema has no
// message of its own. Imported for its effect by app/root.tsx, which both the server build and the
// browser bundle evaluate before any form is checked.
z.config(z.locales.zhCN());
