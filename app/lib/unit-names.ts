// Unit names made to fit a phone, for the reports' charts and tables.

/** A child unit's name without the part it shares with its parent's ("计算机学院本科生第一党支部" → "本科生第一党支部"), to fit a phone. */
export function shortUnitName(name: string, parentName: string): string {
  let common = 0;
  while (common < name.length && name[common] === parentName[common]) common++;
  return common >= 2 && common < name.length ? name.slice(common).replace(/^（(.+)）$/, "$1") : name;
}
