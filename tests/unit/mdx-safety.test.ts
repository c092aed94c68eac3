import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, describe, expect, it } from "vitest";
import { MdxRejected, compileMdx } from "~/.server/content/mdx-compile";
import { MDX_LIMITS, MDX_MEMORY_MESSAGE, MDX_TIMEOUT_MESSAGE, MdxCompiler } from "~/.server/content/mdx-worker-pool";
import { parseSettingsYaml, settingsErrorLine } from "~/.server/content/settings-yaml";
import { LessonMdxProvider, useMdxComponent } from "~/components/mdx/mdx-content";
import { AppError } from "~/lib/app-error";
import { type MdxNode, safeHref, sanitizeTree } from "~/lib/mdx-tree";
import { PATHOLOGICAL_MDX, WORST_PREVIEW } from "../fixtures/pathological-mdx";

// Trainer MDX is untrusted. Every payload below must be refused at compile time with its line and a
// Chinese sentence, and nothing in it may run: a payload that would run on the server during
// compilation sets a global, and the test checks it stayed unset. What does compile is rendered to
// HTML and searched for anything executable.

declare global {
  var __mdxPwned: boolean | undefined;
}

/** [payload, the line the problem is on (the body starts at line 1), what the message must say] */
const PAYLOADS: [string, string, number, RegExp][] = [
  ["import statement", 'import fs from "node:fs"\n\n# 标题', 1, /不允许使用 import 或 export/],
  ["export statement", "正文\n\nexport const x = globalThis.__mdxPwned = true", 3, /不允许使用 import 或 export/],
  ["expression in text", "第一段\n\n结果是 {globalThis.__mdxPwned = true}", 3, /不允许使用花括号/],
  ["block expression", "{(() => { globalThis.__mdxPwned = true })()}", 1, /不允许使用花括号/],
  ["MDX comment (an expression too)", "正文 {/* 注释 */}", 1, /不允许使用花括号/],
  ["expression attribute", '<Callout type={globalThis.__mdxPwned = "tip"}>x</Callout>', 1, /只能是用双引号括起的文字/],
  ["spread attribute", "<Callout {...globalThis}>x</Callout>", 1, /展开属性/],
  ["script tag", "<script>globalThis.__mdxPwned = true</script>", 1, /不支持的标签 <script>/],
  ["inline script tag", "文字 <script>alert(1)</script> 文字", 1, /不支持的标签 <script>/],
  ["iframe", '<iframe src="https://example.com"></iframe>', 1, /不支持的标签 <iframe>/],
  ["img with onerror", '<img src="x" onerror="alert(1)" />', 1, /不支持的标签 <img>/],
  ["div with onClick", '<div onClick="alert(1)">点我</div>', 1, /不支持的标签 <div>/],
  ["event handler on a component", '<Callout type="tip" onMouseOver="alert(1)">x</Callout>', 1, /不支持属性 onMouseOver/],
  ["style attribute on a component", '<Callout type="tip" style="background:url(javascript:alert(1))">x</Callout>', 1, /不支持属性 style/],
  ["javascript: link", "[点我](javascript:alert(1))", 1, /链接地址.*不安全/],
  ["entity-encoded javascript: link", "[点我](&#106;avascript:alert(1))", 1, /不安全/],
  ["javascript: link with a tab, in angle brackets", "[点我](<java\tscript:alert(1)>)", 1, /不安全/],
  ["JAVASCRIPT: link in capitals", "[点我](JAVASCRIPT:alert(1))", 1, /不安全/],
  ["data: link", "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", 1, /不安全/],
  ["vbscript: link", "[点我](vbscript:msgbox(1))", 1, /不安全/],
  ["protocol-relative link", "[点我](//evil.example/x)", 1, /不安全/],
  ["javascript: reference definition", "[点我][x]\n\n[x]: javascript:alert(1)", 3, /不安全/],
  ["markdown image (remote load)", "![x](https://evil.example/track.png)", 1, /请使用 <Figure/],
  ["Figure outside the media folder", '<Figure src="../../data/app.db" alt="x" />', 1, /必须是课程 media 目录中的文件/],
  ["Figure with a URL", '<Figure src="https://evil.example/x.png" alt="x" />', 1, /必须是课程 media 目录中的文件/],
  ["unknown Checkpoint", '<Checkpoint id="nope" />', 1, /没有对应的检查点/],
  ["fragment", "<>文字</>", 1, /片段/],
  ["component lookalike", '<Callout.Secret type="tip">x</Callout.Secret>', 1, /不支持的标签/],
  ["unclosed tag", '第一行\n\n<Callout type="tip">\n\n没有结束', 3, /没有闭合/],
];

describe("MDX payloads are refused at compile time and nothing runs", () => {
  it.each(PAYLOADS)("%s", async (_name, body, line, message) => {
    globalThis.__mdxPwned = undefined;
    const error = await compileMdx(body, { checkpointIds: ["cp1"] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MdxRejected);
    const problems = (error as MdxRejected).problems;
    expect(
      problems.some((p) => p.line === line && message.test(p.message)),
      JSON.stringify(problems),
    ).toBe(true);
    expect(globalThis.__mdxPwned).toBeUndefined();
  });

  it("reports lines as the author sees them in the whole file, frontmatter included", async () => {
    const error = (await compileMdx("正文\n\n<script>x</script>", { lineOffset: 6 }).catch((e: unknown) => e)) as MdxRejected;
    expect(error.problems).toEqual([{ line: 9, message: expect.stringContaining("<script>") }]);
  });

  it("reports every problem at once, not only the first", async () => {
    const error = (await compileMdx("{1}\n\n<script>x</script>\n\n[a](javascript:x)").catch((e: unknown) => e)) as MdxRejected;
    expect(error.problems.map((p) => p.line)).toEqual([1, 3, 5]);
  });
});

// Front matter: gray-matter (inside the compiler this project used before) evaluated a leading `---js`
// block before any check ran. The canaries are a global (the payload runs in this process when
// compileMdx is called directly) and a file (the payload runs in the compiler's thread).
const CANARY = path.join(os.tmpdir(), `mdx-front-matter-canary-${process.pid}`);
const run = `(globalThis.__mdxPwned = true, require("node:fs").writeFileSync(${JSON.stringify(CANARY)}, "ran"), { title: "x" })`;
const FRONT_MATTER: [string, string][] = [
  ["---js", `---js\n${run}\n---\n# 正文`],
  ["---javascript", `---javascript\n${run}\n---\n# 正文`],
  ["--- js (a space before the language)", `--- js\n${run}\n---\n# 正文`],
  ["---JS in capitals", `---JS\n${run}\n---\n# 正文`],
  ["---js after a byte-order mark", `\uFEFF---js\n${run}\n---\n# 正文`],
  ["---js without a closing fence", `---js\n${run}\n# 正文`],
  ["---coffee", `---coffee\nglobalThis.__mdxPwned = true\n---\n# 正文`],
  ["---json", '---json\n{ "title": "x" }\n---\n# 正文'],
  ["YAML front matter with a !!js/function tag", `---\ntitle: !!js/function "function () { ${run} }"\n---\n# 正文`],
  ["plain YAML front matter", "---\ntitle: 标题\n---\n# 正文"],
];

describe("front matter in a lesson body is refused and never evaluated", () => {
  afterAll(() => fs.rmSync(CANARY, { force: true }));
  const compiler = new MdxCompiler();
  afterAll(() => compiler.close());

  it.each(FRONT_MATTER)("%s (compiled here)", async (_name, body) => {
    globalThis.__mdxPwned = undefined;
    const error = await compileMdx(body, { lineOffset: 6 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MdxRejected);
    // The line is the body's first, counted in the whole file (six lines of the file's own settings above).
    expect((error as MdxRejected).problems).toEqual([{ line: 7, message: expect.stringMatching(/正文不能以 --- 开头.*\*\*\*/) }]);
    expect(globalThis.__mdxPwned).toBeUndefined();
    expect(fs.existsSync(CANARY)).toBe(false);
  });

  it.each(FRONT_MATTER)("%s (compiled in the compiler's thread)", async (_name, body) => {
    const error = await compiler.compile(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MdxRejected);
    expect((error as MdxRejected).problems[0].message).toMatch(/正文不能以 --- 开头/);
    expect(fs.existsSync(CANARY)).toBe(false);
  });

  it("keeps --- as a thematic break below the first line", async () => {
    const tree = await compileMdx("第一段\n\n---\n\n第二段");
    expect(tree).toEqual([{ t: "p", c: ["第一段"] }, "\n", { t: "hr" }, "\n", { t: "p", c: ["第二段"] }]);
  });
});

describe("settings YAML (course file frontmatter, checkpoints) is data only", () => {
  it("reads plain YAML", () => {
    expect(parseSettingsYaml("title: 党的性质\nminutes: 10\ntags: [党史, 党章]")).toEqual({ title: "党的性质", minutes: 10, tags: ["党史", "党章"] });
  });

  it.each([
    ["!!js/function", 'title: !!js/function "function () { globalThis.__mdxPwned = true }"', /不允许使用 YAML 标签 !!js\/function/],
    ["!!js/undefined", "title: !!js/undefined ''", /不允许使用 YAML 标签 !!js\/undefined/],
    ["a local tag", "title: !shell rm -rf /", /不允许使用 YAML 标签 !shell/],
    ["!!binary (YAML 1.1, not core)", "cover: !!binary aGk=", /不允许使用 YAML 标签 !!binary/],
    ["!!set", "tags: !!set { a, b }", /不允许使用 YAML 标签 !!set/],
  ])("refuses %s with its line", (_name, yaml, message) => {
    globalThis.__mdxPwned = undefined;
    const error = (() => {
      try {
        parseSettingsYaml(`minutes: 10\n${yaml}`);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(message);
    expect(settingsErrorLine(error as AppError)).toBe(2);
    expect(globalThis.__mdxPwned).toBeUndefined();
  });
});

// Pathological bodies: each is compiled or refused within the compiler's limits, in its thread (a
// test compiler with a shorter time limit than the server's, so the suite stays short), and the
// compiler is usable afterwards. The server-level proof that pages keep answering meanwhile is in
// tests/integration/mdx-limits.test.ts.
const LIMIT_MESSAGES = [MDX_TIMEOUT_MESSAGE, MDX_MEMORY_MESSAGE, "课件内容嵌套层次过深（如连续的 > 引用、- 列表或层层嵌套的组件），无法编译，请简化后重试"];

describe("pathological bodies are compiled or refused within the limits", () => {
  const compiler = new MdxCompiler({ ...MDX_LIMITS, timeMs: 5_000 });
  afterAll(() => compiler.close());

  it.each(PATHOLOGICAL_MDX)("%s", { timeout: 60_000 }, async (_name, body) => {
    const outcome = await compiler.compile(body).then(
      (tree) => ({ tree }),
      (e: unknown) => ({ error: e }),
    );
    if ("error" in outcome) {
      expect(outcome.error).toBeInstanceOf(MdxRejected);
      expect(LIMIT_MESSAGES).toContain((outcome.error as MdxRejected).problems[0].message);
    } else expect(outcome.tree.length).toBeGreaterThan(0);
    // The thread that was stopped (or not) is replaced: the next lesson compiles.
    expect(await compiler.compile("# 下一课\n\n正文")).toEqual([{ t: "h1", c: ["下一课"] }, "\n", { t: "p", c: ["正文"] }]);
  });

  it("refuses a body over the size cap before compiling it", async () => {
    const error = await compiler.compile("党".repeat(MDX_LIMITS.maxChars + 1)).catch((e: unknown) => e);
    expect((error as MdxRejected).problems).toEqual([
      { line: null, message: `课件正文有 ${MDX_LIMITS.maxChars + 1} 字，超过 ${MDX_LIMITS.maxChars} 字的上限，请拆分为多个课时` },
    ]);
  });

  it("gives the same tree in the thread as in this process", async () => {
    const body = '## 标题\n\n正文 **加粗** [链接](https://www.12371.cn)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<Callout type="tip">提示</Callout>';
    expect(await compiler.compile(body)).toEqual(await compileMdx(body));
  });
});

describe("waiting compiles take turns by whoever asked for them", () => {
  const compiler = new MdxCompiler({ ...MDX_LIMITS, timeMs: 1_000 });
  afterAll(() => compiler.close());

  it("compiles another trainer's lesson after one of a trainer's many slow ones, not after all of them", { timeout: 60_000 }, async () => {
    const done: string[] = [];
    const ask = (name: string, body: string, owner: string) =>
      compiler.compile(body, {}, owner).then(
        () => done.push(name),
        () => done.push(name),
      );
    const slow = (i: number) => `${WORST_PREVIEW}${i}`;
    await Promise.all([ask("a1", slow(1), "7"), ask("a2", slow(2), "7"), ask("a3", slow(3), "7"), ask("b1", "## 别人的课\n\n正文", "8")]);
    expect(done).toEqual(["a1", "b1", "a2", "a3"]);
  });
});

describe("what compiles is data, and renders to nothing executable", () => {
  const body = [
    "## 党的性质",
    "",
    "正文 **加粗** [中国共产党新闻网](https://www.12371.cn) 与 [站内](/courses) 及 [邮件](mailto:dangxiao@example.edu.cn)。",
    "",
    "| 阶段 | 时间 |",
    "|---|---|",
    "| 积极分子 | 一年以上 |",
    "",
    '<Callout type="quote" source="《中国共产党章程》第一条">',
    "年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子……",
    "</Callout>",
    "",
    '<Figure src="media/flow.svg" alt="入党程序" caption="入党程序示意" />',
    "",
    '<Checkpoint id="cp1" />',
    "",
    "<Video />",
  ].join("\n");

  it("compiles the offered components and Markdown to a plain tree", async () => {
    const tree = await compileMdx(body, { checkpointIds: ["cp1"] });
    const json = JSON.stringify(tree);
    expect(json).toContain('{"t":"Callout","p":{"type":"quote","source":"《中国共产党章程》第一条"}');
    expect(json).toContain('{"t":"Figure","p":{"src":"media/flow.svg","alt":"入党程序","caption":"入党程序示意"}}');
    expect(json).toContain('{"t":"Checkpoint","p":{"id":"cp1"}}');
    expect(json).toContain('{"t":"table"');
    expect(JSON.parse(json)).toEqual(tree);
  });

  it("renders it with the offered components and links that open safely", async () => {
    const tree = await compileMdx(body, { checkpointIds: ["cp1"] });
    const html = renderTree(tree);
    expect(html).toContain("<h2>党的性质</h2>");
    expect(html).toContain('<img src="/media/c1/media/flow.svg" alt="入党程序" loading="lazy"');
    expect(html).toContain('href="https://www.12371.cn" target="_blank" rel="noopener noreferrer nofollow"');
    expect(html).toContain("[检查点 cp1]");
    expect(html).toContain("[视频]");
    expect(html).toContain("——《中国共产党章程》第一条");
  });

  it("drops from a stored tree whatever the compiler would never have produced", () => {
    // As if the cache had been tampered with: script elements, event handlers, javascript: URLs.
    const forged = [
      { t: "script", c: ["alert(1)"] },
      { t: "p", p: { onClick: "alert(1)", style: "x", dangerouslySetInnerHTML: "x" }, c: ["文字"] },
      { t: "a", p: { href: "javascript:alert(1)" }, c: ["链接"] },
      { t: "Figure", p: { src: "https://evil.example/x.png", alt: "x", onError: "alert(1)" } },
      { t: "iframe", p: { src: "https://evil.example" } },
      { t: "Callout", p: { type: "tip" }, c: [{ t: "img", p: { src: "x", onerror: "alert(1)" } }, "正文"] },
    ] as unknown as MdxNode[];
    for (const html of [renderTree(forged), renderTree(sanitizeTree(forged))]) {
      expect(html).not.toMatch(/<script|<iframe|<img src="x"|onclick|onerror|javascript:|style=|https:\/\/evil/i);
      expect(html).toContain("<p>文字</p>");
      expect(html).toContain("<a>链接</a>");
      expect(html).toContain("正文");
    }
  });
});

describe("safeHref", () => {
  it.each([
    ["https://www.12371.cn/a?b=1#c", "https://www.12371.cn/a?b=1#c"],
    ["http://example.edu.cn", "http://example.edu.cn"],
    ["mailto:dx@example.edu.cn", "mailto:dx@example.edu.cn"],
    ["/courses/abc", "/courses/abc"],
    ["#fn-1", "#fn-1"],
    ["javascript:alert(1)", null],
    [" javascript:alert(1)", null],
    ["java\nscript:alert(1)", null],
    ["\u0000javascript:alert(1)", null],
    ["data:text/html,x", null],
    ["//evil.example", null],
    ["/\\evil.example", null],
    ["relative/path", null],
    ["", null],
  ])("%j → %j", (input, expected) => {
    expect(safeHref(input)).toBe(expected);
  });
});

function renderTree(tree: readonly MdxNode[]): string {
  function Page() {
    const Content = useMdxComponent(tree);
    return createElement(
      LessonMdxProvider,
      { value: { mediaUrl: (p: string) => `/media/c1/${p}`, video: () => "[视频]", checkpoint: (id: string) => `[检查点 ${id}]` } },
      createElement(Content),
    );
  }
  return renderToStaticMarkup(createElement(Page));
}
