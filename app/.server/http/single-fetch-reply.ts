import type { IncomingMessage, ServerResponse } from "node:http";
import { endWhole } from "./compression";

// A route action's reply as Remix single fetch sends it (a form's POST to `….data`), written by a lane
// that answers before Remix (decision 105) for the hydrated page's router to read as it reads Remix's own.

/** The type of Remix's single-fetch answers (a route's `.data`, a form's action). */
export const SINGLE_FETCH_TYPE = "text/x-script";

/** Pages and their .data are personal: no shared cache keeps them, no lab computer's disk (remix-handler.ts). */
export const PERSONAL_CACHE_CONTROL = "private, no-store";

/**
 * The body of an action's reply whose data is an object of strings, as turbo-stream (Remix 2's single
 * fetch) encodes it: one line, a flat JSON array of the values, each written once (a string met again is
 * its first index), objects as {"_<index of the key>": <index of the value>}, starting with the result
 * `{ data }`. Only strings: anything else would need the encoder's other forms, and is not sent this way.
 */
export function actionDataText(data: Readonly<Record<string, string>>): string {
  const values: unknown[] = [];
  const indexOf = new Map<string, number>();
  const at = (s: string) => {
    let i = indexOf.get(s);
    if (i === undefined) {
      i = values.push(s) - 1;
      indexOf.set(s, i);
    }
    return i;
  };
  const result: Record<string, number> = {};
  values.push(result);
  const inner: Record<string, number> = {};
  result[`_${at("data")}`] = values.push(inner) - 1;
  for (const [key, value] of Object.entries(data)) {
    const k = at(key);
    inner[`_${k}`] = at(value);
  }
  return `${JSON.stringify(values)}\n`;
}

/**
 * Answers a form's POST to `….data` with its action's data (`actionDataText`): 200 with the headers
 * Remix's reply has behind remix-handler.ts (its type, `X-Remix-Response`, personal caching), compressed
 * as it would be. The security headers are the front door's, already on the response.
 */
export function sendActionData(req: IncomingMessage, res: ServerResponse, data: Readonly<Record<string, string>>): void {
  res.statusCode = 200;
  res.setHeader("Content-Type", `${SINGLE_FETCH_TYPE}; charset=utf-8`);
  res.setHeader("X-Remix-Response", "yes");
  res.setHeader("Cache-Control", PERSONAL_CACHE_CONTROL);
  endWhole(req, res, Buffer.from(actionDataText(data), "utf8"));
}
