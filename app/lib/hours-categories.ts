import { z } from "zod";

export const HOURS_CATEGORIES = ["online", "quiz", "contest", "offline", "party_school", "adjustment"] as const;
export type HoursCategory = (typeof HOURS_CATEGORIES)[number];
export const HoursCategorySchema = z.enum(HOURS_CATEGORIES);
export const HOURS_CATEGORY_LABELS: Record<HoursCategory, string> = {
  online: "网上学习",
  quiz: "在线测试",
  contest: "知识竞赛",
  offline: "组织生活",
  party_school: "党校培训",
  adjustment: "核定调整",
};
