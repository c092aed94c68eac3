import { type ReactNode } from "react";
import { ScrollTable } from "./scroll-table";

// The dry-run tables every spreadsheet import shows: row number, the columns that identify the row,
// and the problems found in it (or the notes on how its cells were read), in Chinese.

export type ProblemRow = { rowNumber: number; problems: string[] };
export type NoteRow = { rowNumber: number; notes: string[] };
type Column<R> = { label: string; cell: (row: R) => ReactNode; mono?: boolean };

/** Rows the file could not take as they are, with what is wrong in each: the import waits for them. */
export function ImportProblemTable<R extends ProblemRow>({ rows, columns }: { rows: R[]; columns: Column<R>[] }) {
  return <RowMessages rows={rows} columns={columns} messages={(r) => r.problems} tone="problem" />;
}

/** How single cells were read (a month as its 1st, a label taken off): not problems, but worth a look. */
export function ImportNotesTable<R extends NoteRow>({ rows, columns }: { rows: R[]; columns: Column<R>[] }) {
  return <RowMessages rows={rows} columns={columns} messages={(r) => r.notes} tone="note" />;
}

function RowMessages<R extends { rowNumber: number }>({
  rows,
  columns,
  messages,
  tone,
}: {
  rows: R[];
  columns: Column<R>[];
  messages: (row: R) => string[];
  tone: "problem" | "note";
}) {
  return (
    <ScrollTable label={tone === "note" ? "读取说明" : "问题行"} className={tone === "note" ? "mt-1" : undefined}>
      <table className="w-full text-left text-sm">
        {tone === "problem" ? (
          <thead className="bg-stone-100 text-stone-600">
            <tr>
              <th className="px-2 py-1">行号</th>
              {columns.map((c) => (
                <th key={c.label} className="px-2 py-1">
                  {c.label}
                </th>
              ))}
              <th className="px-2 py-1">问题</th>
            </tr>
          </thead>
        ) : null}
        <tbody>
          {rows.map((r) => (
            <tr key={r.rowNumber} className="border-t border-stone-100 align-top" data-testid={tone === "problem" ? "problem-row" : "note-row"}>
              <td className="whitespace-nowrap px-2 py-1 font-mono">第 {r.rowNumber} 行</td>
              {columns.map((c) => (
                <td key={c.label} className={`px-2 py-1${c.mono ? " font-mono" : ""}`}>
                  {c.cell(r)}
                </td>
              ))}
              <td className={`px-2 py-1 ${tone === "problem" ? "text-red-800" : "text-amber-900"}`}>
                <ul>
                  {messages(r).map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

/**
 * The questions a dry run asks, as fields of the import form: they travel with the next dry run
 * and with the confirmation, so what is imported is what was previewed.
 */
export function ImportChoices({ hiddenRowCount, fills = 0, chosen }: { hiddenRowCount: number; fills?: number; chosen: { hidden?: string; fill?: string } }) {
  if (hiddenRowCount === 0 && fills === 0) return null;
  const hidden = chosen.hidden === "include" ? "include" : "skip";
  const fill = chosen.fill === "whole" ? "whole" : "split";
  return (
    <fieldset className="mb-3 space-y-2 rounded border border-amber-200 bg-amber-50 p-3 text-sm">
      <legend className="px-1 font-semibold text-amber-900">请确认（改动后请重新预检）</legend>
      {hiddenRowCount > 0 ? (
        <label className="block">
          {hiddenRowCount} 行在 Excel 中被筛选或隐藏：
          <select key={hidden} name="hidden" defaultValue={hidden} className="ml-1 rounded border px-1">
            <option value="skip">不导入（默认）</option>
            <option value="include">隐藏的行也导入</option>
          </select>
        </label>
      ) : null}
      {fills > 0 ? (
        <label className="block">
          {fills} 道填空题的答案含有 、，, 或 /：
          <select key={fill} name="fill" defaultValue={fill} className="ml-1 rounded border px-1">
            <option value="split">是几个可接受的答案，拆开（默认）</option>
            <option value="whole">是一个完整答案，不拆分</option>
          </select>
        </label>
      ) : null}
    </fieldset>
  );
}
