import { describe, expect, it } from "vitest";
import {
  ACTIVATION_ALPHABET,
  ActivationCodeSchema,
  formatActivationCode,
  generateActivationCode,
  normaliseActivationCode,
} from "../../app/lib/activation-code";

describe("activation codes", () => {
  it("are 12 characters without 0, 1, I or O, and differ every time", () => {
    const codes = Array.from({ length: 200 }, generateActivationCode);
    for (const c of codes) expect(c).toMatch(/^[2-9A-HJ-NP-Z]{12}$/);
    expect(new Set(codes).size).toBe(codes.length);
    expect(ACTIVATION_ALPHABET).toHaveLength(32);
  });

  it("are shown in groups of four and read back however they were typed", () => {
    expect(formatActivationCode("ABCDEFGHJKMN")).toBe("ABCD-EFGH-JKMN");
    expect(normaliseActivationCode("abcd efgh jkmn")).toBe("ABCDEFGHJKMN");
    expect(normaliseActivationCode(" ABCD-EFGH-JKMN ")).toBe("ABCDEFGHJKMN");
    // Full-width letters and dashes from a Chinese input method.
    expect(normaliseActivationCode("ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮ")).toBe("ABCDEFGHJKMN");
  });

  it("refuse anything that cannot be a code, in Chinese", () => {
    expect(normaliseActivationCode("ABCD-EFGH-JKM")).toBeNull();
    expect(normaliseActivationCode("ABCD-EFGH-JKM0")).toBeNull();
    expect(normaliseActivationCode("ABCD-EFGH-JKMO")).toBeNull();
    const wrong = ActivationCodeSchema.safeParse("1234");
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0].message).toBe("激活码应为 12 位字母和数字（不含 0、1、I、O）");
    expect(ActivationCodeSchema.safeParse("  ").error?.issues[0].message).toBe("请输入激活码");
  });
});
