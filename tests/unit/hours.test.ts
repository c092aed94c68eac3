import { describe, expect, it } from "vitest";
import { formatHours, hoursToHundredths } from "~/lib/hours";

describe("formatHours", () => {
  it("shows whole hours without decimals", () => {
    expect(formatHours(0)).toBe("0");
    expect(formatHours(100)).toBe("1");
    expect(formatHours(3200)).toBe("32");
  });

  it("shows the fractions the credit rules produce without a trailing zero", () => {
    expect(formatHours(25)).toBe("0.25");
    expect(formatHours(50)).toBe("0.5");
    expect(formatHours(150)).toBe("1.5");
    expect(formatHours(5)).toBe("0.05");
    expect(formatHours(333)).toBe("3.33");
  });

  it("shows a reversal as negative", () => {
    expect(formatHours(-50)).toBe("-0.5");
    expect(formatHours(-100)).toBe("-1");
  });
});

describe("hoursToHundredths", () => {
  it("turns the usual amounts into hundredths", () => {
    expect(hoursToHundredths(1)).toBe(100);
    expect(hoursToHundredths(0.5)).toBe(50);
    expect(hoursToHundredths(0.25)).toBe(25);
    expect(hoursToHundredths(8)).toBe(800);
    expect(hoursToHundredths(56)).toBe(5600);
  });

  it("absorbs floating-point noise into a whole number", () => {
    expect(hoursToHundredths(0.1 + 0.2)).toBe(30);
    expect(Number.isInteger(hoursToHundredths(1.15))).toBe(true);
    expect(hoursToHundredths(1.15)).toBe(115);
  });

  it("round-trips through formatHours", () => {
    for (const h of [0.25, 0.5, 1, 1.5, 4, 8, 24, 32.75]) expect(Number(formatHours(hoursToHundredths(h)))).toBe(h);
  });
});
