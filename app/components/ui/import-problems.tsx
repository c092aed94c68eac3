import { type ReactNode } from "react";

// The dry-run table every spreadsheet import shows: row number, the columns that identify the row,
// and the problems found in it, in Chinese.

export type ProblemRow = { rowNumber: number; problems: string[] };

export function ImportProblemTable<R extends ProblemRow>({ rows, columns }: { rows: R[]; columns: { label: string; cell: (row: R) => ReactNode; mono?: boolean }[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
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
        <tbody>
          {rows.map((r) => (
            <tr key={r.rowNumber} className="border-t border-stone-100 align-top" data-testid="problem-row">
              <td className="whitespace-nowrap px-2 py-1 font-mono">第 {r.rowNumber} 行</td>
              {columns.map((c) => (
                <td key={c.label} className={`px-2 py-1${c.mono ? " font-mono" : ""}`}>
                  {c.cell(r)}
                </td>
              ))}
              <td className="px-2 py-1 text-red-800">
                <ul>
                  {r.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
