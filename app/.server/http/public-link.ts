import QRCode from "qrcode";
import { env } from "../env";

// Addresses printed on paper (学时证明 QR codes, activation slips): they must point to the site's
// public address, and are drawn as QR codes the CSP allows.

/** PUBLIC_URL when set, else the origin the page was asked on. */
export function publicOrigin(requestUrl: string): string {
  return env.publicUrl ?? new URL(requestUrl).origin;
}

/** The QR code as an SVG data: URI (the CSP allows data: images; no script, no inline SVG markup). */
export async function qrDataUri(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 0 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}
