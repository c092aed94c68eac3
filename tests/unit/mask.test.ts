import { describe, expect, it } from "vitest";
import { MASKED_STATUS, maskEmail, maskPhone, personFieldsFor } from "~/lib/mask";
import { type Grant } from "~/lib/permissions";

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

describe("personFieldsFor", () => {
  const secretary: Grant[] = [{ role: "secretary", unitId: 7, unitPath: "/1/7/" }];
  const trainer: Grant[] = [{ role: "trainer", unitId: 7, unitPath: "/1/7/" }];
  const person = { unitPath: "/1/7/42/", number: "2024070001", politicalStatus: "activist" };

  it("shows the number and political status whole with people:sensitive over the person's unit", () => {
    expect(personFieldsFor(secretary, person)).toEqual({ number: "2024070001", politicalStatus: "入党积极分子" });
  });

  it("masks both for a trainer, and for a secretary of another unit", () => {
    expect(personFieldsFor(trainer, person)).toEqual({ number: "2024****01", politicalStatus: MASKED_STATUS });
    expect(personFieldsFor(secretary, { ...person, unitPath: "/1/8/42/" })).toEqual({ number: "2024****01", politicalStatus: MASKED_STATUS });
  });
});

describe("maskPhone on landlines and extensions", () => {
  it("shows at most the last two digits of a 7–10 digit number", () => {
    expect(maskPhone("1234567")).toBe("*****67");
    expect(maskPhone("0108765432")).toBe("********32");
  });
});

describe("maskEmail", () => {
  it("keeps the domain and the name's first and last character, no more", () => {
    expect(maskEmail("zhou.dangyuan@example.edu.cn")).toBe("z***n@example.edu.cn");
    expect(maskEmail("ab@qq.com")).toBe("a***@qq.com");
    expect(maskEmail("a@qq.com")).toBe("a***@qq.com");
    expect(maskEmail("not-an-address")).toBe("**************");
    expect(maskEmail(null)).toBe("");
  });
});
