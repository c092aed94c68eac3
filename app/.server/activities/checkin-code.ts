import crypto from "node:crypto";

// The rotating check-in code on the projector. It is derived from the activity's secret (random,
// never sent to a browser) and the current 30-second slot, so the server needs no table of codes and
// a photo of the screen passed around stops working within a minute: the current and the previous
// slot are accepted, nothing older. The URL carries the activity id and the code, never a person.

export const SLOT_MS = 30_000;
const CODE_LENGTH = 10;

export function newCodeSecret(): string {
  return crypto.randomBytes(32).toString("base64url");
}

export function slotAt(now: Date): number {
  return Math.floor(now.getTime() / SLOT_MS);
}

/** The short URL-safe code of one slot. */
export function codeFor(secret: string, slot: number): string {
  return crypto.createHmac("sha256", secret).update(`checkin:${slot}`).digest("base64url").slice(0, CODE_LENGTH);
}

/** What goes in /checkin/:token for the slot of `now`. */
export function checkinToken(activityId: number, secret: string, now = new Date()): string {
  return `${activityId}-${codeFor(secret, slotAt(now))}`;
}

/** When the token shown now stops being accepted (the end of the next slot). */
export function tokenExpiresAt(now = new Date()): Date {
  return new Date((slotAt(now) + 2) * SLOT_MS);
}

const TOKEN = new RegExp(`^([1-9]\\d{0,8})-([A-Za-z0-9_-]{${CODE_LENGTH}})$`);

export function parseCheckinToken(token: string): { activityId: number; code: string } | null {
  const m = TOKEN.exec(token);
  return m ? { activityId: Number(m[1]), code: m[2] } : null;
}

/** True when `code` is the code of the current or the previous slot. */
export function isCurrentCode(secret: string, code: string, now = new Date()): boolean {
  const slot = slotAt(now);
  const given = Buffer.from(code);
  return [slot, slot - 1].some((s) => {
    const expected = Buffer.from(codeFor(secret, s));
    return expected.length === given.length && crypto.timingSafeEqual(expected, given);
  });
}
