import { parseDocument } from "yaml";
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
  const doc = parseDocument(text, { schema: "core", resolveKnownTags: false, logLevel: "silent" });
  const error = doc.errors[0];
  if (error) throw settingsError(`不是有效的 YAML：${error.message.split("\n")[0]}`, error.linePos?.[0].line ?? null);
  const unknownTag = doc.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED");
  if (unknownTag) {
    const tag = /Unresolved tag: (\S+)/.exec(unknownTag.message)?.[1]?.replace(/^tag:yaml\.org,2002:/, "!!") ?? "";
    throw settingsError(`不允许使用 YAML 标签 ${tag}：设置中只能写文字、数字、列表和键值`, unknownTag.linePos?.[0].line ?? null);
  }
  try {
    return doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    // The parser's guard against aliases that expand without end ("billion laughs").
    if (e instanceof ReferenceError) throw settingsError("别名（*）引用过多，设置中请直接写出内容", null);
    throw e;
  }
}
