import { Link, useSearchParams } from "@remix-run/react";
import { type ReactNode } from "react";
import { PAGE_SIZES, pageNumbers, type Paging, type SortDir } from "~/lib/table-paging";
import { ScrollTable } from "./scroll-table";

// The one table of a long management list (decision 065): column headers that sort it on the server
// (plain links, so it works before the script has loaded), a caption, and a pagination bar with
// numbered pages, first/last, the page size and the total. The loader reads the same parameters with
// tableQuery (app/.server/http/table-query.ts) and returns `paging`.

export type Column = { label: string; sort?: string; className?: string; firstDir?: SortDir };

/** The current URL's query with `changes` applied (a null removes a parameter), as a relative link. */
function useQueryLink() {
  const [params] = useSearchParams();
  return (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    return `?${next}`;
  };
}

export function DataTable({
  caption,
  columns,
  paging,
  unit = "条",
  empty = "没有符合条件的记录。",
  testId,
  children,
}: {
  caption: string;
  columns: Column[];
  paging: Paging;
  unit?: string;
  empty?: string;
  testId?: string;
  children: ReactNode;
}) {
  const link = useQueryLink();
  return (
    <div data-testid={testId}>
      <ScrollTable label={caption} className="rounded-lg bg-white shadow">
        <table className="w-full text-left text-sm">
          <caption className="px-3 pt-2 text-left text-xs text-stone-600">{`${caption}（共 ${paging.total} ${unit}）`}</caption>
          <thead className="bg-stone-100 text-stone-700">
            <tr>
              {columns.map((c) => {
                const active = c.sort !== undefined && c.sort === paging.sort;
                const nextDir: SortDir = active ? (paging.dir === "asc" ? "desc" : "asc") : (c.firstDir ?? "asc");
                return (
                  <th
                    key={c.label}
                    scope="col"
                    className={`px-3 py-2 font-medium ${c.className ?? ""}`}
                    aria-sort={active ? (paging.dir === "asc" ? "ascending" : "descending") : undefined}
                  >
                    {c.sort ? (
                      <Link
                        to={link({ sort: c.sort, dir: nextDir, page: null })}
                        className="inline-flex items-center gap-1 hover:text-party hover:underline"
                        aria-label={`${c.label}，按${c.label}${nextDir === "asc" ? "升序" : "降序"}排列`}
                      >
                        {c.label}
                        <span aria-hidden="true" className={active ? "text-party" : "text-stone-400"}>
                          {active ? (paging.dir === "asc" ? "▲" : "▼") : "↕"}
                        </span>
                      </Link>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
        {paging.total === 0 ? <p className="p-4 text-sm text-stone-600">{empty}</p> : null}
      </ScrollTable>
      <Pagination paging={paging} unit={unit} />
    </div>
  );
}

const pageLinkClass = "inline-flex min-w-9 items-center justify-center rounded border border-stone-300 bg-white px-2 py-1 hover:border-party hover:text-party";
// Disabled controls keep a readable contrast (stone-600 on white is 7.6:1; WCAG asks 4.5:1).
const pageOffClass = "inline-flex min-w-9 items-center justify-center rounded border border-stone-200 bg-stone-50 px-2 py-1 text-stone-600";

/** Numbered pages with gaps, first/last and previous/next, the page size and the total. */
export function Pagination({ paging, unit = "条" }: { paging: Paging; unit?: string }) {
  const link = useQueryLink();
  const to = (page: number) => link({ page: String(page) });
  const step = (label: string, page: number, enabled: boolean) =>
    enabled ? (
      <Link to={to(page)} className={pageLinkClass}>
        {label}
      </Link>
    ) : (
      <span className={pageOffClass} aria-disabled="true">
        {label}
      </span>
    );
  return (
    <div className="mt-3 flex flex-wrap items-center justify-between gap-3 text-sm">
      <p className="text-stone-700">
        <span data-testid="table-total">{`共 ${paging.total} ${unit}`}</span>
        {`，第 ${paging.page} / ${paging.pages} 页`}
      </p>
      {paging.pages > 1 ? (
        <nav aria-label="分页" className="flex flex-wrap items-center gap-1">
          {step("首页", 1, paging.page > 1)}
          {step("上一页", paging.page - 1, paging.page > 1)}
          {pageNumbers(paging.page, paging.pages).map((p, i) =>
            p === "gap" ? (
              <span key={`gap-${i}`} className="px-1 text-stone-600" aria-hidden="true">
                …
              </span>
            ) : p === paging.page ? (
              <span key={p} aria-current="page" className={`${pageLinkClass} border-party bg-party font-semibold text-white hover:text-white`}>
                {p}
              </span>
            ) : (
              <Link key={p} to={to(p)} className={pageLinkClass} aria-label={`第 ${p} 页`}>
                {p}
              </Link>
            ),
          )}
          {step("下一页", paging.page + 1, paging.page < paging.pages)}
          {step("末页", paging.pages, paging.page < paging.pages)}
        </nav>
      ) : null}
      <nav aria-label="每页条数" className="flex items-center gap-1 text-stone-700">
        每页
        {PAGE_SIZES.map((s) =>
          s === paging.size ? (
            <span key={s} aria-current="true" className={`${pageLinkClass} border-party font-semibold text-party`}>
              {s}
            </span>
          ) : (
            <Link key={s} to={link({ size: String(s), page: null })} className={pageLinkClass} aria-label={`每页 ${s} ${unit}`}>
              {s}
            </Link>
          ),
        )}
        {unit}
      </nav>
    </div>
  );
}

/** Hidden fields that keep a list's sort and page size when its search or filter form is sent (a new search starts at page 1). */
export function KeepTableParams() {
  const [params] = useSearchParams();
  return (
    <>
      {["sort", "dir", "size"].map((name) => {
        const v = params.get(name);
        return v ? <input key={name} type="hidden" name={name} value={v} /> : null;
      })}
    </>
  );
}
