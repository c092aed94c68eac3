// Management pages are read at a desk: tables with many columns, a studio with its preview beside the
// editor. A route says so in its `handle` (decision 065); the root layout then lets the page use the
// whole width of the window instead of the 1,024 px column learners' pages keep. A phone is narrower
// than either, so nothing changes there.

export type WidePageHandle = { widePage: true };

export const WIDE_PAGE: WidePageHandle = { widePage: true };

export function isWidePage(handles: unknown[]): boolean {
  return handles.some((h) => typeof h === "object" && h !== null && (h as Partial<WidePageHandle>).widePage === true);
}
