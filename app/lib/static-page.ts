// A route whose page must work with no script at all (the offline page, decision 055) says so in its
// `handle`; the root layout then leaves out Remix's scripts, which could not load where it is shown.

export type StaticPageHandle = { staticPage: true };

export function isStaticPage(handles: unknown[]): boolean {
  return handles.some((h) => typeof h === "object" && h !== null && (h as Partial<StaticPageHandle>).staticPage === true);
}
