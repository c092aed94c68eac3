import { afterEach, describe, expect, it, vi } from "vitest";
import { requestContextStorage, type RequestContext } from "~/.server/http/context";
import { wellFormedRequestId } from "~/.server/http/context";
import { log, pathForLog, redact } from "~/.server/ops/log";
import { allowConsoleError } from "../setup/console";

// The server's logger (decision 075): JSON lines carrying the request's id, secrets never written.

/** What the logger prints through console.info (stdout) or console.error (stderr), one string a call. */
function capture(method: "info" | "error") {
  const lines: string[] = [];
  // console.error is already the setup's spy (tests/setup/console.ts): allowed here, and taken over.
  if (method === "error") allowConsoleError();
  const spy = method === "error" ? vi.mocked(console.error) : vi.spyOn(console, "info");
  spy.mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  return { lines, restore: () => (method === "error" ? spy.mockImplementation(() => {}) : spy.mockRestore()) };
}

const context = (requestId: string): RequestContext => ({
  clientAddress: "127.0.0.1",
  cspNonce: "n",
  requestId,
  appendHeader: () => {},
  bodyBudget: { remaining: 0 } as unknown as RequestContext["bodyBudget"],
});

afterEach(() => {
  delete process.env.LOG_FORMAT;
});

describe("log", () => {
  it("writes one JSON object a line with the request id of the request in flight", () => {
    process.env.LOG_FORMAT = "json";
    const out = capture("info");
    try {
      requestContextStorage.run(context("req-0123456789"), () => log.info("page served", { route: "routes/login" }));
      log.info("outside any request");
    } finally {
      out.restore();
    }
    const [inside, outside] = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).toMatchObject({ level: "info", msg: "page served", requestId: "req-0123456789", route: "routes/login", pid: process.pid });
    expect(outside.requestId).toBeUndefined();
    expect(out.lines.every((l) => !l.includes("\n"))).toBe(true);
  });

  it("sends errors to stderr with the stack, and never a password, token, cookie or ID number", () => {
    process.env.LOG_FORMAT = "json";
    const err = capture("error");
    try {
      log.error("sign-in failed", new Error("boom"), {
        username: "zhangsan",
        password: "Passw0rd1",
        headers: { cookie: "wsdx_session=abc", authorization: "Bearer xyz" },
        sessionToken: "abc",
        idNumber: "110101199003071234",
        person: { name: "张三", idNumber: "110101199003071234" },
      });
    } finally {
      err.restore();
    }
    expect(err.lines).toHaveLength(1);
    const line = err.lines[0];
    for (const secret of ["Passw0rd1", "wsdx_session=abc", "Bearer xyz", "110101199003071234", '"abc"']) expect(line).not.toContain(secret);
    const parsed = JSON.parse(line) as { level: string; username: string; err: { message: string; stack: string }; person: { name: string } };
    expect(parsed).toMatchObject({ level: "error", username: "zhangsan", person: { name: "张三" } });
    expect(parsed.err.message).toBe("boom");
    expect(parsed.err.stack).toContain("log.test.ts");
  });

  it("is readable in pretty form", () => {
    process.env.LOG_FORMAT = "pretty";
    const out = capture("info");
    try {
      requestContextStorage.run(context("req-abcdefgh"), () => log.info("backup written", { files: 3 }));
    } finally {
      out.restore();
    }
    expect(out.lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+ INFO {2}\[req-abcdefgh\] backup written \{"files":3\}$/);
  });

  it("masks ID numbers and password hashes in free text: an error message that echoes a query's arguments", () => {
    process.env.LOG_FORMAT = "json";
    const err = capture("error");
    try {
      log.error(
        "query failed",
        new Error(
          'Invalid `prisma.person.create()` invocation: { idNumber: "11010119900307123X", passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA" }',
        ),
      );
    } finally {
      err.restore();
    }
    expect(err.lines[0]).not.toContain("11010119900307123X");
    expect(err.lines[0]).not.toContain("$argon2id$");
    expect(err.lines[0]).toContain("prisma.person.create()");
    // Other long numbers (ids, timestamps) are left alone.
    expect(redact({ note: "entry 1733140800000 of 12345" })).toEqual({ note: "entry 1733140800000 of 12345" });
  });

  it("masks phone numbers, bearer credentials and our cookies in free text, and phone-named fields", () => {
    const text = redact({
      note: "联系人 13812345678 / +86 13912345678; Authorization: Bearer eyJhbGciOi.payload.sig; Cookie: wsdx_session=s3cr3t; wsdx_sso=flow1",
      mobilePhone: "x",
      电话: "y",
    }) as Record<string, string>;
    for (const secret of ["13812345678", "13912345678", "eyJhbGciOi", "s3cr3t", "flow1"]) expect(text.note).not.toContain(secret);
    expect(text.note).toContain("联系人");
    expect(text).toMatchObject({ mobilePhone: "[redacted]", 电话: "[redacted]" });
    // And in the message itself, whatever a call site put there.
    process.env.LOG_FORMAT = "json";
    const out = capture("info");
    try {
      log.info("reminder for 15012345678 sent");
    } finally {
      out.restore();
    }
    expect(out.lines[0]).not.toContain("15012345678");
  });

  it("redacts by field name whatever the value, and bounds depth", () => {
    expect(redact({ a: { b: { c: { d: { e: { f: 1 } } } } } })).toEqual({ a: { b: { c: { d: { e: "[…]" } } } } });
    expect(redact({ newPassword: 123, list: [{ token: "t" }] })).toEqual({ newPassword: "[redacted]", list: [{ token: "[redacted]" }] });
  });
});

describe("request ids from a proxy", () => {
  it("are taken only when they look like one", () => {
    expect(wellFormedRequestId("0f3a9c2e-71b4-4c55-9e2a-5b1c7d8e9f00")).toBe(true);
    expect(wellFormedRequestId("nginx.req:42_ab-cd")).toBe(true);
    for (const bad of [undefined, "", "short", "with space inside", "x".repeat(129), "new\nline-123456", "<script>alert</script>"]) {
      expect(wellFormedRequestId(bad), String(bad)).toBe(false);
    }
  });
});

describe("paths in log lines", () => {
  it("mask the route parameters that are not numbers, keep numeric ids", () => {
    expect(pathForLog("/calendar/feed/Zx81_secret-token.ics", { file: "Zx81_secret-token.ics" })).toBe("/calendar/feed/:file");
    expect(pathForLog("/hours/verify/abc%20def", { token: "abc def" })).toBe("/hours/verify/:token");
    expect(pathForLog("/hours/verify/abcdef.data", { token: "abcdef" })).toBe("/hours/verify/:token");
    expect(pathForLog("/contests/42", { contestId: "42" })).toBe("/contests/42");
    expect(pathForLog("/media/7/videos/a/b.mp4", { courseId: "7", "*": "videos/a/b.mp4" })).toBe("/media/7/*");
    expect(pathForLog("/login", {})).toBe("/login");
  });
});
