import { z } from "zod";

// Account activation codes as people read them off a slip of paper and type them on a phone:
// 12 characters of an alphabet without 0/O and 1/I (32 symbols, 5 bits each: 60 bits), shown in
// groups of four. Typed input forgives case, spaces, dashes and full-width forms.

export const ACTIVATION_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
export const ACTIVATION_CODE_LENGTH = 12;

/** A fresh random code, unformatted (what is hashed and put in the link). */
export function generateActivationCode(): string {
  const bytes = new Uint8Array(ACTIVATION_CODE_LENGTH);
  crypto.getRandomValues(bytes);
  // 32 symbols divide 256 evenly, so `% 32` keeps every symbol equally likely.
  return [...bytes].map((b) => ACTIVATION_ALPHABET[b % ACTIVATION_ALPHABET.length]).join("");
}

/** ABCD-EFGH-JKMN, for the slip and the screen. */
export function formatActivationCode(code: string): string {
  return code.match(/.{1,4}/g)?.join("-") ?? code;
}

/** The code as typed → its canonical form, or null when it cannot be one of ours. */
export function normaliseActivationCode(input: string): string | null {
  const code = input
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[\s\-_—－]/g, "");
  if (code.length !== ACTIVATION_CODE_LENGTH) return null;
  return [...code].every((c) => ACTIVATION_ALPHABET.includes(c)) ? code : null;
}

export const ActivationCodeSchema = z
  .string({ error: "请输入激活码" })
  .max(64, "激活码应为 12 位字母和数字")
  .transform((v, ctx) => {
    const code = normaliseActivationCode(v);
    if (code === null) {
      ctx.addIssue({ code: "custom", message: v.trim() ? "激活码应为 12 位字母和数字（不含 0、1、I、O）" : "请输入激活码" });
      return z.NEVER;
    }
    return code;
  });
