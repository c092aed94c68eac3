import { fromMarkdown } from "mdast-util-from-markdown";
import { type MdxNode, sanitizeTree } from "./mdx-tree";

// What a member writes in a discussion post: a small Markdown subset (paragraphs, emphasis, lists,
// links, quotes, code), turned on the server into the same tree of plain data a lesson compiles to
// (app/lib/mdx-tree.ts), sanitised by the same `sanitizeTree` and `safeHref`, rendered by the same
// component (app/components/mdx/mdx-content.tsx). Nothing is evaluated: the text is parsed as
// CommonMark, not MDX, so `{…}`, `import`, `export` and `<tag>` are plain text a member may type
// (a `<` in "a < b" is not a syntax error), and raw HTML is shown as the characters typed, never as
// markup. Decision 049.

export const POST_MAX_CHARS = 5000;

/** The tags a post may produce: a subset of the lesson tags, no headings, tables, images or footnotes. */
export const POST_TAGS = new Set(["p", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "br", "hr"]);

/** Past this depth of quotes or lists inside each other, the rest is kept as its plain text. */
const MAX_DEPTH = 12;

type MdNode = {
  type: string;
  value?: string;
  url?: string;
  ordered?: boolean | null;
  start?: number | null;
  alt?: string | null;
  children?: MdNode[];
};

function plainText(n: MdNode): string {
  if (typeof n.value === "string") return n.value;
  if (n.type === "image") return n.alt ?? "";
  return (n.children ?? []).map(plainText).join("");
}

function convert(nodes: readonly MdNode[], depth: number): MdxNode[] {
  const out: MdxNode[] = [];
  for (const n of nodes) {
    const kids = () => (depth >= MAX_DEPTH ? [plainText(n)] : convert(n.children ?? [], depth + 1));
    switch (n.type) {
      case "text":
        out.push(n.value ?? "");
        break;
      // Raw HTML is what the member typed, shown as such.
      case "html":
        out.push(n.value ?? "");
        break;
      case "paragraph":
        out.push({ t: "p", c: kids() });
        break;
      // A heading in a post reads as a bold paragraph: posts have no outline of their own.
      case "heading":
        out.push({ t: "p", c: [{ t: "strong", c: kids() }] });
        break;
      case "emphasis":
        out.push({ t: "em", c: kids() });
        break;
      case "strong":
        out.push({ t: "strong", c: kids() });
        break;
      case "list":
        out.push({ t: n.ordered ? "ol" : "ul", ...(n.ordered && n.start && n.start !== 1 ? { p: { start: String(n.start) } } : {}), c: kids() });
        break;
      case "listItem":
        out.push({ t: "li", c: kids() });
        break;
      case "blockquote":
        out.push({ t: "blockquote", c: kids() });
        break;
      case "inlineCode":
        out.push({ t: "code", c: [n.value ?? ""] });
        break;
      case "code":
        out.push({ t: "pre", c: [{ t: "code", c: [n.value ?? ""] }] });
        break;
      case "break":
        out.push({ t: "br" });
        break;
      case "thematicBreak":
        out.push({ t: "hr" });
        break;
      // A link keeps its target only when `safeHref` (the lesson rule) allows it; sanitizeTree drops the rest.
      case "link":
        out.push({ t: "a", p: { href: n.url ?? "" }, c: kids() });
        break;
      // Images, references and anything else become their text: a post loads nothing.
      default:
        out.push(plainText(n));
    }
  }
  return out;
}

/** Keeps only the post subset of a sanitised tree; a tag outside it gives way to its children. */
function postSubset(nodes: readonly MdxNode[]): MdxNode[] {
  return nodes.flatMap((n): MdxNode[] => {
    if (typeof n === "string") return [n];
    const c = postSubset(n.c ?? []);
    if (!POST_TAGS.has(n.t)) return c;
    if (n.t === "a" && !n.p?.href) return c;
    return [{ t: n.t, ...(n.p ? { p: n.p } : {}), ...(c.length ? { c } : {}) }];
  });
}

export type PostMarkdownResult = { ok: true; tree: MdxNode[] } | { ok: false; message: string };

/** The tree a post's Markdown renders to, or why it cannot be posted. */
export function renderPostMarkdown(source: string): PostMarkdownResult {
  const text = source.replace(/\r\n?/g, "\n");
  if (text.trim() === "") return { ok: false, message: "请填写内容" };
  if (text.length > POST_MAX_CHARS) return { ok: false, message: `内容有 ${text.length} 字，超过 ${POST_MAX_CHARS} 字的上限` };
  try {
    const root = fromMarkdown(text) as unknown as MdNode;
    return { ok: true, tree: postSubset(sanitizeTree(convert(root.children ?? [], 0))) };
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, message: "内容嵌套层次过深（如连续的 > 引用或 - 列表），请简化后重试" };
    throw e;
  }
}

/** The numbers after @ in a post's text outside code: `@2021001` mentions the person with that number. */
export function mentionedNumbers(source: string): string[] {
  const withoutCode = source.replace(/```[\s\S]*?(```|$)/g, " ").replace(/`[^`\n]*`/g, " ");
  const found = new Set<string>();
  for (const m of withoutCode.matchAll(/(^|[^\w@.])@([A-Za-z0-9_-]{2,32})/g)) found.add(m[2]);
  return [...found].slice(0, 20);
}
