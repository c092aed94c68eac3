import { parseWithZod } from "~/lib/zod-form";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formRefusal, jsonRefusal, orRefuse, refuse } from "~/.server/http/refusal";
import { APP_ERROR_STATUS, AppError, isAppError } from "~/lib/app-error";

// The one domain error and the one helper that answers with it: the status follows from the code,
// a field-level refusal lands beside its field, and anything that is not an AppError passes through.

type Answered = { data: unknown; init: { status?: number } | null };

function submissionOf(fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return parseWithZod(form, { schema: z.object({ slug: z.string(), title: z.string(), password: z.string().optional() }) });
}

async function thrownBy(work: () => unknown): Promise<unknown> {
  try {
    await work();
  } catch (e) {
    return e;
  }
  throw new Error("nothing was thrown");
}

describe("AppError", () => {
  it("takes its status from its code", () => {
    expect(new AppError("not_found", "没有找到").status).toBe(404);
    expect(new AppError("closed", "已经结束").status).toBe(409);
    expect(new AppError("too_large", "文件过大").status).toBe(413);
    for (const [code, status] of Object.entries(APP_ERROR_STATUS)) {
      expect(new AppError(code as keyof typeof APP_ERROR_STATUS, "x").status).toBe(status);
    }
  });

  it("keeps the message, field, reason and detail it was given", () => {
    const e = new AppError("invalid", "学时不足", { field: "toStatus", reason: "gate", detail: { overridable: true } });
    expect(e).toBeInstanceOf(Error);
    expect(isAppError(e)).toBe(true);
    expect(isAppError(new Error("x"))).toBe(false);
    expect([e.message, e.code, e.field, e.reason, e.detail]).toEqual(["学时不足", "invalid", "toStatus", "gate", { overridable: true }]);
  });
});

describe("refuse and orRefuse", () => {
  it("throw an AppError as a Response with its status and Chinese message", async () => {
    const thrown = await thrownBy(() => refuse(new AppError("not_eligible", "这个测验不面向您")));
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(403);
    expect(await (thrown as Response).text()).toBe("这个测验不面向您");

    const viaWork = await thrownBy(() =>
      orRefuse(async () => {
        throw new AppError("not_found", "没有找到这次作答");
      }),
    );
    expect((viaWork as Response).status).toBe(404);
  });

  it("pass the value of work that succeeds", async () => {
    expect(await orRefuse(() => 42)).toBe(42);
  });

  it("rethrow anything that is not an AppError unchanged", async () => {
    const bug = new TypeError("boom");
    expect(await thrownBy(() => refuse(bug))).toBe(bug);
    expect(
      await thrownBy(() =>
        orRefuse(() => {
          throw bug;
        }),
      ),
    ).toBe(bug);
  });
});

describe("formRefusal", () => {
  it("puts a refusal that names a field beside that field, with the code's status", () => {
    const submission = submissionOf({ slug: "bad slug", title: "题库" });
    const answered = formRefusal(submission, new AppError("invalid", "编号已被使用", { field: "slug" }), { intent: "create" }) as unknown as Answered;
    expect(answered.init?.status).toBe(400);
    const body = answered.data as { intent: string; result: { error?: Record<string, string[] | null> }; refusal: unknown };
    expect(body.intent).toBe("create");
    expect(body.result.error?.slug).toEqual(["编号已被使用"]);
    expect(body.refusal).toEqual({ code: "invalid", reason: null, detail: null });
  });

  it("puts a refusal without a field at the top of the form, and carries reason and detail", () => {
    const submission = submissionOf({ slug: "a", title: "b" });
    const e = new AppError("conflict", "本轮状态刚刚发生了变化", { reason: "gate", detail: { overridable: false } });
    const answered = formRefusal(submission, e) as unknown as Answered;
    expect(answered.init?.status).toBe(409);
    const body = answered.data as { result: { error?: Record<string, string[] | null> }; refusal: unknown };
    expect(body.result.error?.[""]).toEqual(["本轮状态刚刚发生了变化"]);
    expect(body.refusal).toEqual({ code: "conflict", reason: "gate", detail: { overridable: false } });
  });

  it("empties the fields it is told to hide (secrets the person typed)", () => {
    const submission = submissionOf({ slug: "a", title: "b", password: "Secret2026" });
    const answered = formRefusal(submission, new AppError("bad_code", "激活码不正确"), {}, { hideFields: ["password"] }) as unknown as Answered;
    const body = answered.data as { result: { initialValue?: Record<string, unknown> | null } };
    expect(body.result.initialValue?.password).toBeUndefined();
    expect(body.result.initialValue?.slug).toBe("a");
  });

  it("rethrows anything that is not an AppError unchanged", () => {
    const bug = new RangeError("boom");
    expect(() => formRefusal(submissionOf({ slug: "a", title: "b" }), bug)).toThrow(bug);
  });
});

describe("jsonRefusal", () => {
  it("answers { ok: false, error, code, reason } with the code's status, never cached", async () => {
    const answered = jsonRefusal(new AppError("wrong_question", "这道题已经结束，请看当前题目"));
    expect(answered.status).toBe(409);
    expect(answered.headers.get("Cache-Control")).toBe("no-store");
    expect(await answered.json()).toEqual({ ok: false, error: "这道题已经结束，请看当前题目", code: "wrong_question", reason: null });
  });

  it("rethrows anything that is not an AppError unchanged", () => {
    const bug = new Error("database is locked");
    expect(() => jsonRefusal(bug)).toThrow(bug);
  });
});
