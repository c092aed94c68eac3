import { describe, expect, it } from "vitest";
import { type MdxNode } from "~/lib/mdx-tree";
import { POST_MAX_CHARS, POST_TAGS, mentionedNumbers, renderPostMarkdown } from "~/lib/post-markdown";

// The Markdown subset of discussion posts: what a member may write becomes the lessons' plain-data
// tree; nothing in it is markup the member typed, a script, an event attribute or an unsafe link.

const tree = (source: string): MdxNode[] => {
  const r = renderPostMarkdown(source);
  if (!r.ok) throw new Error(r.message);
  return r.tree;
};
const tags = (nodes: readonly MdxNode[]): string[] => nodes.flatMap((n) => (typeof n === "string" ? [] : [n.t, ...tags(n.c ?? [])]));
const hrefs = (nodes: readonly MdxNode[]): string[] =>
  nodes.flatMap((n) => (typeof n === "string" ? [] : [...(n.p?.href ? [n.p.href] : []), ...hrefs(n.c ?? [])]));
const text = (nodes: readonly MdxNode[]): string => nodes.map((n) => (typeof n === "string" ? n : text(n.c ?? []))).join("");

describe("post markdown", () => {
  it("renders the subset: paragraphs, emphasis, lists, links, quotes and code", () => {
    const t = tree("**重点** 和 *强调*\n\n- 一\n- 二\n\n3. 三\n\n> 引用\n\n`code` [链接](https://example.edu.cn/a)\n\n```\nx < y\n```");
    expect(tags(t)).toEqual(["p", "strong", "em", "ul", "li", "p", "li", "p", "ol", "li", "p", "blockquote", "p", "p", "code", "a", "pre", "code"]);
    expect(t.find((n) => typeof n !== "string" && n.t === "ol")).toMatchObject({ p: { start: "3" } });
    expect(hrefs(t)).toEqual(["https://example.edu.cn/a"]);
    expect(text(t)).toContain("x < y");
  });

  it("shows raw HTML as the characters typed and never as a tag", () => {
    const payloads = [
      "<script>alert(1)</script>",
      '<img src=x onerror="alert(1)">',
      '<a href="javascript:alert(1)" onclick="x()">点我</a>',
      "<iframe src=//evil>",
    ];
    for (const p of payloads) {
      const t = tree(p);
      expect(tags(t).every((x) => POST_TAGS.has(x))).toBe(true);
      expect(tags(t)).not.toContain("script");
      expect(JSON.stringify(t)).not.toMatch(/"(onerror|onclick|src)"/);
      expect(text(t)).toContain(p.slice(0, 8));
    }
  });

  it("drops unsafe link targets and keeps the link text", () => {
    for (const href of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x", "//evil.example"]) {
      const t = tree(`[点这里](${href})`);
      expect(hrefs(t)).toEqual([]);
      expect(tags(t)).toEqual(["p"]);
      expect(text(t)).toContain("点这里");
    }
    expect(hrefs(tree("<https://example.edu.cn>"))).toEqual(["https://example.edu.cn"]);
  });

  it("keeps MDX expressions, imports and exports as plain text, evaluating nothing", () => {
    const source = "import fs from 'node:fs'\n\nexport const x = 1\n\n{globalThis.pwned = 1}\n\n<Callout type=\"tip\">x</Callout>";
    const t = tree(source);
    expect(tags(t).every((x) => x === "p")).toBe(true);
    expect(text(t)).toContain("{globalThis.pwned = 1}");
    expect(text(t)).toContain("import fs from 'node:fs'");
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it("turns headings, images and tables into text of the subset", () => {
    const t = tree("# 标题\n\n![图](https://evil/x.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |");
    expect(tags(t).every((x) => POST_TAGS.has(x))).toBe(true);
    expect(text(t)).toContain("标题");
    expect(text(t)).toContain("图");
    expect(JSON.stringify(t)).not.toContain("evil");
  });

  it("refuses empty and over-long posts, and survives deep nesting", () => {
    expect(renderPostMarkdown("  \n ")).toEqual({ ok: false, message: "请填写内容" });
    expect(renderPostMarkdown("字".repeat(POST_MAX_CHARS + 1))).toMatchObject({ ok: false, message: expect.stringContaining(`${POST_MAX_CHARS} 字`) });
    const deep = renderPostMarkdown(">".repeat(4000) + " 深");
    if (deep.ok) expect(text(deep.tree)).toContain("深");
    else expect(deep.message).toContain("嵌套");
  });

  it("finds @mentions outside code", () => {
    expect(mentionedNumbers("请 @2021001 和 @T0002 看看，`@skip` 邮件 a@b.cn\n```\n@2021999\n```")).toEqual(["2021001", "T0002"]);
  });
});
