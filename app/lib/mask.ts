import { type Grant, grantsCover } from "./permissions";
import { POLITICAL_STATUS_LABELS, type PoliticalStatus } from "./vocabulary";

// Masking of personal numbers for lists, exports and roles that do not need them (PIPL).

/** 13812345678 → 138****5678 */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return "";
  const p = phone.trim();
  // A mobile number keeps 3 + 4 digits; 7–10 characters (a landline, an extension) keep only the last 2; shorter ones nothing.
  if (p.length >= 11) return `${p.slice(0, 3)}${"*".repeat(p.length - 7)}${p.slice(-4)}`;
  if (p.length <= 6) return "*".repeat(p.length);
  return `${"*".repeat(p.length - 2)}${p.slice(-2)}`;
}

/** 王积极 → 王*极, 李明 → 李*, 欧阳小明 → 欧**明: enough to compare with a paper, not to identify a stranger. */
export function maskName(name: string | null | undefined): string {
  const chars = [...(name ?? "").trim()];
  if (chars.length <= 1) return chars.join("");
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${"*".repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** A student or staff number: 2024070001 → 2024****01; short ones keep only their first and last character. */
export function maskPersonNumber(number: string | null | undefined): string {
  const s = (number ?? "").trim();
  if (s.length <= 2) return "*".repeat(s.length);
  if (s.length < 8) return `${s[0]}${"*".repeat(s.length - 2)}${s.slice(-1)}`;
  return `${s.slice(0, 4)}${"*".repeat(s.length - 6)}${s.slice(-2)}`;
}

/** What a list or export shows in place of a political status the viewer may not see. */
export const MASKED_STATUS = "***";

/**
 * A person's 学号/工号 and political status (sensitive under PIPL) as one viewer may see them: whole
 * with `people:sensitive` over the person's unit, masked otherwise. Every report and export that
 * lists people goes through this.
 */
export function personFieldsFor(grants: readonly Grant[], person: { unitPath: string; number: string; politicalStatus?: string }) {
  const whole = grantsCover(grants, "people:sensitive", person.unitPath);
  const status = person.politicalStatus ?? "";
  return {
    number: whole ? person.number : maskPersonNumber(person.number),
    politicalStatus: whole ? (POLITICAL_STATUS_LABELS[status as PoliticalStatus] ?? status) : MASKED_STATUS,
  };
}

/** zhou.dangyuan@example.edu.cn → z***n@example.edu.cn: the domain stays (which mail service), the name does not. */
export function maskEmail(email: string | null | undefined): string {
  const s = (email ?? "").trim();
  const at = s.lastIndexOf("@");
  if (at < 1) return "*".repeat(s.length);
  const local = s.slice(0, at);
  return `${local[0]}***${local.length > 2 ? local.slice(-1) : ""}${s.slice(at)}`;
}
