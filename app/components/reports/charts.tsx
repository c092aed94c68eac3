import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

// The two charts of the 学时 dashboard (recharts, SVG). Both fit a 390 px phone: short axis labels,
// the unit names on a vertical axis so long names wrap rather than overlap.

const PARTY = "#c8161d";
const GOLD = "#d4a017";

/** A child unit's name without the part it shares with its parent's ("计算机学院本科生第一党支部" → "本科生第一党支部"), to fit a phone. */
export function shortUnitName(name: string, parentName: string): string {
  let common = 0;
  while (common < name.length && name[common] === parentName[common]) common++;
  return common >= 2 && common < name.length ? name.slice(common).replace(/^（(.+)）$/, "$1") : name;
}

export function UnitComparisonChart({ units, parentName }: { units: { name: string; completionRate: number | null }[]; parentName: string }) {
  const data = units.map((u) => ({ name: shortUnitName(u.name, parentName), rate: u.completionRate ?? 0 }));
  if (data.length === 0) return <p className="text-sm text-stone-500">没有下级党组织。</p>;
  return (
    <div style={{ height: Math.max(160, data.length * 36 + 40) }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" domain={[0, 100]} unit="%" tick={{ fontSize: 11 }} />
          <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 11 }} interval={0} />
          <Tooltip formatter={(v) => [`${String(v)}%`, "完成率"]} />
          <Bar dataKey="rate" name="完成率" fill={PARTY} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
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
