import http from "node:http";

// A small HTTP client with a cookie jar, talking to the test server the way a browser would:
// same-site Origin on every non-GET, redirects not followed (tests assert them).

export type Reply = { status: number; headers: Headers; text: string; location: string | null };

export class Client {
  private cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  sessionToken(): string | undefined {
    return this.cookies.get("wsdx_session");
  }

  async request(pathname: string, init: RequestInit & { origin?: string | null } = {}): Promise<Reply> {
    const res = await this.send(pathname, init);
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get("location") };
  }

  /** A GET (or, given a form, a POST) whose body is a file (an Excel export): the bytes instead of the text. */
  async download(pathname: string, form?: Record<string, string>): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const res = await this.send(pathname, form ? { method: "POST", body: new URLSearchParams(form) } : {});
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  private async send(pathname: string, init: RequestInit & { origin?: string | null }): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("Cookie", this.cookieHeader);
    const method = (init.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD" && init.origin !== null) headers.set("Origin", init.origin ?? this.baseUrl);
    const res = await fetch(this.baseUrl + pathname, { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, ...v] = pair.split("=");
      const value = v.join("=");
      if (value === "" || /max-age=0/i.test(c)) this.cookies.delete(k.trim());
      else this.cookies.set(k.trim(), value);
    }
    return res;
  }

  get(pathname: string) {
    return this.request(pathname);
  }

  /** A GET with a Host header of the caller's choosing (fetch() refuses to send one), as a forging client would. */
  getWithHost(pathname: string, host: string): Promise<{ status: number; text: string }> {
    const target = new URL(this.baseUrl);
    return new Promise((resolve, reject) => {
      const req = http.get({ host: target.hostname, port: target.port, path: pathname, headers: { Host: host, Cookie: this.cookieHeader } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
    });
  }

  /** Posts a form (urlencoded, or multipart when given FormData; URLSearchParams for a name given more than once). */
  post(pathname: string, form: Record<string, string> | FormData | URLSearchParams, init: { origin?: string | null } = {}) {
    const body = form instanceof FormData || form instanceof URLSearchParams ? form : new URLSearchParams(form);
    return this.request(pathname, { method: "POST", body, ...init });
  }

  async login(username: string, password: string): Promise<Reply> {
    return this.post("/login", { username, password });
  }
}
