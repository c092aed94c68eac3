import { AppError } from "~/lib/app-error";
import { PAGE_SIZES, type PageSize, type SortDir, type TableQuery } from "~/lib/table-paging";
import { refuse } from "./refusal";

// The sort, page and page size of a long management list, read from its URL the one way
// (decision 065). The sort key must be one the list names (a whitelist: a key is never passed to
// the database as a column name); a value that is not one of the allowed ones is a 400 with a
// sentence saying what is allowed, never a 500 and never a silent default. Absent values take the
// list's defaults; a page past the end is clamped later, once the total is known (pageWindow).

export type TableSpec<K extends string> = {
  /** The keys the list can sort by, in the order the page offers them. */
  sorts: readonly K[];
  defaultSort: K;
  defaultDir?: SortDir;
  defaultSize?: PageSize;
};

const PAGE = /^[1-9]\d{0,5}$/;

export function tableQuery<K extends string>(request: Request, spec: TableSpec<K>): TableQuery<K> {
  const params = new URL(request.url).searchParams;
  const read = (name: string) => {
    const v = params.get(name);
    return v === null || v === "" ? undefined : v;
  };
  const sort = read("sort") ?? spec.defaultSort;
  if (!(spec.sorts as readonly string[]).includes(sort)) bad(`不能按“${sort.slice(0, 20)}”排序：可用的排序是 ${spec.sorts.join("、")}`);
  const dir = read("dir") ?? spec.defaultDir ?? "asc";
  if (dir !== "asc" && dir !== "desc") bad("排序方向只能是 asc（升序）或 desc（降序）");
  const page = read("page") ?? "1";
  if (!PAGE.test(page)) bad("页码须为正整数");
  const size = read("size") ?? String(spec.defaultSize ?? PAGE_SIZES[0]);
  const n = Number(size);
  if (!(PAGE_SIZES as readonly number[]).includes(n) || String(n) !== size) bad(`每页条数只能是 ${PAGE_SIZES.join("、")}`);
  return { sort: sort as K, dir, page: Number(page), size: n as PageSize };
}

function bad(message: string): never {
  refuse(new AppError("invalid", message, { reason: "table_query" }));
}
