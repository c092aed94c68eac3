// Masking of personal numbers for lists, exports and roles that do not need them (PIPL).

/** 13812345678 → 138****5678 */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return "";
  const p = phone.trim();
  if (p.length < 7) return "*".repeat(p.length);
  return `${p.slice(0, 3)}****${p.slice(-4)}`;
}

/** 110101199003071234 → 110***********1234 */
export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return "";
  const s = id.trim();
  if (s.length < 8) return "*".repeat(s.length);
  return `${s.slice(0, 3)}${"*".repeat(s.length - 7)}${s.slice(-4)}`;
}
