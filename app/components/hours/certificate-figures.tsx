import { formatHours } from "~/lib/hours";
import { HOURS_CATEGORY_LABELS, type HoursCategory } from "~/lib/hours-categories";

/** The year's hours by category, as they stood when the certificate was issued. */
export function CertificateFigures({ byCategory, earned }: { byCategory: { category: HoursCategory; amount: number }[] | null; earned: number }) {
  return (
    <table className="mt-6 w-full border-collapse text-base" data-testid="certificate-figures">
      <thead>
        <tr>
          <th className="border border-stone-400 px-3 py-1.5 text-left font-medium">类别</th>
          <th className="border border-stone-400 px-3 py-1.5 text-right font-medium">学时</th>
        </tr>
      </thead>
      <tbody>
        {(byCategory ?? []).map((r) => (
          <tr key={r.category}>
            <td className="border border-stone-400 px-3 py-1.5">{HOURS_CATEGORY_LABELS[r.category]}</td>
            <td className="border border-stone-400 px-3 py-1.5 text-right font-mono">{formatHours(r.amount)}</td>
          </tr>
        ))}
        <tr className="font-bold">
          <td className="border border-stone-400 px-3 py-1.5">合计</td>
          <td className="border border-stone-400 px-3 py-1.5 text-right font-mono">{formatHours(earned)}</td>
        </tr>
      </tbody>
    </table>
  );
}
