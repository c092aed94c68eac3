import { type SubmissionResult } from "@conform-to/react";
import { z } from "zod";
import { AudienceSchema } from "./quiz-settings";

// The forms the quiz builder and the contest builder share, as conform parses them: each form posts
// an `intent`, and the page's action schema is the discriminated union of these and its own forms
// (settings, paper parts). Pure: the actions and the forms' client-side validation both read them.

/** A form that is only its button (publish, archive…). */
export const bareIntent = <const I extends string>(intent: I) => z.object({ intent: z.literal(intent) });

/** A form that names one row of the page (a paper part, an audience) to act on. */
export const rowIntent = <const I extends string>(intent: I) =>
  z.object({ intent: z.literal(intent), id: z.coerce.number({ error: "请选择要移除的项" }).int().positive("请选择要移除的项") });

export const AudienceAddSchema = AudienceSchema.extend({ intent: z.literal("audience-add") });

/** The approval of another manager's credit settings: `seen` is the fingerprint of what the approver saw. */
export const ApproveCreditSchema = z.object({
  intent: z.literal("approve-credit"),
  seen: z.preprocess((v) => (typeof v === "string" ? v.slice(0, 100) : ""), z.string()),
});

export const SHARED_BUILDER_FORMS = [
  AudienceAddSchema,
  rowIntent("audience-remove"),
  bareIntent("publish"),
  bareIntent("unpublish"),
  bareIntent("archive"),
  ApproveCreditSchema,
] as const;

export type SharedBuilderInput = z.infer<(typeof SHARED_BUILDER_FORMS)[number]>;

/** What a builder action answers: the conform reply of the form that posted, and a success sentence. */
export type BuilderReply = { intent: string | null; kind?: string | null; result: SubmissionResult<string[]>; message?: string };

/** Conform reads the posted text as the schemas expect it, exactly as a plain `safeParse` would. */
export const BUILDER_PARSE = { disableAutoCoercion: true } as const;

/** A new quiz or contest: its name and the unit that owns it (the builder page sets the rest). */
export const newPaperSchema = (what: "测试" | "竞赛") =>
  z.object({
    title: z
      .string({ error: `请填写${what}名称` })
      .trim()
      .min(1, `请填写${what}名称`)
      .max(100, "名称最多 100 字"),
    unitId: z.coerce.number({ error: "请选择所属党组织" }).int().positive("请选择所属党组织"),
  });
