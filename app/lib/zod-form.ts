import "./zod-locale";

// conform's zod parsing, with zod's messages in Chinese first (zod-locale.ts). Forms import it from
// here, never from @conform-to/zod directly: a page that checks a form in the browser gets the locale
// with the parser, and a page without such a form loads neither (decision 062).
export { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
