import { z } from "zod";

// A number in a settings file a trainer writes (a course's completion share, a lesson's minutes and
// 学时, a checkpoint's pause second; decision 065). YAML reads `minutes: 30` as a number and
// `minutes: "30"` as text; the text is refused, never read as the number it looks like, and the
// message names the field and says how to write it. (Numbers written in hex, octal or with an
// exponent are refused earlier, by the parser: app/.server/content/settings-yaml.ts.)

const LOOKS_NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/;

/** A number field of a YAML file, `label` naming it in messages, `example` a value as it should be written. */
export function yamlNumber(label: string, example: string) {
  return z.number({
    error: (issue) => {
      if (issue.input === undefined) return `请填写${label}`;
      if (typeof issue.input === "string" && LOOKS_NUMERIC.test(issue.input)) {
        return `${label}写成了带引号的文字“${issue.input}”：数字不要加引号，应写成 ${issue.input.trim()}`;
      }
      return `${label}必须是数字，如 ${example}`;
    },
  });
}
