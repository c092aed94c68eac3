import { z } from "zod";
import { type Grant, grantsCover } from "./permissions";

// The "four in one" pages (docs/decisions/051): what a column may be and who may read a unit's page.

export const COLUMN_KINDS = ["requirements", "school_news", "notices", "college_style", "branch_life", "downloads"] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];
export const ColumnKindSchema = z.enum(COLUMN_KINDS, { error: "请选择栏目类型" });
export const COLUMN_KIND_LABELS: Record<ColumnKind, string> = {
  requirements: "上级要求",
  school_news: "学校要闻",
  notices: "通知",
  college_style: "院系风采",
  branch_life: "支部生活",
  downloads: "文件下载",
};

/** Kinds whose column holds articles written on the page; the others show what lives elsewhere. */
export function columnHoldsArticles(kind: ColumnKind): boolean {
  return kind !== "notices" && kind !== "downloads";
}

export const MAX_TITLE_CHARS = 100;
export const MAX_BODY_CHARS = 20_000;
export const MAX_IMAGES_PER_ARTICLE = 12;
/** An article's fields, for the form that posts one and the one that edits it. */
export const ARTICLE_FIELDS = {
  title: z.string({ error: "请填写标题" }).trim().min(1, "请填写标题").max(MAX_TITLE_CHARS, `标题最多 ${MAX_TITLE_CHARS} 字`),
  body: z.string({ error: "请填写正文" }).trim().min(1, "请填写正文").max(MAX_BODY_CHARS, `正文最多 ${MAX_BODY_CHARS} 字`),
  pinned: z.boolean().default(false),
};
/** Images are re-encoded no wider than this: a phone's screen at 2x, and small enough to load on mobile data. */
export const IMAGE_MAX_WIDTH = 1200;

/**
 * A unit's page is read by the people of its subtree (the committee's by everyone, a college's by its
 * colleges' members, a branch's by the branch) and by whoever may view the unit's organisation. A
 * person therefore reads the pages of every unit on her own path: committee, college, branch.
 */
export function mayReadPage(reader: { unitPath: string; grants: readonly Grant[] }, unitPath: string): boolean {
  return reader.unitPath.startsWith(unitPath) || grantsCover(reader.grants, "org:view", unitPath) || grantsCover(reader.grants, "pages:manage", unitPath);
}

/** Plain-text paragraphs: a blank line separates them, a single newline stays a line break inside one. */
export function paragraphsOf(body: string): string[] {
  return body
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== "");
}
