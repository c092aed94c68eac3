import { describe, expect, it } from "vitest";
import { z } from "zod";
import { idParam, searchParamsOf } from "~/.server/http/request-params";

async function thrown(f: () => unknown): Promise<Response> {
  try {
    f();
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
  throw new Error("nothing was thrown");
}

describe("idParam", () => {
  it("reads a positive whole number", () => {
    expect(idParam("42", "没有找到")).toBe(42);
  });

  it.each([undefined, "", "0", "-1", "1.5", "1e3", "012", " 7", "abc", "9999999999999999"])("answers 404 with the route's sentence for %j", async (raw) => {
    const res = await thrown(() => idParam(raw, "没有找到这个测验"));
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("没有找到这个测验");
  });
});

describe("searchParamsOf", () => {
  const Schema = z.object({ page: z.coerce.number().int().min(1).default(1), q: z.string().max(5).optional() });

  it("reads the query string through the schema", () => {
    expect(searchParamsOf(new Request("http://x/p?page=3&q=ab"), Schema)).toEqual({ page: 3, q: "ab" });
    expect(searchParamsOf(new Request("http://x/p"), Schema)).toEqual({ page: 1 });
  });

  it("reads an empty value as absent, as a GET filter form sends its blank fields", () => {
    expect(searchParamsOf(new Request("http://x/p?page=&q="), Schema)).toEqual({ page: 1 });
  });

  it("answers 400 with the message when the schema refuses", async () => {
    const res = await thrown(() => searchParamsOf(new Request("http://x/p?page=0"), Schema, "筛选条件有误"));
    expect(res.status).toBe(400);
    expect(await res.text()).toBe("筛选条件有误");
  });
});
