import crypto from "node:crypto";
import http from "node:http";
import { readForm } from "./read-form";

// A small CAS protocol server (CAS 2.0 and 3.0) for the SSO tests: /login shows a form and, once a
// known user signs in, redirects to the service with a service ticket; /serviceValidate (2.0, no
// attributes) and /p3/serviceValidate (3.0, with attributes) answer in the protocol's XML. Tickets
// are single-use (gone after the first validation, whatever its outcome) and bound to the exact
// service URL they were issued for, as the protocol requires.

export type CasUser = { password: string; attributes?: Record<string, string | string[]> };

export type TestCasServer = {
  /** The CAS prefix: what CAS_BASE_URL is set to. */
  baseUrl: string;
  /** Validation requests seen, for assertions. */
  validations: { path: string; service: string | null; ticket: string | null }[];
  /** Issues a ticket without the login form (a ticket an attacker obtained for a service URL of their choosing). */
  issueTicket(user: string, service: string): string;
  /** The next validation answers with this body (a malformed or hostile response) or HTTP status instead. */
  answerNextWith(answer: string | { status: number }): void;
  stop(): Promise<void>;
};

type Ticket = { user: string; service: string };

const xmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startCasServer(opts: { users: Record<string, CasUser>; prefix?: string }): Promise<TestCasServer> {
  const prefix = opts.prefix ?? "/cas";
  const tickets = new Map<string, Ticket>();
  const validations: TestCasServer["validations"] = [];
  let nextAnswer: string | { status: number } | null = null;

  const issueTicket = (user: string, service: string) => {
    const ticket = `ST-${crypto.randomBytes(18).toString("base64url")}-cas.test`;
    tickets.set(ticket, { user, service });
    return ticket;
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", "http://cas.invalid");
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : null;
    const service = url.searchParams.get("service");
    if (path === "/login") {
      if (!service) return send(res, 400, "text/plain", "service required");
      if (req.method === "POST") {
        const form = await readForm(req);
        const username = form.get("username") ?? "";
        if (opts.users[username]?.password === form.get("password")) {
          const back = new URL(service);
          back.searchParams.set("ticket", issueTicket(username, service));
          res.writeHead(302, { Location: back.toString() });
          return res.end();
        }
        return send(res, 401, "text/html", loginForm(url, "用户名或密码错误"));
      }
      return send(res, 200, "text/html", loginForm(url));
    }
    if (path === "/serviceValidate" || path === "/p3/serviceValidate") {
      const ticket = url.searchParams.get("ticket");
      validations.push({ path, service, ticket });
      if (nextAnswer !== null) {
        const answer = nextAnswer;
        nextAnswer = null;
        return typeof answer === "string" ? send(res, 200, "application/xml", answer) : send(res, answer.status, "text/html", "<h1>error</h1>");
      }
      return send(res, 200, "application/xml", validate(path === "/p3/serviceValidate", service, ticket));
    }
    send(res, 404, "text/plain", "not found");
  }

  function validate(withAttributes: boolean, service: string | null, ticket: string | null): string {
    if (!service || !ticket) return failure("INVALID_REQUEST", "service and ticket are required");
    const issued = tickets.get(ticket);
    tickets.delete(ticket);
    if (!issued) return failure("INVALID_TICKET", `Ticket ${ticket} not recognized`);
    if (issued.service !== service) return failure("INVALID_SERVICE", `Ticket ${ticket} does not match supplied service`);
    const attributes = withAttributes
      ? `\n    <cas:attributes>\n${Object.entries(opts.users[issued.user]?.attributes ?? {})
          .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `      <cas:${name}>${xmlEscape(v)}</cas:${name}>`))
          .join("\n")}\n    </cas:attributes>`
      : "";
    return `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
  <cas:authenticationSuccess>
    <cas:user>${xmlEscape(issued.user)}</cas:user>${attributes}
  </cas:authenticationSuccess>
</cas:serviceResponse>`;
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    baseUrl: `http://127.0.0.1:${port}${prefix}`,
    validations,
    issueTicket,
    answerNextWith(answer) {
      nextAnswer = answer;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function failure(code: string, message: string): string {
  return `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
  <cas:authenticationFailure code="${code}">${xmlEscape(message)}</cas:authenticationFailure>
</cas:serviceResponse>`;
}

function send(res: http.ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { "Content-Type": `${type}; charset=utf-8` });
  res.end(body);
}

function loginForm(url: URL, error?: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>统一身份认证（测试）</title></head><body>
${error ? `<p role="alert">${error}</p>` : ""}<form method="post" action="${xmlEscape(url.pathname + url.search)}">
<input name="username"><input name="password" type="password"><button type="submit">登录</button></form></body></html>`;
}
