import { describe, expect, it } from "vitest";
import { multiLineText, singleLineText } from "~/lib/form-text";

// The shared helper for text typed into a form (decision 060, audit19 F6).

describe("singleLineText", () => {
  const title = singleLineText({ label: "活动名称", required: true, max: 10 });
  const place = singleLineText({ label: "地点", max: 10 }).default("");

  it("trims, and refuses line breaks and control characters with a message naming the field", () => {
    expect(title.parse("  主题党日 ")).toBe("主题党日");
    for (const bad of ["a\nb", "a\r\nb", "a\rb", "a\tb", "a\u0000", "a\u007f", "a\u0085", "a\u2028b", "\u202eabc"]) {
      const r = title.safeParse(bad);
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error?.issues[0].message).toBe("活动名称只能填写一行文字，不能包含换行或控制字符");
    }
  });

  it("asks for a required field, and counts the limit after trimming", () => {
    expect(title.safeParse(undefined).error?.issues[0].message).toBe("请填写活动名称");
    expect(title.safeParse("   ").error?.issues[0].message).toBe("请填写活动名称");
    expect(title.safeParse("一二三四五六七八九十十").error?.issues[0].message).toBe("活动名称最多 10 字");
    expect(place.parse(undefined)).toBe("");
    expect(place.parse("")).toBe("");
  });
});

describe("multiLineText", () => {
  const reason = multiLineText({ label: "请假原因", min: 2, max: 20 });
  it("keeps line breaks (a pasted \\r\\n as \\n) and tabs, refuses other controls", () => {
    expect(reason.parse("出差\r\n下周回来")).toBe("出差\n下周回来");
    expect(reason.parse("出差\t在外")).toBe("出差\t在外");
    expect(reason.safeParse("出差\u0000").error?.issues[0].message).toBe("请假原因不能包含控制字符");
    expect(reason.safeParse("出差\u001b[31m").success).toBe(false);
    expect(reason.safeParse("病").error?.issues[0].message).toBe("请填写请假原因（至少 2 个字）");
  });
});
