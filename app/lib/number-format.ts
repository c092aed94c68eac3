// The text Excel shows for a number, for the formats that change what the number means: a percent
// (0.005 shown as 0.5%), zero-padded digits (123 shown as 000123), fixed decimals (2021.1 shown as
// 2021.10, a month) and a year and month without a day. Other formats show the number as it is, or
// are full dates the reader already returns as dates. Pure: the server hands in the stored value.

const DAY_MS = 86_400_000;
/** Excel's day 0 for serials from 61 on (it counts a 29 February 1900 that never was). */
export const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** The format's first section without quoted text, escapes and [colour]/[condition] brackets. */
function bareFormat(code: string): string {
  return code
    .replace(/"[^"]*"/g, "")
    .replace(/\\./g, "")
    .replace(/\[[^\]]*\]/g, "")
    .split(";")[0]
    .trim();
}

/** A decimal without binary noise: 0.005 × 100 is 0.5, not 0.49999999999999994. */
const clean = (n: number) => Number(n.toPrecision(12));

function withDecimals(n: number, decimals: number): string {
  const s = String(clean(n));
  const have = s.includes(".") ? s.length - s.indexOf(".") - 1 : 0;
  return have >= decimals ? s : n.toFixed(decimals);
}

/**
 * What the cell shows, or null when the format does not change the number's meaning.
 * A percent keeps every digit the cell holds even when the format rounds (0.5% in a "0%" cell).
 */
export function displayedNumber(raw: string, code: string): string | null {
  const value = Number(raw);
  if (!Number.isFinite(value)) return null;
  const bare = bareFormat(code);
  if (bare.includes("%")) {
    const decimals = /\.(0+)/.exec(bare)?.[1].length ?? 0;
    return `${withDecimals(value * 100, decimals)}%`;
  }
  if (/^0{2,}$/.test(bare) && Number.isInteger(value) && value >= 0) return String(value).padStart(bare.length, "0");
  const fixed = /^0\.(0+)$/.exec(bare);
  if (fixed) return withDecimals(value, fixed[1].length);
  const lower = bare.toLowerCase();
  if (/y/.test(lower) && /m/.test(lower) && !/[dhs]/.test(lower)) {
    const d = new Date(EXCEL_EPOCH_MS + Math.floor(value) * DAY_MS);
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  }
  return null;
}
