import { type ShouldRevalidateFunction } from "@remix-run/react";

// Autosaves (a quiz answer saved as it is given) post `intent=save` from a fetcher. A saved answer
// changes nothing that any loader on the page shows, so after one that succeeded no loader runs
// again: without this, every answer would cost a second request that reloads the whole page's data.

export const AUTOSAVE_INTENT = "save";

export function isSuccessfulAutosave({ formData, actionResult }: Parameters<ShouldRevalidateFunction>[0]): boolean {
  return formData?.get("intent") === AUTOSAVE_INTENT && (actionResult as { ok?: unknown } | undefined)?.ok === true;
}
