import { describe, expect, it } from "vitest";
import { AUTOSAVE_INTENT, PREVIEW_INTENT, UNSENT_SAVE, changesNoLoaderData } from "~/lib/autosave";

// Which fetcher posts leave the page's data as it was: a saved answer, a preview, and an answer that
// never reached the server (offline: reloading would fail too and replace the paper by an error page).

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
});
