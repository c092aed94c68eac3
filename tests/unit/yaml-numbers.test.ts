import { describe, expect, it } from "vitest";
import { parseSettingsYaml, settingsErrorLine } from "~/.server/content/settings-yaml";
import { AppError } from "~/lib/app-error";
import { CourseFrontmatterSchema, LessonFrontmatterSchema } from "~/lib/course-format";

// Numbers in a trainer's YAML (decision 065): plain decimals are numbers; a number in quotes, in hex,
// octal or exponent form, or .inf/.nan is refused with the field named, never read as something else.

const refusal = (text: string) => {
  try {
    parseSettingsYaml(text);
  } catch (e) {
    if (e instanceof AppError) return { message: e.message, line: settingsErrorLine(e) };
    throw e;
  }
  return null;
};

describe("numbers in settings YAML", () => {
  it("reads plain decimals as the numbers they are", () => {
    expect(parseSettingsYaml("minutes: 30\ncredit: 0.5\ncompletion: .95\nat: 030\nneg: -1")).toEqual({
      minutes: 30,
      credit: 0.5,
      completion: 0.95,
      at: 30,
      neg: -1,
    });
  });

  it.each([
    ["0x1E", "minutes"],
    ["0o36", "minutes"],
    ["3e1", "minutes"],
    [".inf", "minutes"],
    ["-.inf", "minutes"],
    [".nan", "minutes"],
  ])("refuses %s with the field and its line", (value, key) => {
    expect(refusal(`title: 党的性质\n${key}: ${value}`)).toEqual({ message: expect.stringContaining(`“${key}”的值 ${value} 不是普通的十进制数`), line: 2 });
  });

  it("refuses an odd number inside a list too", () => {
    expect(refusal("tags: [a, 0x10]")?.message).toContain("数字 0x10 不是普通的十进制数");
  });

  it("leaves quoted text alone at the parser (the schema decides)", () => {
    expect(parseSettingsYaml('minutes: "30"\ntitle: "0x10"')).toEqual({ minutes: "30", title: "0x10" });
  });
});

describe("number fields of course and lesson files", () => {
  const lesson = { title: "第一课", minutes: 30, credit: 0.5 };
  const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues.map((i) => i.message) ?? [];

  it("refuses a quoted number, naming the field and the way to write it", () => {
    expect(messages(LessonFrontmatterSchema.safeParse({ ...lesson, minutes: "30" }))).toContain(
      "学习时长（minutes，分钟）写成了带引号的文字“30”：数字不要加引号，应写成 30",
    );
    expect(messages(LessonFrontmatterSchema.safeParse({ ...lesson, credit: " 0.5 " }))).toContain(
      "学时（credit）写成了带引号的文字“ 0.5 ”：数字不要加引号，应写成 0.5",
    );
    const course = { title: "课", summary: "简介", category: "党课", completion: "0.9" };
    expect(messages(CourseFrontmatterSchema.safeParse(course))).toContain("完成比例（completion）写成了带引号的文字“0.9”：数字不要加引号，应写成 0.9");
  });

  it("says what a number is for other text", () => {
    expect(messages(LessonFrontmatterSchema.safeParse({ ...lesson, minutes: "半小时" }))).toContain("学习时长（minutes，分钟）必须是数字，如 30");
  });

  it("accepts the numbers unquoted", () => {
    expect(LessonFrontmatterSchema.parse(lesson)).toMatchObject({ minutes: 30, credit: 50 });
  });
});
