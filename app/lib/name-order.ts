// Names of people and units sort by pinyin (阿 李 王 张 赵), as a Chinese reader looks them up, never by
// code point (which puts 张 before 李 and 阿 last). One collator for the app: ICU's pinyin order for
// Simplified Chinese (Node ships full ICU; the browser has it too). Where SQL would sort by name, the
// domain reads the bounded set and sorts it here (decision 066): SQLite and PostgreSQL's C collation
// know code points only.

const collator = new Intl.Collator("zh-Hans-CN-u-co-pinyin");

/** Two names in pinyin order (a comparator for Array.prototype.sort). */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b);
}

/** Rows in pinyin order of their names, ties kept in their given order (a stable sort). */
export function sortByName<T>(rows: readonly T[], name: (row: T) => string): T[] {
  return rows.slice().sort((a, b) => collator.compare(name(a), name(b)));
}
