import { describe, expect, it } from "vitest";
import { maskIdNumber, maskPhone } from "~/lib/mask";

describe("maskPhone", () => {
  it("keeps the first three and last four digits of a mobile number", () => {
    expect(maskPhone("13812345678")).toBe("138****5678");
  });

  it("trims before masking", () => {
    expect(maskPhone(" 13812345678 ")).toBe("138****5678");
  });

  it("gives an empty string for a missing number", () => {
    expect(maskPhone(null)).toBe("");
    expect(maskPhone(undefined)).toBe("");
    expect(maskPhone("")).toBe("");
  });

  it("hides a short number entirely", () => {
    expect(maskPhone("12345")).toBe("*****");
    expect(maskPhone("123456")).toBe("******");
  });

  it("never lets the middle digits of a mobile number through", () => {
    const masked = maskPhone("13900001111");
    expect(masked).not.toContain("0000");
    expect(masked).toHaveLength(11);
  });
});

describe("maskIdNumber", () => {
  it("keeps the first three and last four characters of an 18-character ID", () => {
    expect(maskIdNumber("110101199003071234")).toBe("110***********1234");
  });

  it("keeps a check digit X and the length of the number", () => {
    const masked = maskIdNumber("11010119900307123X");
    expect(masked).toBe("110***********123X");
    expect(masked).toHaveLength(18);
  });

  it("hides the birth date of an old 15-digit ID", () => {
    const masked = maskIdNumber("110101900307123");
    expect(masked).toBe("110********7123");
    expect(masked).not.toContain("900307");
  });

  it("hides a short value entirely and gives an empty string for none", () => {
    expect(maskIdNumber("1234567")).toBe("*******");
    expect(maskIdNumber(null)).toBe("");
    expect(maskIdNumber("  ")).toBe("");
  });
});

describe("maskPhone on landlines and extensions", () => {
  it("shows at most the last two digits of a 7–10 digit number", () => {
    expect(maskPhone("1234567")).toBe("*****67");
    expect(maskPhone("0108765432")).toBe("********32");
  });
});
