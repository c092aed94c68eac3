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

/** The label of a category read from storage; one the code does not know shows as stored. */
export function hoursCategoryLabel(category: string): string {
  const known = HoursCategorySchema.safeParse(category);
  return known.success ? HOURS_CATEGORY_LABELS[known.data] : category;
}

// Where an entry came from (HoursEntry.sourceKind), as a person reads it.
const HOURS_SOURCE_LABELS: Record<string, string> = {
  lesson: "课程学习",
  quiz: "在线测试",
  contest: "知识竞赛",
  activity: "线下活动",
  claim: "学时申报",
  adjustment: "核定调整",
  reversal: "冲销",
  seed: "演示数据",
};

export function hoursSourceLabel(sourceKind: string): string {
  return HOURS_SOURCE_LABELS[sourceKind] ?? "其他来源";
}
