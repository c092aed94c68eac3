import { qrDataUri } from "../http/public-link";
import { checkinToken } from "./checkin-code";

// What the projector shows while check-in is open: the check-in URL of the current slot and its QR
// code as an SVG data URL (the CSP allows data: images; no script draws it). The page reloads its data
// every few seconds, so the code on screen is never more than a few seconds behind the slot.

export async function projectorCode(activity: { id: number; codeSecret: string }, origin: string, now = new Date()) {
  const url = `${origin}/checkin/${checkinToken(activity.id, activity.codeSecret, now)}`;
  return { url, qr: await qrDataUri(url, { margin: 1 }) };
}

/** Whether check-in is open now: the activity is still open and the time is inside its window. */
export function checkinOpen(activity: { status: string; checkinOpensAt: Date; checkinClosesAt: Date }, now = new Date()): boolean {
  return activity.status === "open" && now >= activity.checkinOpensAt && now <= activity.checkinClosesAt;
}
