import { type ShouldRevalidateFunction } from "@remix-run/react";

// Fetcher posts that change nothing any loader on the page shows, so no loader runs again after them:
// a quiz answer saved as it is given (`intent=save`, when it succeeded), and a studio preview
// (`intent=preview`, which only compiles). Without this, every answer and every preview would cost a
// second request that reloads the whole page's data.

export const AUTOSAVE_INTENT = "save";
export const PREVIEW_INTENT = "preview";

export function changesNoLoaderData({ formData, actionResult }: Parameters<ShouldRevalidateFunction>[0]): boolean {
  const intent = formData?.get("intent");
  if (intent === PREVIEW_INTENT) return true;
  return intent === AUTOSAVE_INTENT && (actionResult as { ok?: unknown } | undefined)?.ok === true;
}
