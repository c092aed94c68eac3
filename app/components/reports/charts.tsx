import { useState } from "react";
import { useHydrated } from "~/components/ui/use-hydrated";
import { shortUnitName } from "~/lib/unit-names";

// The two charts of the 学时 dashboard, drawn by the server as plain HTML and SVG: they show on first
// paint with every value written beside its bar, and hydrating them costs next to nothing. recharts
// (about 110 KB brotli) used to draw them in the browser after hydration, 1.8 s of blocking on a
// simulated phone for two bar charts whose only extra was a hover tooltip (decision 062).

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

/** A round top for an axis: the smallest 1, 2 or 5 × 10ⁿ at or above the largest value (1 when all are 0). */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * step).find((v) => v >= max - 1e-9)!;
}

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
  if (rows.length === 0) return <p className="text-sm text-stone-500">没有下级党组织。</p>;
  const top = metric.unit === "%" ? 100 : niceMax(Math.max(0, ...rows.map((r) => r.raw ?? 0)));
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
  const summary = `${metric.label}，${order === "value" ? "从高到低" : "按党组织"}：${rows.map((r) => `${r.name} ${shown(r.raw, metric.unit)}`).join("；")}`;
  const ticks = [0, top / 2, top].map((t) => `${t}${metric.unit}`);
  return (
    <div>
      <div className="mb-2 flex flex-wrap gap-2">
        {toggle(METRICS, key, setKey, "对比指标")}
        {toggle(ORDERS, order, setOrder, "排列顺序")}
      </div>
      <p className="sr-only" data-testid="unit-comparison-text">
        {summary}
      </p>
      {/* The figures are in the text above for a screen reader; the drawing is for the eye. */}
      <div aria-hidden="true" className="text-xs">
        <ol className="space-y-1.5">
          {rows.map((r) => (
            <li key={r.i} className="flex items-center gap-2" data-testid="comparison-row">
              <span className="w-28 shrink-0 text-right leading-tight text-stone-700" data-testid="comparison-name">
                {r.name}
              </span>
              <span className="relative h-5 flex-1 border-l border-stone-300 bg-stone-50">
                <span
                  className="absolute inset-y-0 left-0"
                  data-testid="comparison-bar"
                  style={{ width: `${Math.min(100, ((r.raw ?? 0) / top) * 100)}%`, backgroundColor: metric.color }}
                />
              </span>
              <span className="w-16 shrink-0 tabular-nums text-stone-700" data-testid="comparison-value">
                {shown(r.raw, metric.unit)}
              </span>
            </li>
          ))}
        </ol>
        <div className="mt-1 flex gap-2 text-stone-500">
          <span className="w-28 shrink-0" />
          <span className="flex flex-1 justify-between" data-testid="comparison-ticks">
            {ticks.map((t) => (
              <span key={t}>{t}</span>
            ))}
          </span>
          <span className="w-16 shrink-0" />
        </div>
      </div>
    </div>
  );
}

/** The year's months: 学时 earned as bars on the left scale, confirmed 组织生活 as a line on the right one; each month's figures on hover. */
export function TrendChart({ trend }: { trend: { month: number; hours: number; activities: number }[] }) {
  const W = 360;
  const H = 220;
  const pad = { top: 8, right: 28, bottom: 24, left: 32 };
  const data = trend.map((t) => ({ month: t.month, hours: t.hours / 100, activities: t.activities }));
  const hoursTop = niceMax(Math.max(0, ...data.map((d) => d.hours)));
  // Activities are counted: an even top keeps the middle line a whole number.
  const activitiesTop = Math.max(2, Math.ceil(Math.max(0, ...data.map((d) => d.activities)) / 2) * 2);
  const plotW = W - pad.left - pad.right;
  const plotH = H - pad.top - pad.bottom;
  const slot = plotW / Math.max(1, data.length);
  const x = (i: number) => pad.left + slot * i + slot / 2;
  const yHours = (v: number) => pad.top + plotH - (v / hoursTop) * plotH;
  const yActivities = (v: number) => pad.top + plotH - (v / activitiesTop) * plotH;
  const grid = [0, 0.5, 1];
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label="每月学时与组织生活次数，数据见下方按月数据">
        {grid.map((g) => (
          <g key={g} fontSize={10} fill="#78716c">
            <line x1={pad.left} x2={W - pad.right} y1={pad.top + plotH * (1 - g)} y2={pad.top + plotH * (1 - g)} stroke="#e7e5e4" strokeDasharray="3 3" />
            <text x={pad.left - 4} y={pad.top + plotH * (1 - g) + 3} textAnchor="end">
              {+(hoursTop * g).toFixed(2)}
            </text>
            <text x={W - pad.right + 4} y={pad.top + plotH * (1 - g) + 3}>
              {+(activitiesTop * g).toFixed(2)}
            </text>
          </g>
        ))}
        {data.map((d, i) => (
          <g key={d.month}>
            <title>{`${d.month}月：${d.hours} 学时，组织生活 ${d.activities} 次`}</title>
            <rect x={x(i) - slot * 0.3} width={slot * 0.6} y={yHours(d.hours)} height={Math.max(0, pad.top + plotH - yHours(d.hours))} fill={PARTY} />
            <text x={x(i)} y={H - 8} fontSize={10} fill="#57534e" textAnchor="middle">
              {d.month}
            </text>
          </g>
        ))}
        <polyline points={data.map((d, i) => `${x(i)},${yActivities(d.activities)}`).join(" ")} fill="none" stroke={GOLD} strokeWidth={2} />
        {data.map((d, i) => (
          <circle key={d.month} cx={x(i)} cy={yActivities(d.activities)} r={2.5} fill={GOLD} />
        ))}
      </svg>
      <figcaption className="mt-1 flex justify-center gap-4 text-xs text-stone-600">
        <span>
          <span className="mr-1 inline-block h-2.5 w-2.5 align-middle" style={{ backgroundColor: PARTY }} />
          学时（左，月份在下）
        </span>
        <span>
          <span className="mr-1 inline-block h-0.5 w-3 align-middle" style={{ backgroundColor: GOLD }} />
          组织生活（次，右）
        </span>
      </figcaption>
    </figure>
  );
}
