import http from "node:http";

/** A GET with a Host header of the caller's choosing (fetch will not send one), for "never from Host" checks. */
export function getWithHost(url: string, host: string): Promise<{ status: number; location: string | null }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Host: host } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null });
    });
    req.on("error", reject);
  });
}
