import { parseDocument } from "yaml";

// Settings that trainers write as YAML (a course file's frontmatter, a lesson's checkpoints) are
// data and nothing else: the core schema only, without the YAML 1.1 extras (!!binary, !!set,
// !!timestamp…), and any tag it does not know (!!js/function, !foo) is refused rather than read as
// a string. The parser never evaluates anything; refusing unknown tags keeps an author from
// believing something else happened.

export class SettingsYamlError extends Error {
  constructor(
    message: string,
    /** 1-based line inside the YAML text, when the parser knows it. */
    readonly line: number | null,
  ) {
    super(message);
  }
}

export function parseSettingsYaml(text: string): unknown {
  const doc = parseDocument(text, { schema: "core", resolveKnownTags: false, logLevel: "silent" });
  const error = doc.errors[0];
  if (error) throw new SettingsYamlError(`不是有效的 YAML：${error.message.split("\n")[0]}`, error.linePos?.[0].line ?? null);
  const unknownTag = doc.warnings.find((w) => w.code === "TAG_RESOLVE_FAILED");
  if (unknownTag) {
    const tag = /Unresolved tag: (\S+)/.exec(unknownTag.message)?.[1]?.replace(/^tag:yaml\.org,2002:/, "!!") ?? "";
    throw new SettingsYamlError(`不允许使用 YAML 标签 ${tag}：设置中只能写文字、数字、列表和键值`, unknownTag.linePos?.[0].line ?? null);
  }
  return doc.toJS({ maxAliasCount: 50 });
}
