// The words of the organisation, with the Chinese a person reads. Stored values are English keys.

export const POLITICAL_STATUSES = ["masses", "applicant", "activist", "target", "probationary", "member"] as const;
export type PoliticalStatus = (typeof POLITICAL_STATUSES)[number];
export const POLITICAL_STATUS_LABELS: Record<PoliticalStatus, string> = {
  masses: "群众",
  applicant: "入党申请人",
  activist: "入党积极分子",
  target: "发展对象",
  probationary: "预备党员",
  member: "正式党员",
};

export const CADRE_LEVELS = ["none", "section", "division"] as const;
export type CadreLevel = (typeof CADRE_LEVELS)[number];
export const CADRE_LEVEL_LABELS: Record<CadreLevel, string> = {
  none: "非干部",
  section: "科级及以下干部",
  division: "处级及以上干部",
};

export const PERSON_CATEGORIES = ["student", "staff", "foreign", "service"] as const;
export type PersonCategory = (typeof PERSON_CATEGORIES)[number];
export const PERSON_CATEGORY_LABELS: Record<PersonCategory, string> = {
  student: "学生",
  staff: "教职工",
  foreign: "外籍师生",
  service: "服务人员",
};

export const GENDERS = ["male", "female"] as const;
export const GENDER_LABELS: Record<(typeof GENDERS)[number], string> = { male: "男", female: "女" };

export const UNIT_KINDS = ["committee", "college", "branch", "group", "temporary"] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
export const UNIT_KIND_LABELS: Record<UnitKind, string> = {
  committee: "校党委",
  college: "院系党组织",
  branch: "党支部",
  group: "党小组",
  temporary: "临时党组织",
};
export const BRANCH_TYPES = ["staff", "student"] as const;
export const BRANCH_TYPE_LABELS: Record<(typeof BRANCH_TYPES)[number], string> = {
  staff: "教职工党支部",
  student: "学生党支部",
};

export const ROLES = ["trainer", "secretary", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABELS: Record<Role | "learner", string> = {
  learner: "学员",
  trainer: "教员",
  secretary: "书记/组织委员",
  admin: "管理员",
};

/** Looks a Chinese label (or the key itself) up in a label map: used by imports and filters. */
export function keyForLabel<K extends string>(labels: Record<K, string>, text: string): K | undefined {
  const t = text.trim();
  for (const [key, label] of Object.entries(labels) as [K, string][]) {
    if (label === t || key === t) return key;
  }
  return undefined;
}
