import { audit } from "../audit";
import { prisma } from "../db";

// Nobody credits 学时 to themselves (decision 028). Whoever last set a quiz's pass mark and hours, or a
// contest's hours, is recorded; until another manager of the unit approves those settings, the setter's
// own attempt or entry is graded as usual but not credited. Changing the settings again lets the
// approval lapse. An approval does not reach back to attempts already finished.

export type CreditSourceKind = "quiz" | "contest";

/** A quiz's or contest's credit settings (a contest has no pass mark). */
type CreditSettings = { creditHours: number | null; passPercent?: number | null; creditSetById: number | null; creditApprovedById: number | null };

/** The columns `withholdsOwnCredit` needs, to select with the rest of a row the caller reads anyway. */
export const OWN_CREDIT_SETTINGS = { creditHours: true, creditSetById: true, creditApprovedById: true } as const;

async function settingsOf(kind: CreditSourceKind, id: number): Promise<CreditSettings | null> {
  if (kind === "quiz") return prisma.quiz.findUnique({ where: { id }, select: { ...OWN_CREDIT_SETTINGS, passPercent: true } });
  const contest = await prisma.contest.findUnique({ where: { id }, select: OWN_CREDIT_SETTINGS });
  return contest && { ...contest, passPercent: null };
}

/** What a quiz's or contest's page tells the setter about their own attempt. */
export const SELF_CREDIT_NOTICE: Record<CreditSourceKind, string> = {
  quiz: "本测试的及格线和学时是您设置的，尚未经其他管理员审核：您的作答照常评分，但不记入学时。请本组织的其他管理员在测试管理页审核学时设置后再作答。",
  contest: "本竞赛的学时是您设置的，尚未经其他管理员审核：您的答卷照常评分，但不记入学时。请本组织的其他管理员在竞赛管理页审核学时设置后再参赛。",
};

/** True when the person set these credit settings and nobody else has approved them: grade, but do not credit. */
export function withholdsOwnCredit(s: Pick<CreditSettings, "creditHours" | "creditSetById" | "creditApprovedById">, personId: number): boolean {
  return !!s.creditHours && s.creditSetById === personId && s.creditApprovedById === null;
}

/** `withholdsOwnCredit` for a quiz or contest by id (false when there is none). */
export async function selfCreditWithheld(kind: CreditSourceKind, id: number, personId: number): Promise<boolean> {
  const s = await settingsOf(kind, id);
  return !!s && withholdsOwnCredit(s, personId);
}

/**
 * The columns to write with new settings: whoever changes the pass mark or the hours becomes their
 * setter and any approval lapses; other edits (a title, a closing time) leave both as they were.
 */
export function creditSetterPatch(
  before: { creditHours: number | null; passPercent?: number },
  after: { creditHours: number | null; passPercent?: number },
  actorId: number,
): { creditSetById: number; creditApprovedById: null } | Record<string, never> {
  const changed = before.creditHours !== after.creditHours || (before.passPercent ?? null) !== (after.passPercent ?? null);
  return changed ? { creditSetById: actorId, creditApprovedById: null } : {};
}

/** A fingerprint of the settings an approver saw, so an approval never covers settings changed since. */
function fingerprint(s: CreditSettings): string {
  return `${s.creditSetById ?? 0}:${s.creditHours ?? 0}:${s.passPercent ?? ""}`;
}

export type CreditApprovalView = {
  setByName: string | null;
  approvedByName: string | null;
  /** The settings await approval: the setter's own attempt would not be credited. */
  pending: boolean;
  viewerIsSetter: boolean;
  canApprove: boolean;
  fingerprint: string;
};

/**
 * For the manage page, when the quiz or contest credits hours: who set them, who approved them, and
 * what the viewer may do. `s` is the row the page has read (its OWN_CREDIT_SETTINGS, and a quiz's pass mark).
 */
export async function creditApproval(s: CreditSettings, viewerId: number): Promise<CreditApprovalView | null> {
  if (!s.creditHours) return null;
  const ids = [s.creditSetById, s.creditApprovedById].filter((x): x is number => x !== null);
  const people = await prisma.person.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const nameOf = (pid: number | null) => people.find((p) => p.id === pid)?.name ?? null;
  const pending = s.creditSetById !== null && s.creditApprovedById === null;
  return {
    setByName: nameOf(s.creditSetById),
    approvedByName: nameOf(s.creditApprovedById),
    pending,
    viewerIsSetter: s.creditSetById === viewerId,
    canApprove: pending && s.creditSetById !== viewerId,
    fingerprint: fingerprint(s),
  };
}

/**
 * Another manager (the caller has checked the same permission over the unit) approves the credit
 * settings they saw. The update is conditional on those very settings, so a change that lands in
 * between is never approved unseen, on any database.
 */
export async function approveCreditSettings(
  actorId: number,
  kind: CreditSourceKind,
  id: number,
  seen: string,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const s = await settingsOf(kind, id);
  if (!s?.creditHours) return { ok: false, message: "该项目不计学时，无需审核" };
  if (s.creditSetById === actorId) return { ok: false, message: "学时设置是您本人设置的，须由本组织的其他管理员审核" };
  if (s.creditApprovedById !== null) return { ok: false, message: "学时设置已审核过" };
  if (s.creditSetById === null || fingerprint(s) !== seen) return { ok: false, message: "学时设置已被修改，请查看最新设置后再审核" };
  const where = { id, creditSetById: s.creditSetById, creditHours: s.creditHours, creditApprovedById: null };
  const { count } =
    kind === "quiz"
      ? await prisma.quiz.updateMany({ where: { ...where, passPercent: s.passPercent! }, data: { creditApprovedById: actorId } })
      : await prisma.contest.updateMany({ where, data: { creditApprovedById: actorId } });
  if (count === 0) return { ok: false, message: "学时设置已被修改，请查看最新设置后再审核" };
  await audit({
    actorId,
    action: "hours.approve_settings",
    targetKind: kind,
    targetId: id,
    detail: { setById: s.creditSetById, creditHours: s.creditHours, ...(kind === "quiz" ? { passPercent: s.passPercent } : {}) },
  });
  return { ok: true };
}

/** What a lesson's page tells the trainer who published the course's current revision. */
export const LESSON_SELF_CREDIT_NOTICE = "本课程的当前版本是您发布的：您的学习照常记录，但本课程的学时不记入您的学时。请本组织的其他教员审核后重新发布。";

/** True when the person published the course's current revision: their lessons of it are not credited to them. */
export async function publishedBySelf(courseId: number, personId: number): Promise<boolean> {
  const course = await prisma.course.findUnique({ where: { id: courseId }, select: { revision: true } });
  if (!course) return false;
  const revision = await prisma.courseRevision.findUnique({ where: { courseId_number: { courseId, number: course.revision } }, select: { createdById: true } });
  return revision?.createdById === personId;
}
