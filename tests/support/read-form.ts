import type http from "node:http";

/** An urlencoded form posted to one of the test identity providers (small: a login or consent form). */
export async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = "";
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 10_000) throw new Error("form too large");
  }
  return new URLSearchParams(body);
}
