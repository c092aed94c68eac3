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

/** What Excel for China shows for its built-in date formats (the ids differ from the code a file states). */
export const BUILT_IN_DATE_FORMATS: Record<number, string> = {
  14: "yyyy/m/d",
  15: "d-mmm-yy",
  16: "d-mmm",
  17: "mmm-yy",
  22: "yyyy/m/d h:mm",
  27: 'yyyy"年"m"月"',
  28: 'm"月"d"日"',
  29: 'm"月"d"日"',
  30: "m-d-yy",
  31: 'yyyy"年"m"月"d"日"',
  36: 'yyyy"年"m"月"',
  50: 'yyyy"年"m"月"',
  51: 'm"月"d"日"',
  52: 'yyyy"年"m"月"',
  53: 'm"月"d"日"',
  54: 'm"月"d"日"',
  57: 'yyyy"年"m"月"',
  58: 'm"月"d"日"',
};

const DATE_TOKEN = /"([^"]*)"|\\(.)|\[[^\]]*\]|(yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|aaaa|aaa|hh|h|ss|s|am\/pm|a\/p)|(.)/gi;
const WEEKDAYS = "日一二三四五六";

/**
 * The text a date-formatted cell shows (2021年7月1日, 7月1日, 2021/7/1 10:30), digits always Arabic,
 * or null when the code is not a date format. What a question means is what the sheet shows: "7月1日"
 * typed into Excel is stored as a date of the current year, but the answer is 7月1日.
 */
export function displayedDate(raw: string, code: string): string | null {
  const value = Number(raw);
  const section = code.split(";")[0];
  if (!Number.isFinite(value) || !/[yd]/i.test(section.replace(/"[^"]*"|\\.|\[[^\]]*\]/g, ""))) return null;
  const d = new Date(EXCEL_EPOCH_MS + Math.round(value * DAY_MS));
  const tokens = [...section.matchAll(DATE_TOKEN)];
  const pad = (n: number) => String(n).padStart(2, "0");
  let out = "";
  for (let i = 0; i < tokens.length; i++) {
    const [, quoted, escaped, token, other] = tokens[i];
    if (quoted !== undefined) out += quoted;
    else if (escaped !== undefined) out += escaped;
    else if (other !== undefined) out += other === "@" ? "" : other;
    else if (token) {
      const t = token.toLowerCase();
      // m right after an hour or right before seconds is minutes.
      const near = (j: number) => tokens[j]?.[3]?.toLowerCase() ?? "";
      const prev = [i - 1, i - 2].map(near).find((x) => x !== "") ?? "";
      const next = [i + 1, i + 2].map(near).find((x) => x !== "") ?? "";
      const minutes = (t === "m" || t === "mm") && (prev.startsWith("h") || next.startsWith("s"));
      if (t === "yyyy") out += d.getUTCFullYear();
      else if (t === "yy") out += pad(d.getUTCFullYear() % 100);
      else if (minutes) out += t === "mm" ? pad(d.getUTCMinutes()) : d.getUTCMinutes();
      else if (t === "mmmm" || t === "mmm") out += `${d.getUTCMonth() + 1}月`;
      else if (t === "mm") out += pad(d.getUTCMonth() + 1);
      else if (t === "m") out += d.getUTCMonth() + 1;
      else if (t === "dd") out += pad(d.getUTCDate());
      else if (t === "d") out += d.getUTCDate();
      else if (t === "aaaa" || t === "dddd") out += `星期${WEEKDAYS[d.getUTCDay()]}`;
      else if (t === "aaa" || t === "ddd") out += WEEKDAYS[d.getUTCDay()];
      else if (t === "hh") out += pad(d.getUTCHours());
      else if (t === "h") out += d.getUTCHours();
      else if (t === "ss") out += pad(d.getUTCSeconds());
      else if (t === "s") out += d.getUTCSeconds();
      else out += d.getUTCHours() < 12 ? "上午" : "下午";
    }
  }
  return out.trim();
}
