// What a compiled lesson is once it leaves the compiler: a tree of plain data, not code. The server
// compiles trainer MDX with @mdx-js/mdx and runs the result once, on the server, with a recording JSX
// runtime (app/.server/content/mdx-compile.ts); the browser renders the recorded tree with the
// components below (app/components/mdx). No compiled code reaches the browser, so the CSP needs no
// 'unsafe-eval', and whatever the tree holds is checked against these lists twice: when it is
// recorded and when it is rendered.

/** Text, or an element: `t` a tag or component name, `p` its string props, `c` its children. */
export type MdxNode = string | { t: string; p?: Record<string, string>; c?: MdxNode[] };

/** The components a course may use, and the props each accepts (all strings). */
export const MDX_COMPONENTS = {
  /** The lesson's own video player, placed here rather than above the text. */
  Video: { props: [], required: [], children: false },
  /** A boxed passage: a tip, a caution, or a quotation with its source. */
  Callout: { props: ["type", "source"], required: ["type"], children: true },
  /** An image from the course's media folder, with its caption. */
  Figure: { props: ["src", "alt", "caption"], required: ["src", "alt"], children: false },
  /** A checkpoint question from the lesson's frontmatter, placed here in the text. */
  Checkpoint: { props: ["id"], required: ["id"], children: false },
} as const satisfies Record<string, { props: readonly string[]; required: readonly string[]; children: boolean }>;

export type MdxComponentName = keyof typeof MDX_COMPONENTS;

export const CALLOUT_TYPES = ["tip", "note", "quote"] as const;

export function isMdxComponent(name: string): name is MdxComponentName {
  return Object.hasOwn(MDX_COMPONENTS, name);
}

/** The HTML that Markdown (with GFM tables, strikethrough and footnotes) produces, and nothing else. */
export const MDX_TAGS = new Set([
  "p",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "li",
  "a",
  "strong",
  "em",
  "del",
  "blockquote",
  "code",
  "pre",
  "hr",
  "br",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "sup",
  "section",
]);

/** Attributes kept on those tags: a link's target, ids for footnotes, a list's start number. */
export const MDX_TAG_PROPS: Readonly<Record<string, readonly string[]>> = {
  a: ["href", "id"],
  li: ["id"],
  sup: ["id"],
  ol: ["start"],
  h2: ["id"],
  section: ["id"],
};

/**
 * A link target a lesson may use: http(s), mailto, a path on this site or a fragment. Anything else
 * (javascript:, data:, vbscript:, protocol-relative //host) is refused. Control characters and
 * whitespace that browsers strip before parsing are stripped first, so "java\tscript:" is seen as what
 * it is.
 */
export function safeHref(raw: string): string | null {
  // eslint-disable-next-line no-control-regex
  const href = raw.replace(/[\u0000-\u0020\u007f-\u009f]/g, "");
  if (href === "") return null;
  if (href.startsWith("#")) return /^#[\w-]*$/.test(href) ? href : null;
  if (href.startsWith("/")) return href.startsWith("//") || href.startsWith("/\\") ? null : raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href)?.[1]?.toLowerCase();
  return scheme === "http" || scheme === "https" || scheme === "mailto" ? raw.trim() : null;
}

/** A media path inside a course: relative, no parent steps, no scheme. */
export function safeMediaPath(raw: string): string | null {
  const p = raw.trim();
  if (!/^[\w][\w./-]*$/.test(p) || p.split("/").some((s) => s === ".." || s === ".")) return null;
  return p;
}

const ID_PATTERN = /^[\w-]{1,80}$/;

/** Keeps the props a tag or component may carry, as strings, checked; drops everything else. */
export function allowedProps(name: string, props: Record<string, unknown>): Record<string, string> {
  const allowed: readonly string[] = isMdxComponent(name) ? MDX_COMPONENTS[name].props : (MDX_TAG_PROPS[name] ?? []);
  const out: Record<string, string> = {};
  for (const key of allowed) {
    const value = props[key];
    if (typeof value !== "string" && typeof value !== "number") continue;
    const text = String(value);
    if (key === "href") {
      const href = safeHref(text);
      if (href !== null) out.href = href;
    } else if (key === "src") {
      const src = safeMediaPath(text);
      if (src !== null) out.src = src;
    } else if (key === "id") {
      if (ID_PATTERN.test(text)) out.id = text;
    } else if (key === "start") {
      if (/^\d{1,4}$/.test(text)) out.start = text;
    } else out[key] = text.slice(0, 500);
  }
  return out;
}

/** Drops from a tree anything that is not an allowed tag or component with allowed props. */
export function sanitizeTree(nodes: readonly unknown[]): MdxNode[] {
  const out: MdxNode[] = [];
  for (const n of nodes) {
    if (typeof n === "string") out.push(n);
    else if (n && typeof n === "object" && typeof (n as { t?: unknown }).t === "string") {
      const { t, p, c } = n as { t: string; p?: Record<string, unknown>; c?: unknown[] };
      if (!MDX_TAGS.has(t) && !isMdxComponent(t)) continue;
      const props = allowedProps(t, p ?? {});
      const keepChildren = isMdxComponent(t) ? MDX_COMPONENTS[t].children : !["hr", "br"].includes(t);
      const children = keepChildren && Array.isArray(c) ? sanitizeTree(c) : [];
      out.push({ t, ...(Object.keys(props).length ? { p: props } : {}), ...(children.length ? { c: children } : {}) });
    }
  }
  return out;
}

/** The plain text of a tree: for search, summaries and reading-time estimates. */
export function treeText(nodes: readonly MdxNode[]): string {
  return nodes.map((n) => (typeof n === "string" ? n : treeText(n.c ?? []))).join("");
}
