import { describe, expect, it } from "vitest";
import { SLOT_MS, checkinToken, codeFor, isCurrentCode, newCodeSecret, parseCheckinToken, slotAt, tokenExpiresAt } from "~/.server/activities/checkin-code";

// The rotating check-in code: accepted in its own 30-second slot and the next one, never later, and
// worthless without the activity's secret.

describe("check-in codes", () => {
  const secret = newCodeSecret();
  const t0 = new Date(1_800_000_000_000 - (1_800_000_000_000 % SLOT_MS)); // the start of a slot

  it("puts the activity id and a short URL-safe code in the token, nothing else", () => {
    const token = checkinToken(42, secret, t0);
    expect(token).toMatch(/^42-[A-Za-z0-9_-]{10}$/);
    expect(parseCheckinToken(token)).toEqual({ activityId: 42, code: token.slice(3) });
    for (const bad of ["42", "42-", "0-AAAAAAAAAA", "x-AAAAAAAAAA", "42-AAAAAAAAA", "42-AAAAAAAAAAA", "42-AAAA AAAAA", "1234567890-AAAAAAAAAA"]) {
      expect(parseCheckinToken(bad)).toBeNull();
    }
  });

  it("accepts the code of the current and the previous slot only", () => {
    const code = codeFor(secret, slotAt(t0));
    expect(isCurrentCode(secret, code, t0)).toBe(true);
    expect(isCurrentCode(secret, code, new Date(t0.getTime() + SLOT_MS + 1))).toBe(true);
    expect(isCurrentCode(secret, code, new Date(t0.getTime() + 2 * SLOT_MS))).toBe(false);
    expect(isCurrentCode(secret, code, new Date(t0.getTime() - 1))).toBe(false);
    expect(tokenExpiresAt(t0).getTime()).toBe(t0.getTime() + 2 * SLOT_MS);
  });

  it("changes every slot and depends on the secret", () => {
    const codes = new Set(Array.from({ length: 50 }, (_, i) => codeFor(secret, slotAt(t0) + i)));
    expect(codes.size).toBe(50);
    expect(codeFor(newCodeSecret(), slotAt(t0))).not.toBe(codeFor(secret, slotAt(t0)));
    expect(isCurrentCode(newCodeSecret(), codeFor(secret, slotAt(t0)), t0)).toBe(false);
  });
});
