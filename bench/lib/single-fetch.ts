// Reading what Remix single fetch answers (`….data`), for the scenarios that speak as the hydrated page.

/**
 * The first line of a single-fetch body (turbo-stream): a flat JSON array in which an object is
 * {"_<index of its key>": <index of its value>} and an array a list of indices. Plain data only,
 * which is all these replies hold; anything else (dates, promises, symbols) is refused. Plain loops: the
 * contest morning decodes twenty thousand papers and results on the machine the server runs on.
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
      const list = new Array<unknown>(v.length);
      for (let k = 0; k < v.length; k++) list[k] = at(v[k] as number);
      return list;
    }
    if (v !== null && typeof v === "object") {
      const o: Record<string, unknown> = {};
      for (const key in v) {
        const name = String(values[Number(key.slice(1))]);
        const value = at((v as Record<string, number>)[key]);
        if (name === "__proto__") Object.defineProperty(o, name, { value, enumerable: true, writable: true, configurable: true });
        else o[name] = value;
      }
      return o;
    }
    return v;
  };
  return at(0);
}
