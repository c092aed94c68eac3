import { evaluate } from "@mdx-js/mdx";
import remarkGfm from "remark-gfm";
import {
  CALLOUT_TYPES,
  MDX_COMPONENTS,
  type MdxNode,
  isMdxComponent,
  safeHref,
  safeMediaPath,
  sanitizeTree,
} from "~/lib/mdx-tree";

// Compiling a lesson's MDX, which trainers write and is therefore untrusted. Before anything is
// generated, the syntax tree is walked and every construct that could run code or load something is
// refused with its line and a sentence in Chinese: import/export, JavaScript expressions (in text or
// attributes), any tag that is not one of the offered components (so <script>, <iframe>, <img>,
// <div onClick> are all refused), attributes a component does not take (event handlers included),
// unsafe link targets and Markdown images. What passes is compiled by @mdx-js/mdx and the compiled
// function is run once, here, with a recording JSX runtime: the result is a tree of plain data
// (app/lib/mdx-tree.ts), sanitised again, which is what is cached and sent to the browser. This runs
// in the compiler's worker thread (mdx-worker-pool.ts), never on the event loop serving pages.

export type MdxProblem = { line: number | null; message: string };

export class MdxRejected extends Error {
  constructor(readonly problems: MdxProblem[]) {
    super(problems.map((p) => (p.line ? `第 ${p.line} 行：${p.message}` : p.message)).join("\n"));
  }
}

export type CompileOptions = {
  /** Lines above the body in its file (the frontmatter), so reported lines match what the author sees. */
  lineOffset?: number;
  /** The checkpoint ids the lesson's frontmatter defines; <Checkpoint id> must name one of them. */
  checkpointIds?: readonly string[];
};

type MdNode = {
  type: string;
  name?: string | null;
  url?: string;
  value?: string;
  attributes?: { type: string; name?: string; value?: unknown }[];
  children?: MdNode[];
  position?: { start: { line: number } };
};

const COMPONENT_LIST = Object.keys(MDX_COMPONENTS).join("、");

function checkTree(root: MdNode, options: CompileOptions): MdxProblem[] {
  const problems: MdxProblem[] = [];
  const offset = options.lineOffset ?? 0;
  const at = (n: MdNode) => (n.position ? n.position.start.line + offset : null);
  const problem = (n: MdNode, message: string) => problems.push({ line: at(n), message });

  const visit = (n: MdNode) => {
    switch (n.type) {
      case "mdxjsEsm":
        problem(n, "不允许使用 import 或 export 语句");
        break;
      case "mdxFlowExpression":
      case "mdxTextExpression":
        problem(n, "不允许使用花括号 { } 中的 JavaScript 表达式（包括 {/* 注释 */}），请改为普通文字");
        break;
      case "image":
      case "imageReference":
        problem(n, "请使用 <Figure src=\"media/图片文件\" alt=\"说明\" /> 插入图片");
        break;
      case "link":
      case "definition":
        if (n.url !== undefined && n.url !== "" && safeHref(n.url) === null) problem(n, `链接地址“${n.url.slice(0, 60)}”不安全：只允许 http(s)、mailto 或本站地址`);
        break;
      case "mdxJsxFlowElement":
      case "mdxJsxTextElement":
        checkElement(n, options, problem);
        break;
    }
    n.children?.forEach(visit);
  };
  visit(root);
  return problems;
}

function checkElement(n: MdNode, options: CompileOptions, problem: (n: MdNode, message: string) => void) {
  const name = n.name;
  if (!name) return problem(n, "不支持 <> 片段写法");
  if (!isMdxComponent(name)) return problem(n, `不支持的标签 <${name}>：课程中只能使用 ${COMPONENT_LIST} 组件和 Markdown 格式`);
  const spec = MDX_COMPONENTS[name];
  const given = new Map<string, string>();
  const present = new Set<string>();
  for (const a of n.attributes ?? []) {
    if (a.name) present.add(a.name);
    if (a.type !== "mdxJsxAttribute" || !a.name) {
      problem(n, `<${name}> 中不允许使用 {...} 展开属性`);
      continue;
    }
    if (!(spec.props as readonly string[]).includes(a.name)) {
      problem(n, `<${name}> 不支持属性 ${a.name}${spec.props.length ? `（可用属性：${spec.props.join("、")}）` : ""}`);
      continue;
    }
    if (typeof a.value !== "string") {
      problem(n, `<${name}> 的属性 ${a.name} 只能是用双引号括起的文字，不能使用 { } 表达式`);
      continue;
    }
    given.set(a.name, a.value);
  }
  for (const r of spec.required) if (!present.has(r)) problem(n, `<${name}> 缺少属性 ${r}`);
  if (!spec.children && (n.children?.length ?? 0) > 0) problem(n, `<${name} /> 不能包含内容，请写成自闭合标签`);
  const type = given.get("type");
  if (name === "Callout" && type !== undefined && !(CALLOUT_TYPES as readonly string[]).includes(type)) {
    problem(n, `<Callout> 的 type 只能是 ${CALLOUT_TYPES.join("、")}`);
  }
  const src = given.get("src");
  if (name === "Figure" && src !== undefined && safeMediaPath(src) === null) problem(n, `<Figure> 的 src 必须是课程 media 目录中的文件，如 media/图.svg`);
  const id = given.get("id");
  if (name === "Checkpoint" && id !== undefined && options.checkpointIds && !options.checkpointIds.includes(id)) {
    problem(n, `<Checkpoint id="${id}" /> 没有对应的检查点：请先在课时设置中添加该检查点`);
  }
}

// ---------- front matter ----------

/**
 * A lesson body has no front matter: a course file's own is split off and read as YAML data
 * (course-files.ts, settings-yaml.ts), the studio keeps settings in fields of their own. Nothing here
 * parses one either: mdx-bundler, which this compiler used before, handed the body to gray-matter,
 * whose engines evaluate a `---js` block (decision 026). A body that starts like front matter is
 * refused, so an author is told rather than shown a page of stray settings.
 */
const FRONT_MATTER_FENCE = /^\uFEFF?---/;

function frontMatterProblems(body: string, lineOffset: number): MdxProblem[] {
  if (!FRONT_MATTER_FENCE.test(body)) return [];
  return [{ line: 1 + lineOffset, message: "正文不能以 --- 开头：课时的设置（标题、学时、检查点等）不写在正文里。如需分隔线，请改用 ***，或在 --- 前先写一段文字" }];
}

// ---------- recording the compiled module ----------

const RECORDED = Symbol("mdx-component");
type Marker = ((props: unknown) => never) & { [RECORDED]: string };
type Recorded = MdxNode | Recorded[] | null;

function marker(name: string): Marker {
  const fn = (() => {
    throw new Error(`${name} is recorded, not rendered`);
  }) as unknown as Marker;
  fn[RECORDED] = name;
  return fn;
}

const FRAGMENT = Symbol("fragment");

function flatten(children: unknown): MdxNode[] {
  const out: MdxNode[] = [];
  const add = (c: unknown) => {
    if (c === null || c === undefined || typeof c === "boolean") return;
    if (Array.isArray(c)) c.forEach(add);
    else if (typeof c === "string" || typeof c === "number") out.push(String(c));
    else if (typeof c === "object" && "t" in c) out.push(c as MdxNode);
  };
  add(children);
  return out;
}

function record(type: unknown, props: Record<string, unknown>): Recorded {
  const { children, ...rest } = props;
  if (type === FRAGMENT) return flatten(children) as Recorded[];
  const name = typeof type === "string" ? type : typeof type === "function" && RECORDED in type ? (type as Marker)[RECORDED] : null;
  if (name === null) return null;
  const p: Record<string, string> = {};
  for (const [k, v] of Object.entries(rest)) if (typeof v === "string" || typeof v === "number") p[k] = String(v);
  return { t: name, p, c: flatten(children) };
}

const recordingRuntime = { jsx: record, jsxs: record, jsxDEV: record, Fragment: FRAGMENT };
const markers = Object.fromEntries(Object.keys(MDX_COMPONENTS).map((n) => [n, marker(n)]));

/**
 * Compiles one lesson body (without its frontmatter) to a sanitised tree. Throws MdxRejected with
 * every problem found, or with the parser's own complaint when the MDX does not parse.
 */
export async function compileMdx(body: string, options: CompileOptions = {}): Promise<MdxNode[]> {
  let problems = frontMatterProblems(body, options.lineOffset ?? 0);
  if (problems.length) throw new MdxRejected(problems);
  let mdx: Awaited<ReturnType<typeof evaluate>>;
  try {
    // No baseUrl: an import or export that slipped past the checks could not be compiled, let alone loaded.
    mdx = await evaluate(body, {
      ...(recordingRuntime as unknown as Pick<Parameters<typeof evaluate>[1], "jsx" | "jsxs" | "Fragment">),
      development: false,
      remarkPlugins: [
        remarkGfm,
        () => (tree: unknown) => {
          problems = checkTree(tree as MdNode, options);
          if (problems.length) throw new MdxRejected(problems);
        },
      ],
    });
  } catch (e) {
    if (problems.length) throw new MdxRejected(problems);
    throw new MdxRejected([parseProblem(e, options.lineOffset ?? 0)]);
  }
  const Content = mdx.default as unknown as (props: { components: Record<string, unknown> }) => Recorded;
  return sanitizeTree(flatten(Content({ components: markers })));
}

/** The parser's complaint, located, in Chinese where it is a common one, with the original otherwise. */
function parseProblem(e: unknown, lineOffset: number): MdxProblem {
  // A VFileMessage from the MDX parser carries its reason and line; anything else (a RangeError) its message.
  const m = e as { reason?: unknown; line?: unknown; message?: unknown };
  const reason = String(typeof m.reason === "string" ? m.reason : typeof m.message === "string" ? m.message : e)
    .split("\n")[0]
    .trim()
    .slice(0, 200);
  // Some messages have no line of their own; their reason ends with the place, "(3:1-3:21)".
  const line = typeof m.line === "number" ? m.line : Number(/\((\d+):\d+/.exec(reason)?.[1] ?? 0) || null;
  const unclosed = /Expected a closing tag for `<(\w+)>`/.exec(reason)?.[1];
  const stray = /Unexpected closing tag `<\/(\w+)>`/.exec(reason)?.[1];
  // micromark and the MDX tree walkers recurse: `- - - - x`, `>>>> x` or components inside components
  // a few thousand deep run out of stack.
  const tooDeep = /Maximum call stack size exceeded/.test(reason);
  const message = tooDeep
    ? "课件内容嵌套层次过深（如连续的 > 引用、- 列表或层层嵌套的组件），无法编译，请简化后重试"
    : unclosed
    ? `标签 <${unclosed}> 没有闭合：请补上 </${unclosed}>，或写成自闭合的 <${unclosed} />`
    : stray
      ? `多余的结束标签 </${stray}>，或它与前面的开始标签不匹配`
      : `MDX 格式有误，无法解析（${reason}）。请检查标签是否成对闭合、属性值是否用双引号括起`;
  return { line: line ? line + lineOffset : null, message };
}
