// The paging and sorting of a long management list (decision 065): the sizes a page may have, the
// page numbers a pagination bar shows, and the window of rows a page covers. Pure; the server
// helper (app/.server/http/table-query.ts) reads the URL, the component (app/components/ui/data-table.tsx) draws it.

export const PAGE_SIZES = [20, 50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export type SortDir = "asc" | "desc";

/** What a list was asked for: a whitelisted sort key, its direction, a page and a page size. */
export type TableQuery<K extends string = string> = { sort: K; dir: SortDir; page: number; size: PageSize };

/** What a page of a list tells its table component: the query as answered, the total and the page count. */
export type Paging = { sort: string; dir: SortDir; page: number; pages: number; size: number; total: number };

/** The page a list shows once its total is known (a page past the end is the last page, never an empty one), and the rows it covers. */
export function pageWindow<K extends string>(total: number, query: TableQuery<K>) {
  const pages = Math.max(1, Math.ceil(total / query.size));
  const page = Math.min(Math.max(1, query.page), pages);
  return { paging: { sort: query.sort, dir: query.dir, size: query.size, total, page, pages }, skip: (page - 1) * query.size, take: query.size };
}

/**
 * The numbers a pagination bar shows: the first and last page, the current one with `around` on
 * each side, and "gap" where pages are left out (1 … 4 5 6 … 239). A gap never hides a single page.
 */
export function pageNumbers(page: number, pages: number, around = 2): (number | "gap")[] {
  const shown = new Set([1, pages]);
  for (let p = page - around; p <= page + around; p++) if (p >= 1 && p <= pages) shown.add(p);
  const sorted = [...shown].sort((a, b) => a - b);
  const out: (number | "gap")[] = [];
  for (const p of sorted) {
    const last = out.at(-1);
    if (typeof last === "number" && p - last === 2) out.push(last + 1);
    else if (typeof last === "number" && p - last > 2) out.push("gap");
    out.push(p);
  }
  return out;
}

/** Rows sorted in memory by `key` (a list computed on the server, not read page by page), ties kept in their given order. */
export function sortRows<T>(rows: readonly T[], compare: (a: T, b: T) => number, dir: SortDir): T[] {
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => (dir === "asc" ? compare(a.row, b.row) : compare(b.row, a.row)) || a.i - b.i)
    .map((x) => x.row);
}
