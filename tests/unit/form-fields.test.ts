import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ClaimSchema } from "~/lib/claims";
import { DateOnlySchema, DateTimeLocalSchema } from "~/lib/date-fields";
import { HoursSchema, OptionalHoursSchema } from "~/lib/hours-fields";
import { ContestSettingsSchema, DrawSchema, SectionSchema } from "~/lib/contest-settings";
import { numberField } from "~/lib/form-number";
import { QuizSettingsSchema, SlotSchema } from "~/lib/quiz-settings";
import "~/lib/zod-locale";

// The fields every form shares: a date, a datetime-local time, a number of 学时. A value that does not
// exist or is not a plain number is refused in Chinese, never read as something else.

const messages = (r: { success: boolean; error?: z.ZodError }) => (r.error ? r.error.issues.map((i) => i.message) : []);

describe("dates and times", () => {
  it("refuses a day that does not exist instead of rolling it forward", () => {
    expect(messages(DateTimeLocalSchema.safeParse("2026-02-30T10:00"))).toEqual(["日期或时间不存在"]);
    expect(messages(DateTimeLocalSchema.safeParse("2026-04-31T10:00"))).toEqual(["日期或时间不存在"]);
    expect(messages(DateTimeLocalSchema.safeParse("2026-03-01T24:30"))).toEqual(["日期或时间不存在"]);
    expect(messages(DateOnlySchema.safeParse("2026-02-30"))).toEqual(["日期不存在"]);
  });

  it("reads a real time as Beijing time, and empty as none", () => {
    expect(DateTimeLocalSchema.parse("2026-02-28T10:00")).toEqual(new Date("2026-02-28T02:00:00Z"));
    expect(DateTimeLocalSchema.parse("2028-02-29T23:59")).toEqual(new Date("2028-02-29T15:59:00Z"));
    expect(DateTimeLocalSchema.parse("")).toBeNull();
  });

  it("is what the quiz settings use", () => {
    const r = QuizSettingsSchema.safeParse({
      title: "测试",
      opensAt: "2026-02-30T08:00",
      maxAttempts: "1",
      gradeMethod: "highest",
      passPercent: "60",
      reviewPolicy: "never",
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.find((i) => i.path[0] === "opensAt")?.message).toBe("日期或时间不存在");
  });
});

describe("学时", () => {
  it("takes plain decimals only", () => {
    expect(HoursSchema({ max: 100 }).parse("16")).toBe(16);
    expect(HoursSchema({ max: 100 }).parse("0.5")).toBe(0.5);
    expect(HoursSchema({ max: 100 }).parse("１６")).toBe(16);
    for (const bad of ["0x10", "1e1", " 16 ", "16abc", "", "-1", "1.234", "Infinity"]) {
      const r = HoursSchema({ max: 100 }).safeParse(bad);
      expect(r.success, bad).toBe(false);
      expect(messages(r)[0], bad).toMatch(/^学时/);
    }
    expect(OptionalHoursSchema({ max: 100 }).parse("")).toBeNull();
    expect(OptionalHoursSchema({ max: 100 }).safeParse("0x10").success).toBe(false);
  });

  it("is what a claim uses", () => {
    const r = ClaimSchema.safeParse({ title: "培训", category: "offline", hours: "0x10", earnedOn: "2026-01-05" });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ["hours"], message: "学时须为数字，如 2 或 0.5（最多两位小数）" });
  });
});

describe("counts, minutes, marks and pass lines", () => {
  const quiz = (fields: Record<string, string>) =>
    QuizSettingsSchema.safeParse({
      title: "测试",
      opensAt: "",
      closesAt: "",
      maxAttempts: "1",
      gradeMethod: "highest",
      passPercent: "60",
      reviewPolicy: "never",
      ...fields,
    });
  const messageAt = (r: { error?: z.ZodError }, field: string) => r.error?.issues.find((i) => i.path[0] === field)?.message;

  it("refuses hex, exponents, infinities and other scripts' digits instead of reading them as a number", () => {
    for (const bad of ["0x10", "1e1", "Infinity", "NaN", "١٦", "16abc", "0b10"]) {
      expect(messageAt(quiz({ passPercent: bad }), "passPercent"), bad).toBe("及格线须为数字（只写阿拉伯数字，如 60 或 0.5）");
      expect(messageAt(quiz({ timeLimitMin: bad }), "timeLimitMin"), bad).toBe("答题时长须为数字（只写阿拉伯数字，如 60 或 0.5）");
    }
  });

  it("does not read an empty field as 0", () => {
    expect(messageAt(quiz({ passPercent: "" }), "passPercent")).toBe("请填写及格线");
    expect(messageAt(quiz({ maxAttempts: " " }), "maxAttempts")).toBe("请填写作答次数");
    expect(quiz({ timeLimitMin: "" }).data?.timeLimitMin).toBeNull();
  });

  it("reads full-width digits as the digits they are, -0 as 0, and refuses a fraction where a whole number is asked", () => {
    expect(quiz({ passPercent: "６０", timeLimitMin: "１６" }).data).toMatchObject({ passPercent: 60, timeLimitMin: 16 });
    expect(Object.is(quiz({ passPercent: "-0" }).data?.passPercent, 0)).toBe(true);
    expect(messageAt(quiz({ timeLimitMin: "16.999" }), "timeLimitMin")).toBe("时长须为整数分钟");
  });

  it("is what every builder's number uses", () => {
    expect(SlotSchema.safeParse({ kind: "draw", bankId: "1", count: "0x10", mark: "1" }).success).toBe(false);
    expect(SlotSchema.safeParse({ kind: "fixed", questionId: "1", mark: "1e1" }).success).toBe(false);
    expect(SectionSchema.safeParse({ bankId: "1", count: "1e1", points: "1" }).success).toBe(false);
    expect(DrawSchema.safeParse({ prizes: "0x10" }).success).toBe(false);
    const contest = ContestSettingsSchema.safeParse({ title: "竞赛", opensAt: "2026-05-01T08:00", closesAt: "2026-05-02T08:00", timeLimitMin: "0x10" });
    expect(messageAt(contest, "timeLimitMin")).toBe("答题时长须为数字（只写阿拉伯数字，如 60 或 0.5）");
    expect(numberField("学习时长").safeParse("Infinity").error?.issues[0].message).toBe("学习时长须为数字（只写阿拉伯数字，如 60 或 0.5）");
  });
});

describe("zod's own messages", () => {
  it("are Chinese once the locale is set", () => {
    const r = z.object({ n: z.number() }).safeParse({ n: "x" });
    expect(r.error!.issues[0].message).toMatch(/^无效输入/);
  });
});
