import { z } from "zod";
import { bothFieldsRead } from "./dates";
import { DateOnlySchema } from "./date-fields";
import { numberField } from "./form-number";
import { POLITICAL_STATUS_LABELS, type PoliticalStatus } from "./vocabulary";
import { DEFAULT_GRADING_RULE } from "./class-grading";

// Party-school classes (期次): their kinds and who each kind takes, the states a class goes through,
// a member's states, and the forms that create and edit a class. Pure: the domain module, the pages
// and the unit tests read it.

export const CLASS_KINDS = ["activist", "target", "probationary", "member", "cadre"] as const;
export type ClassKind = (typeof CLASS_KINDS)[number];
export const ClassKindSchema = z.enum(CLASS_KINDS);
export const CLASS_KIND_LABELS: Record<ClassKind, string> = {
  activist: "入党积极分子培训班",
  target: "发展对象培训班",
  probationary: "预备党员培训班",
  member: "党员培训班",
  cadre: "干部培训班",
};

export const CLASS_STATUSES = ["draft", "enrolling", "running", "finished"] as const;
export type ClassStatus = (typeof CLASS_STATUSES)[number];
export const ClassStatusSchema = z.enum(CLASS_STATUSES);
export const CLASS_STATUS_LABELS: Record<ClassStatus, string> = { draft: "筹备中", enrolling: "报名中", running: "进行中", finished: "已结束" };

export const MEMBER_STATUSES = ["nominated", "enrolled", "rejected", "withdrawn"] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];
export const MEMBER_STATUS_LABELS: Record<MemberStatus, string> = { nominated: "待审核", enrolled: "在读学员", rejected: "未通过审核", withdrawn: "已退出" };
export const MEMBER_SOURCE_LABELS: Record<string, string> = { nomination: "支部推荐", import: "名单导入", rule: "按条件录取", organiser: "主办方添加" };

/** The one step forward a class may take from each state; nothing goes back (a finished class's results are fixed). */
export const NEXT_STATUS: Record<ClassStatus, ClassStatus | null> = { draft: "enrolling", enrolling: "running", running: "finished", finished: null };
export const NEXT_STATUS_ACTION: Record<ClassStatus, string> = { draft: "开始报名", enrolling: "开班", running: "结束培训", finished: "" };

/**
 * Why a class may not move to `to` now, or null when it may. `enrolled` counts its current members:
 * a class opens with somebody in it, and does not open while nominations wait for a decision.
 */
export function statusChangeRefusal(from: ClassStatus, to: ClassStatus, counts: { enrolled: number; nominated: number }): string | null {
  if (NEXT_STATUS[from] !== to) return `培训班当前为“${CLASS_STATUS_LABELS[from]}”，不能改为“${CLASS_STATUS_LABELS[to]}”`;
  if (to === "running" && counts.nominated > 0) return `还有 ${counts.nominated} 条推荐待审核，请先审核再开班`;
  if (to === "running" && counts.enrolled === 0) return "还没有在读学员，不能开班";
  return null;
}

/** Who a class of each kind takes: the political statuses, or (for cadres) the cadre or branch-committee flag. */
export const KIND_STATUSES: Record<ClassKind, readonly PoliticalStatus[] | null> = {
  activist: ["activist"],
  target: ["target"],
  probationary: ["probationary"],
  member: ["probationary", "member"],
  cadre: null,
};

export type Candidate = { name: string; politicalStatus: string; cadreLevel: string; isCommitteeMember: boolean };

/** Why a person may not join a class of this kind (in Chinese, naming them), or null when they may. */
export function kindRefusal(kind: ClassKind, person: Candidate): string | null {
  const statuses = KIND_STATUSES[kind];
  if (statuses === null) {
    return person.cadreLevel !== "none" || person.isCommitteeMember ? null : `${CLASS_KIND_LABELS[kind]}面向干部和支部委员，${person.name}不是干部或支部委员`;
  }
  if (statuses.includes(person.politicalStatus as PoliticalStatus)) return null;
  const wanted = statuses.map((s) => POLITICAL_STATUS_LABELS[s]).join("或");
  const now = POLITICAL_STATUS_LABELS[person.politicalStatus as PoliticalStatus] ?? person.politicalStatus;
  return `${CLASS_KIND_LABELS[kind]}面向${wanted}，${person.name}当前为${now}`;
}

/** Whether a unit path lies under one of the audience's unit paths (an audience unit covers its subtree). */
export function inAudience(unitPath: string, audiencePaths: readonly string[]): boolean {
  return audiencePaths.some((p) => unitPath.startsWith(p));
}

const reasonField = (message: string) => z.string({ error: message }).trim().min(1, message).max(200, "原因最多 200 字");
export const ReasonSchema = reasonField("请填写原因");

const classFields = {
  title: z.string({ error: "请填写培训班名称" }).trim().min(1, "请填写培训班名称").max(100, "名称最多 100 字"),
  term: numberField("期次", (n) => n.int("期次须为整数").min(1, "期次须大于 0").max(9999, "期次最大 9999")),
  description: z.string().trim().max(2000, "简介最多 2000 字").optional(),
  startsOn: DateOnlySchema,
  endsOn: DateOnlySchema,
};

const endsAfterStart = <T extends { startsOn: Date; endsOn: Date }>(v: T) => v.endsOn >= v.startsOn;
const datesMessage = { path: ["endsOn"], message: "结束日期不能早于开始日期", when: bothFieldsRead("startsOn", "endsOn") };

/** What an organiser edits after creation (the kind and the organising unit stay: the term is numbered within them). */
export const ClassSettingsSchema = z.object(classFields).refine(endsAfterStart, datesMessage);
export type ClassSettings = z.infer<typeof ClassSettingsSchema>;

export const unitRef = (message: string) => z.number({ error: message }).int(message).positive(message);

export const NewClassSchema = z
  .object({
    ...classFields,
    kind: z.enum(CLASS_KINDS, { error: "请选择培训班类型" }),
    unitId: unitRef("请选择主办党校"),
    audienceUnitIds: z.array(unitRef("请选择面向的党组织"), { error: "请至少选择一个面向的党组织" }).min(1, "请至少选择一个面向的党组织").max(200),
  })
  .refine(endsAfterStart, datesMessage);
export type NewClass = z.infer<typeof NewClassSchema>;

/** The grading rule a new class is created with, as stored: the grading module's default (学习 30 % + 心得 20 % + 考试 50 %, 考试 ≥ 60). */
export const NEW_CLASS_GRADING_RULE = JSON.stringify(DEFAULT_GRADING_RULE);

/** A learner's item of a class schedule, as the one phone page reads it. */
export type ItemState = "done" | "todo" | "missed";
export type ProgressItem = { key: string; state: ItemState; dueAt: Date | null };

/**
 * What a learner sees first: the items done, the next item to do (the first one not done, in
 * schedule order), and what is due within `soonDays` or overdue (not done, with a due date).
 */
export function progressSummary<T extends ProgressItem>(items: readonly T[], now: Date, soonDays = 7) {
  const done = items.filter((i) => i.state === "done");
  const next = items.find((i) => i.state === "todo") ?? null;
  const soon = now.getTime() + soonDays * 86_400_000;
  const due = items
    .filter((i) => i.state === "todo" && i.dueAt !== null && i.dueAt.getTime() <= soon)
    .sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime())
    .map((i) => ({ ...i, overdue: i.dueAt!.getTime() < now.getTime() }));
  return { done: done.length, total: items.length, next, due };
}
