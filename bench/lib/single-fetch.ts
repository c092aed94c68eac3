// Reading what Remix single fetch answers (`….data`), for the scenarios that speak as the hydrated page.

/**
 * The first line of a single-fetch body (turbo-stream): a flat JSON array in which an object is
 * {"_<index of its key>": <index of its value>} and an array a list of indices. Plain data only,
 * which is all these replies hold; anything else (dates, promises, symbols) is refused.
 */
export function decodeSingleFetch(body: string): unknown {
  const end = body.indexOf("\n");
  const values = JSON.parse(end < 0 ? body : body.slice(0, end)) as unknown[];
  const at = (i: number): unknown => {
    if (i === -5) return null;
    if (i === -7) return undefined;
    if (i < 0) throw new Error(`single fetch: unexpected special value ${i}`);
    const v = values[i];
    if (Array.isArray(v)) {
      if (typeof v[0] === "string") throw new Error(`single fetch: unexpected type ${v[0]}`);
      return (v as number[]).map(at);
    }
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, j]) => [String(values[Number(k.slice(1))]), at(j as number)]));
    }
    return v;
  };
  return at(0);
}
