// The two kinds of named members in a development file: 培养联系人 (第九条: 一至两名正式党员) and
// 入党介绍人 (第十四条: 两名正式党员).

export const CONTACT_ROLES = ["contact", "sponsor"] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];
export const CONTACT_ROLE_LABELS: Record<ContactRole, string> = { contact: "培养联系人", sponsor: "入党介绍人" };
