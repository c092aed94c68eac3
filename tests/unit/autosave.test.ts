import { describe, expect, it } from "vitest";
import { AUTOSAVE_INTENT, PAGE_IN_REPLY, PREVIEW_INTENT, UNSENT_SAVE, changesNoLoaderData, pageInReply, pageText } from "~/lib/autosave";

// Which fetcher posts leave the page's data as it was: a saved answer, a preview, and an answer that
// never reached the server (offline: reloading would fail too and replace the paper by an error page);
// and a post whose reply brought the page's data itself (PAGE_IN_REPLY: the contest's 开始答题).

type Args = Parameters<typeof changesNoLoaderData>[0];
const args = (intent: string, actionResult: unknown) => {
  const formData = new FormData();
  formData.set("intent", intent);
  return { formData, actionResult } as unknown as Args;
};

describe("changesNoLoaderData", () => {
  it("skips the reload after a saved answer, a preview and an answer that was never sent", () => {
    expect(changesNoLoaderData(args(AUTOSAVE_INTENT, { ok: true, position: 1 }))).toBe(true);
    expect(changesNoLoaderData(args(PREVIEW_INTENT, undefined))).toBe(true);
    expect(changesNoLoaderData(args(AUTOSAVE_INTENT, { ok: false, position: 1, ...UNSENT_SAVE }))).toBe(true);
  });

  it("reloads after an answer the server refused, and after any other post", () => {
    expect(changesNoLoaderData(args(AUTOSAVE_INTENT, { ok: false, code: "closed", error: "作答已结束" }))).toBe(false);
    expect(changesNoLoaderData(args("submit", { ok: false, ...UNSENT_SAVE }))).toBe(false);
  });

  it("skips the reload when the reply brought the page asked for, and only then", () => {
    const asked = (actionResult: unknown, withField = true) => {
      const a = args("start", actionResult);
      if (withField) a.formData!.set(PAGE_IN_REPLY.name, PAGE_IN_REPLY.value);
      return changesNoLoaderData(a);
    };
    expect(asked({ page: pageText({ mode: "answering" }) })).toBe(true);
    // A refusal (already handed in, not open yet) brings no page: the page reloads and shows why.
    expect(asked({ result: { status: "error" } })).toBe(false);
    // Without the script's field the action redirected, and the page loads as after any navigation.
    expect(asked({ page: pageText({ mode: "answering" }) }, false)).toBe(false);
    // A page is sent as its JSON text, never as values: anything else under `page` is not a page.
    expect(asked({ page: { mode: "answering" } })).toBe(false);
  });
});

describe("pageInReply", () => {
  it("gives back the page sent as its JSON text, the same each time it is asked", () => {
    const page = {
      mode: "answering",
      entryId: 7,
      items: [{ position: 1, stem: "“两学一做”是指？", options: [{ value: "A", text: "学党章党规" }], response: null }],
    };
    const reply = { page: pageText(page) };
    expect(typeof reply.page).toBe("string");
    const read = pageInReply<typeof page>(reply);
    expect(read).toEqual(page);
    // A page reads its data on every render: the text is parsed once per reply.
    expect(pageInReply(reply)).toBe(read);
    expect(pageInReply({ page: pageText(page) })).not.toBe(read);
  });

  it("finds no page in a reply without one", () => {
    for (const reply of [undefined, null, "page", { result: { status: "error" } }, { page: 1 }]) expect(pageInReply(reply)).toBeUndefined();
  });
});
