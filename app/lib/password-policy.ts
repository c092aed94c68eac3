import { z } from "zod";

/** The rule for a password a person chooses: 8–128 characters with letters and digits. */
export const NewPasswordSchema = z
  .string({ error: "请输入新密码" })
  .min(8, "密码至少 8 位")
  .max(128, "密码最多 128 位")
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), "密码须同时包含字母和数字");
