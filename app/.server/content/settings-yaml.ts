import { LineCounter, isPair, isScalar, parseDocument, visit } from "yaml";
import { AppError } from "~/lib/app-error";

// Settings that trainers write as YAML (a course file's frontmatter, a lesson's checkpoints) are
// data and nothing else: the core schema only, without the YAML 1.1 extras (!!binary, !!set,
// !!timestamp…), and any tag it does not know (!!js/function, !foo) is refused rather than read as
// a string. The parser never evaluates anything; refusing unknown tags keeps an author from
// believing something else happened. Aliases are capped as the parser allows (a "billion laughs" is
// refused), and so is the length.

/** A refused settings text: an AppError whose detail holds the 1-based `line` inside the YAML, when the parser knows it. */
function settingsError(message: string, line: number | null): AppError {
  return new AppError("invalid", message, { reason: "settings_yaml", detail: { line } });
}

/** The line a refusal of `parseSettingsYaml` names, for a message placed beside the author's text. */
export function settingsErrorLine(e: AppError): number | null {
  const line = e.detail?.line;
  return typeof line === "number" ? line : null;
}

/**
 * Settings are a few dozen lines; the parser runs on the event loop that serves every page and takes
 * about a second per 400 KB, so a longer text is refused before it is parsed.
 */
export const MAX_SETTINGS_CHARS = 20_000;

/**
 * `maxChars` raises the cap for a data file read once at start (a pipeline pack), never for text a
 * request brings; `what` names the text in the refusal.
 */
export function parseSettingsYaml(text: string, { maxChars = MAX_SETTINGS_CHARS, what = "设置" } = {}): unknown {
  if (text.length > maxChars) throw settingsError(`${what}有 ${text.length} 字，超过 ${maxChars} 字的上限`, null);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { schema: "core", resolveKnownTags: false, logLevel: "silent", lineCounter });
  const error = doc.errors[0];
  if (error) throw settingsError(`不是有效的 YAML：${error.message.split("\n")[0]}`, error.linePos?.[0].line ?? null);
  const unknownTag = doc.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED");
  if (unknownTag) {
    const tag = /Unresolved tag: (\S+)/.exec(unknownTag.message)?.[1]?.replace(/^tag:yaml\.org,2002:/, "!!") ?? "";
    throw settingsError(`不允许使用 YAML 标签 ${tag}：设置中只能写文字、数字、列表和键值`, unknownTag.linePos?.[0].line ?? null);
  }
  const odd = oddNumber(doc);
  if (odd) {
    throw settingsError(
      `${odd.key ? `“${odd.key}”的值` : "数字"} ${odd.source} 不是普通的十进制数：请写成如 30 或 0.5 的数字（十六进制、八进制、科学计数法和 .inf/.nan 不能使用）`,
      odd.offset === null ? null : lineCounter.linePos(odd.offset).line,
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    // The parser's guard against aliases that expand without end ("billion laughs").
    if (e instanceof ReferenceError) throw settingsError("别名（*）引用过多，设置中请直接写出内容", null);
    throw e;
  }
}

// What an author means by a number is its decimal digits. YAML's core schema also reads 0x1E as 30,
// 0o17 as 15, 1e2 as 100 and .inf/.nan as numbers; a trainer who writes one of those almost certainly
// did not mean that number (decision 065), so the text is refused with the field named.
const PLAIN_DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function oddNumber(doc: ReturnType<typeof parseDocument>): { key: string | null; source: string; offset: number | null } | null {
  let found: { key: string | null; source: string; offset: number | null } | null = null;
  visit(doc, {
    Scalar(_key, node, path) {
      const source = node.source ?? String(node.value);
      if (node.type !== "PLAIN" || typeof node.value !== "number" || PLAIN_DECIMAL.test(source)) return;
      const parent = path.at(-1);
      const key = isPair(parent) && isScalar(parent.key) && parent.key !== node ? String(parent.key.value) : null;
      found = { key, source, offset: node.range?.[0] ?? null };
      return visit.BREAK;
    },
  });
  return found;
}
