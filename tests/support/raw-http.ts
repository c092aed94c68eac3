import http from "node:http";

// A request whose line and body go over the wire exactly as given: fetch() would undo a response's
// encoding, resolve dot segments in the path, and refuses some headers.

export type RawReply = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** `method` (GET by default) of `pathname` on the server at `baseUrl`, the body left as sent. */
export function rawRequest(baseUrl: string, pathname: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<RawReply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: pathname, method: opts.method ?? "GET", headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
