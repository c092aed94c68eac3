import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useHydrated } from "~/components/ui/use-hydrated";
import { shortUnitName } from "~/lib/unit-names";

// The two charts of the 学时 dashboard (recharts, SVG). Both fit a 390 px phone: short axis labels,
// the unit names on a vertical axis so long names wrap rather than overlap.

const PARTY = "#c8161d";
const GOLD = "#d4a017";

type Comparable = { name: string; completionRate: number | null; participationRate: number | null; averageEarned: number | null };

const METRICS = [
  { key: "completion", label: "完成率", unit: "%", color: PARTY, value: (u: Comparable) => u.completionRate },
  { key: "participation", label: "参学率", unit: "%", color: GOLD, value: (u: Comparable) => u.participationRate },
  { key: "average", label: "人均学时", unit: "", color: "#7c2d12", value: (u: Comparable) => (u.averageEarned === null ? null : u.averageEarned / 100) },
] as const;
type MetricKey = (typeof METRICS)[number]["key"];

/** Child units side by side on one measure at a time (a phone has room for one), chosen with the buttons above it. */
export function UnitComparisonChart({ units, parentName }: { units: Comparable[]; parentName: string }) {
  const [key, setKey] = useState<MetricKey>("completion");
  // The buttons switch the chart in the browser only: a tap before the script has loaded would be lost.
  const hydrated = useHydrated();
  const metric = METRICS.find((m) => m.key === key)!;
  const data = units.map((u) => ({ name: shortUnitName(u.name, parentName), value: metric.value(u) ?? 0 }));
  if (data.length === 0) return <p className="text-sm text-stone-500">没有下级党组织。</p>;
  return (
    <div>
      <div className="mb-2 inline-flex overflow-hidden rounded-md border border-stone-300 text-sm" role="group" aria-label="对比指标">
        {METRICS.map((m) => (
          <button
            key={m.key}
            type="button"
            aria-pressed={m.key === key}
            disabled={!hydrated}
            onClick={() => setKey(m.key)}
            className={`px-3 py-1 ${m.key === key ? "bg-party text-white" : "bg-white text-stone-700 hover:bg-stone-100"}`}
          >
            {m.label}
          </button>
        ))}
      </div>
      <div style={{ height: Math.max(160, data.length * 36 + 40) }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 4 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" domain={metric.unit === "%" ? [0, 100] : [0, "auto"]} unit={metric.unit} tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 11 }} interval={0} />
            <Tooltip formatter={(v) => [`${String(v)}${metric.unit || " 学时"}`, metric.label]} />
            <Bar dataKey="value" name={metric.label} fill={metric.color} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}

export function TrendChart({ trend }: { trend: { month: number; hours: number; activities: number }[] }) {
  const data = trend.map((t) => ({ month: `${t.month}月`, hours: t.hours / 100, activities: t.activities }));
  return (
    <div style={{ height: 260 }}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 4, right: 4, bottom: 4, left: -8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="month" tick={{ fontSize: 10 }} interval={0} angle={-45} textAnchor="end" height={40} />
          <YAxis yAxisId="h" tick={{ fontSize: 11 }} />
          <YAxis yAxisId="a" orientation="right" allowDecimals={false} tick={{ fontSize: 11 }} width={28} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar yAxisId="h" dataKey="hours" name="学时" fill={PARTY} isAnimationActive={false} />
          <Line yAxisId="a" dataKey="activities" name="组织生活（次）" stroke={GOLD} strokeWidth={2} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
