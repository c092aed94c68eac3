// <option> lists used by many forms: the units of a scope as an indented tree, and a label map.

export function UnitOptions({ units }: { units: { id: number; name: string; depth: number }[] }) {
  const top = Math.min(...units.map((u) => u.depth));
  return (
    <>
      {units.map((u) => (
        <option key={u.id} value={u.id}>
          {"　".repeat(u.depth - top)}
          {u.name}
        </option>
      ))}
    </>
  );
}

export function LabelOptions<K extends string>({ labels, disabled }: { labels: Record<K, string>; disabled?: K }) {
  return (
    <>
      {(Object.entries(labels) as [K, string][]).map(([key, label]) => (
        <option key={key} value={key} disabled={key === disabled}>
          {label}
        </option>
      ))}
    </>
  );
}
