import { unitIdsOnPath } from "./unit-path";

// Publishing review (docs/decisions/052): which unit's setting decides whether content posted to a
// unit needs a second person's approval. A setting covers its unit's subtree; a unit below may set its
// own, and the nearest one on the path wins. With no setting on the path, review is not required.

export type ReviewSettingRow = { unitId: number; required: boolean };

/** The setting that applies to the unit at `unitPath`, or null when no unit on its path has one. */
export function applicableReviewSetting(unitPath: string, settings: readonly ReviewSettingRow[]): ReviewSettingRow | null {
  const byUnit = new Map(settings.map((s) => [s.unitId, s]));
  const ids = unitIdsOnPath(unitPath);
  for (let i = ids.length - 1; i >= 0; i--) {
    const found = byUnit.get(ids[i]!);
    if (found) return found;
  }
  return null;
}

export function reviewRequired(unitPath: string, settings: readonly ReviewSettingRow[]): boolean {
  return applicableReviewSetting(unitPath, settings)?.required ?? false;
}

export const REVIEW_STATES = ["pending", "approved", "returned"] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
export const REVIEW_STATE_LABELS: Record<ReviewState, string> = { pending: "待审核", approved: "已通过", returned: "已退回" };

export const REVIEW_KINDS = ["notice", "page_article", "course_revision", "document"] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];
export const REVIEW_KIND_LABELS: Record<ReviewKind, string> = { notice: "通知", page_article: "页面文章", course_revision: "课程发布", document: "文件" };
/** Kinds whose proposal is edited on the review page and resubmitted; a course revision or a document is submitted anew from the studio or the library. */
export const RESUBMITTABLE_KINDS: readonly ReviewKind[] = ["notice", "page_article"];

export type LineChange = { kind: "same" | "removed" | "added"; text: string };

/** Cells of the alignment table one comparison may fill: about 30 ms of CPU on the request path. */
export const DIFF_CELLS = 1_000_000;
/** What is left of a comparison's alignment work; a course revision's lessons share one. */
export type DiffBudget = { cells: number };

/**
 * A line diff of two texts (longest common subsequence), for the reviewer to see what an edit changes.
 * The lines the two share at the start and at the end are kept as they are, so an edit in one place of
 * a long text aligns only its own lines; when what is left would fill more of the table than the budget
 * holds, the diff gives up on alignment there and shows the old lines removed and the new ones added.
 */
export function lineDiff(before: string, after: string, budget: DiffBudget = { cells: DIFF_CELLS }): LineChange[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let endA = a.length;
  let endB = b.length;
  while (endA > head && endB > head && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const same = (text: string) => ({ kind: "same" as const, text });
  const midA = a.slice(head, endA);
  const midB = b.slice(head, endB);
  const cells = (midA.length + 1) * (midB.length + 1);
  let middle: LineChange[];
  if (cells > budget.cells) {
    middle = [...midA.map((text) => ({ kind: "removed" as const, text })), ...midB.map((text) => ({ kind: "added" as const, text }))];
  } else {
    budget.cells -= cells;
    middle = aligned(midA, midB);
  }
  return [...a.slice(0, head).map(same), ...middle, ...a.slice(endA).map(same)];
}

function aligned(a: string[], b: string[]): LineChange[] {
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: LineChange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: "same", text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ kind: "removed", text: a[i++]! });
    else out.push({ kind: "added", text: b[j++]! });
  }
  while (i < a.length) out.push({ kind: "removed", text: a[i++]! });
  while (j < b.length) out.push({ kind: "added", text: b[j++]! });
  return out;
}

/** What an author is told when posting did not publish because the unit requires review. */
export const SUBMITTED_FOR_REVIEW = "已提交审核：审核通过后才会发布，可在“发布审核”中查看进度";
