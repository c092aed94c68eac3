import { z } from "zod";

// The moderators' four decisions on a post, as both the thread page and the moderation queue accept
// them (decision 049): one schema each, spread into each page's discriminated union on `intent`, so the
// two pages cannot drift apart in what they ask or how they word a refusal.

export const ModeratedPostId = z.number({ error: "缺少内容编号" }).int().positive();
export const HideReason = z.string({ error: "请填写隐藏的原因" }).trim().min(1, "请填写隐藏的原因").max(200, "原因最多 200 字");

export const MODERATION_SCHEMAS = [
  z.object({ intent: z.literal("approve"), postId: ModeratedPostId }),
  z.object({ intent: z.literal("hide"), postId: ModeratedPostId, reason: HideReason }),
  z.object({ intent: z.literal("restore"), postId: ModeratedPostId }),
  z.object({ intent: z.literal("dismiss"), postId: ModeratedPostId }),
] as const;

export type ModerationInput = z.output<(typeof MODERATION_SCHEMAS)[number]>;

export const MODERATION_INTENTS: readonly string[] = MODERATION_SCHEMAS.map((s) => s.shape.intent.value);

/** The reason of a hide, the only decision that has one. */
export const moderationReason = (input: ModerationInput) => (input.intent === "hide" ? input.reason : undefined);
