import QRCode from "qrcode";
import { env } from "../env";
import { currentRequestContext } from "./context";

// Addresses printed on paper or projected (学时证明 QR codes, activation slips, the projector's
// check-in code): they outlive the page and must point to this site. The request's URL is built from
// its Host header, which the client chooses: a forged Host must never become such an address.

/**
 * PUBLIC_URL when set. Otherwise the origin the page was asked on, but only when the configuration
 * names it: one of ALLOWED_ORIGINS, or the configured HOST (or the address the connection actually
 * reached, read from the socket) on the port the server listens on. Anything else gets the first
 * configured origin instead, so the link still works, pointing here.
 */
export function publicOrigin(requestUrl: string): string {
  if (env.publicUrl) return env.publicUrl;
  const trusted = [...env.allowedOrigins.flatMap(originOf), ...listeningOrigins()];
  const asked = originOf(requestUrl)[0];
  if (asked && trusted.includes(asked)) return asked;
  return trusted[0] ?? `http://${hostPart(env.host)}:${env.port}`;
}

/**
 * The QR code as an SVG data: URI (the CSP allows data: images; no script, no inline SVG markup).
 * `margin` is the quiet zone around the code, in modules.
 */
export async function qrDataUri(text: string, { margin = 0 } = {}): Promise<string> {
  const svg = await QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

function listeningOrigins(): string[] {
  const local = currentRequestContext()?.local;
  if (!local) return [];
  const hosts = [env.host, local.address.replace(/^::ffff:(?=\d+\.)/, "")].filter((h) => h && h !== "0.0.0.0" && h !== "::");
  return [...new Set(hosts)].flatMap((h) => originOf(`http://${hostPart(h)}:${local.port}`));
}

function hostPart(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

function originOf(url: string): string[] {
  try {
    return [new URL(url).origin];
  } catch {
    return [];
  }
}
