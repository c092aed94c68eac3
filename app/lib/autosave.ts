import { type ShouldRevalidateFunction } from "@remix-run/react";

// Fetcher posts that change nothing any loader on the page shows, so no loader runs again after them:
// a quiz answer saved as it is given (`intent=save`, when it succeeded), and a studio preview
// (`intent=preview`, which only compiles). Without this, every answer and every preview would cost a
// second request that reloads the whole page's data.

export const AUTOSAVE_INTENT = "save";
/** A quiz question's 标记 set or cleared as it is ticked (it changes nothing a loader shows either). */
export const MARK_INTENT = "mark";

/**
 * An autosave that never reached the server (offline, or the network failed mid-request): the page
 * says so beside the answer, and nothing is reloaded (a reload would fail the same way and put an
 * error page in place of the answers). No answer is ever held back to be sent later (decision 055).
 */
export const UNSENT_SAVE = { code: "unsent", error: "网络已断开，这个答案没有保存。请恢复网络后重新作答此题。" } as const;
export const PREVIEW_INTENT = "preview";

export function changesNoLoaderData({ formData, actionResult }: Parameters<ShouldRevalidateFunction>[0]): boolean {
  const intent = formData?.get("intent");
  if (intent === PREVIEW_INTENT) return true;
  const result = actionResult as { ok?: unknown; code?: unknown } | undefined;
  return (intent === AUTOSAVE_INTENT || intent === MARK_INTENT) && (result?.ok === true || result?.code === UNSENT_SAVE.code);
}
