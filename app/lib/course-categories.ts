// A course's category and status as people read them; apart from course-format.ts's schemas so that the
// catalogue does not load zod (decision 062).

export const COURSE_CATEGORIES = ["入党积极分子培训", "发展对象培训", "两学一做", "党课"] as const;
export const COURSE_STATUS_LABELS: Record<string, string> = { draft: "未发布", published: "已发布", archived: "已归档" };
