import { describe, expect, it } from "vitest";
import { isAppError } from "~/lib/app-error";
import { AssignmentSettingsSchema, checkLength, handInTiming, parseRubricText, scoreByRubric } from "~/lib/assignments";

const DAY = 24 * 3600_000;
const at = (days: number) => new Date(Date.UTC(2026, 11, 1) + days * DAY);

function refusal(work: () => unknown) {
  try {
    work();
  } catch (e) {
    if (isAppError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("not refused");
}

describe("parseRubricText", () => {
  it("reads one criterion a line, in hundredths, with Chinese separators and full-width digits", () => {
    expect(parseRubricText("思想认识 40\n联系实际：30分\n\n文字表达，２９.５")).toEqual({
      rubric: [
        { label: "思想认识", max: 4000 },
        { label: "联系实际", max: 3000 },
        { label: "文字表达", max: 2950 },
      ],
    });
  });

  it("names the line that is wrong", () => {
    expect(parseRubricText("")).toEqual({ error: "请至少填写一项评分标准" });
    expect(parseRubricText("思想认识 40\n联系实际")).toMatchObject({ error: expect.stringContaining("第 2 行「联系实际」") });
    expect(parseRubricText("思想认识 0")).toMatchObject({ error: expect.stringContaining("第 1 行") });
    expect(parseRubricText("思想认识 101")).toMatchObject({ error: expect.stringContaining("第 1 行") });
    expect(parseRubricText("思想认识 1.234")).toMatchObject({ error: expect.stringContaining("第 1 行") });
    expect(parseRubricText("思想认识 40\n思想认识 30")).toEqual({ error: "评分标准「思想认识」重复" });
    expect(parseRubricText(Array.from({ length: 11 }, (_, i) => `标准${i} 5`).join("\n"))).toEqual({ error: "评分标准最多 10 项" });
  });
});

describe("handInTiming", () => {
  const a = { opensAt: at(0), dueAt: at(10), lateUntil: at(12) };

  it("is on time until the due date, late until lateUntil, refused after and before opening", () => {
    expect(handInTiming(a, null, at(10))).toEqual({ late: false });
    expect(handInTiming(a, null, at(11))).toEqual({ late: true });
    expect(refusal(() => handInTiming(a, null, at(12.1)))).toMatchObject({ code: "deadline", message: expect.stringContaining("补交截止时间") });
    expect(refusal(() => handInTiming({ ...a, lateUntil: null }, null, at(10.5)))).toMatchObject({ message: expect.stringContaining("本作业不接受补交") });
    expect(refusal(() => handInTiming(a, null, at(-1)))).toMatchObject({ code: "not_open" });
  });

  it("keeps a member granted 补交 on time until their own date, then applies the late rule", () => {
    expect(handInTiming(a, null, at(14), at(15))).toEqual({ late: false });
    expect(handInTiming(a, null, at(11), at(10.5))).toEqual({ late: true });
    expect(refusal(() => handInTiming(a, null, at(15.5), at(15)))).toMatchObject({ code: "deadline", message: expect.stringContaining("准予补交的截止时间") });
    expect(refusal(() => handInTiming({ ...a, lateUntil: null }, null, at(11), at(10.5)))).toMatchObject({ code: "deadline" });
  });

  it("keeps a returned submission on time until the date the tutor set, whatever the assignment's dates", () => {
    expect(handInTiming(a, { status: "returned", resubmitBy: at(15) }, at(14))).toEqual({ late: false });
    expect(refusal(() => handInTiming(a, { status: "returned", resubmitBy: at(5) }, at(6)))).toMatchObject({ code: "deadline" });
    expect(handInTiming(a, { status: "returned", resubmitBy: null }, at(11))).toEqual({ late: true });
  });
});

describe("checkLength and scoreByRubric", () => {
  it("refuses below the minimum with the count and above the maximum", () => {
    expect(refusal(() => checkLength(2986, { minChars: 3000, maxChars: 5000 })).message).toBe("字数不足：要求至少 3000 字，当前 2986 字");
    expect(refusal(() => checkLength(5001, { minChars: 3000, maxChars: 5000 })).message).toBe("字数超出：要求不超过 5000 字，当前 5001 字");
    expect(() => checkLength(3000, { minChars: 3000, maxChars: 5000 })).not.toThrow();
  });

  it("sums points within each maximum", () => {
    const rubric = [
      { label: "思想认识", max: 4000 },
      { label: "文字表达", max: 6000 },
    ];
    expect(scoreByRubric(rubric, [35.5, 60])).toEqual({ scores: [3550, 6000], total: 9550 });
    expect(refusal(() => scoreByRubric(rubric, [40.01, 0])).message).toContain("「思想认识」的得分应在 0 至 40 分之间");
    expect(refusal(() => scoreByRubric(rubric, [-1, 0])).code).toBe("invalid");
    expect(refusal(() => scoreByRubric(rubric, [1.234, 0])).code).toBe("invalid");
    expect(refusal(() => scoreByRubric(rubric, [10])).message).toBe("请为每一项评分标准打分");
  });
});

describe("AssignmentSettingsSchema", () => {
  const base = {
    title: "学习心得",
    kind: "essay",
    prompt: "谈谈体会",
    minChars: "3000",
    maxChars: "5000",
    opensAt: "2026-12-01T08:00",
    dueAt: "2026-12-28T23:59",
    rubric: "思想认识 100",
  };

  it("reads the form as Beijing time, with lateUntil and attachments optional", () => {
    const parsed = AssignmentSettingsSchema.parse(base);
    expect(parsed.dueAt?.toISOString()).toBe("2026-12-28T15:59:00.000Z");
    expect(parsed).toMatchObject({ minChars: 3000, lateUntil: null, allowAttachments: false, rubric: [{ label: "思想认识", max: 10000 }] });
  });

  it("refuses dates out of order and limits the wrong way round", () => {
    const issues = (input: Record<string, string>) => AssignmentSettingsSchema.safeParse({ ...base, ...input }).error?.issues.map((i) => i.message);
    expect(issues({ dueAt: "2026-11-30T08:00" })).toEqual(["截止时间应晚于开始时间"]);
    expect(issues({ lateUntil: "2026-12-20T08:00" })).toEqual(["补交截止时间应晚于截止时间"]);
    expect(issues({ minChars: "6000" })).toEqual(["最多字数不能少于最少字数"]);
  });
});
