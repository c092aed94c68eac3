import { encode } from "turbo-stream";
import { describe, expect, it } from "vitest";
import { actionDataText } from "~/.server/http/single-fetch-reply";
import { decodeSingleFetch } from "../../bench/lib/single-fetch";

// A lane's action reply must be what Remix's single fetch writes for the same data (turbo-stream, the
// encoder Remix 2 uses): the hydrated page's router reads both the same way.

async function remixEncoded(data: Record<string, string>): Promise<string> {
  const reader = encode({ data }).getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += typeof value === "string" ? value : decoder.decode(value, { stream: true });
  }
}

describe("actionDataText", () => {
  const cases: Record<string, string>[] = [
    { page: JSON.stringify({ mode: "answering", items: [{ stem: '引号"、换行\n、\u2028、</script>', options: [] }], result: null }) },
    { page: "page" }, // a value that is also a key
    { page: "data" }, // a value that is the result's own key
    { a: "同一个", b: "同一个" }, // a value twice
    { page: "" },
    {},
  ];
  for (const data of cases)
    it(`writes ${JSON.stringify(data).slice(0, 40)} as turbo-stream does`, async () => {
      const text = actionDataText(data);
      expect(text).toBe(await remixEncoded(data));
      expect(decodeSingleFetch(text)).toEqual({ data });
    });
});
