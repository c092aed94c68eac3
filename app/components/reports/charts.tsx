import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ComposedChart, LabelList, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
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

const ORDERS = [
  { key: "value", label: "从高到低" },
  { key: "name", label: "按党组织" },
] as const;
type OrderKey = (typeof ORDERS)[number]["key"];

/** A measure's value as the bar's label and the chart's text: "80.0%", "2.5 学时", or "—" for a unit without anyone it applies to. */
const shown = (value: number | null, unit: string) => (value === null ? "—" : unit === "%" ? `${value.toFixed(1)}%` : `${value} 学时`);

/**
 * Child units side by side on one measure at a time (a phone has room for one), chosen with the buttons
 * above it; largest first unless the units' own order is chosen, each bar labelled with its value, and
 * the same figures as the chart's text for a screen reader (decision 065).
 */
export function UnitComparisonChart({ units, parentName }: { units: Comparable[]; parentName: string }) {
  const [key, setKey] = useState<MetricKey>("completion");
  const [order, setOrder] = useState<OrderKey>("value");
  // The buttons switch the chart in the browser only: a tap before the script has loaded would be lost.
  const hydrated = useHydrated();
  const metric = METRICS.find((m) => m.key === key)!;
  const rows = units.map((u, i) => ({ name: shortUnitName(u.name, parentName), raw: metric.value(u), i }));
  // Units without a value (nobody with a requirement) go last in either order; ties keep the units' order.
  if (order === "value") rows.sort((a, b) => (b.raw ?? -1) - (a.raw ?? -1) || a.i - b.i);
  const data = rows.map((r) => ({ name: r.name, value: r.raw ?? 0, label: shown(r.raw, metric.unit) }));
  if (data.length === 0) return <p className="text-sm text-stone-500">没有下级党组织。</p>;
  const toggle = <K extends string>(items: readonly { key: K; label: string }[], current: K, set: (k: K) => void, label: string) => (
    <div className="inline-flex overflow-hidden rounded-md border border-stone-300 text-sm" role="group" aria-label={label}>
      {items.map((m) => (
        <button
          key={m.key}
          type="button"
          aria-pressed={m.key === current}
          disabled={!hydrated}
          onClick={() => set(m.key)}
          className={`px-3 py-1 ${m.key === current ? "bg-party text-white" : "bg-white text-stone-700 hover:bg-stone-100"}`}
        >
          {m.label}
        </button>
      ))}
    </div>
  );
  const summary = `${metric.label}，${order === "value" ? "从高到低" : "按党组织"}：${data.map((d) => `${d.name} ${d.label}`).join("；")}`;
  return (
    <div>
      <div className="mb-2 flex flex-wrap gap-2">
        {toggle(METRICS, key, setKey, "对比指标")}
        {toggle(ORDERS, order, setOrder, "排列顺序")}
      </div>
      <p className="sr-only" data-testid="unit-comparison-text">
        {summary}
      </p>
      <div style={{ height: Math.max(160, data.length * 36 + 40) }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 56, bottom: 4, left: 4 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" domain={metric.unit === "%" ? [0, 100] : [0, "auto"]} unit={metric.unit} tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 11 }} interval={0} />
            <Tooltip formatter={(v) => [`${String(v)}${metric.unit || " 学时"}`, metric.label]} />
            <Bar dataKey="value" name={metric.label} fill={metric.color} isAnimationActive={false}>
              <LabelList dataKey="label" position="right" fontSize={11} fill="#44403c" />
            </Bar>
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
