import { prisma } from "./db";
import { clientAddress } from "./http/context";
import { type SqlRunner, sql } from "./sql";

// Who did what to whom: sign-ins, refusals, role and status changes, personal-data views, exports.

export const AUDIT_ACTIONS = [
  "login.success",
  "login.failure",
  "logout",
  "password.change",
  "password.reset",
  "activation.issue",
  "activation.export",
  "activation.use",
  "activation.revoke",
  "activation.failure",
  "access.denied",
  "person.create",
  "person.update",
  "person.status_change",
  "person.gate_override",
  "person.disable",
  "person.enable",
  "person.view",
  "person.sensitive_view",
  "people.import",
  "people.export",
  "grant.add",
  "grant.remove",
  "unit.create",
  "unit.update",
  "unit.move",
  "unit.archive",
  "notice.post",
  "notice.archive",
  "hours.credit",
  "hours.reverse",
  "hours.repair",
  "hours.export",
  "hours.approve_settings",
  "certificate.issue",
  "certificate.revoke",
  "admin.create",
  "bank.create",
  "bank.import",
  "bank.export",
  "question.create",
  "question.update",
  "question.archive",
  "quiz.create",
  "quiz.update",
  "quiz.publish",
  "quiz.export",
  "attempt.flag",
  "contest.create",
  "contest.update",
  "contest.publish",
  "contest.draw",
  "contest.export",
  "course.create",
  "course.update",
  "course.publish",
  "course.unpublish",
  "course.assign",
  "course.unassign",
  "media.upload",
  "live.create",
  "rules.choose",
  "rules.override",
  "rules.restore",
  "activity.create",
  "activity.update",
  "activity.cancel",
  "activity.confirm",
  "activity.add_attendee",
  "activity.remove_attendee",
  "claim.submit",
  "claim.approve",
  "claim.reject",
  "person.data_export",
  // Party-school classes and their results: decisions 042, 043.
  "class.rule",
  "class.publish",
  "class.republish",
  "class.makeup",
  "class.extension",
  "class.export",
  "class.create",
  "class.update",
  "class.status",
  "class.nominate",
  "class.approve",
  "class.reject",
  "class.enrol",
  "class.withdraw",
  "class.import",
  "class.groups",
  "class.schedule",
  "class_certificate.issue",
  "class_certificate.revoke",
  // Assignments (心得, 读书报告, 思想汇报): decision 044.
  "assignment.create",
  "submission.draft",
  "submission.submit",
  "submission.attach",
  "submission.detach",
  "submission.grade",
  "submission.return",
  "submission.download",
  "thought_report.read",
  // The development file (docs/decisions/041).
  "pipeline.view",
  "pipeline.record",
  "pipeline.correct",
  "pipeline.document",
  "pipeline.document_download",
  "pipeline.contact",
  "pipeline.export",
  // 书记信箱 (docs/decisions/047).
  "letter.submit",
  "letter.reply",
  "letter.note",
  "letter.escalate",
  "letter.close",
  "letter.export",
  "mailbox.configure",

  // The four-in-one pages (docs/decisions/051).
  "page.column_create",
  "page.column_update",
  "page.article_post",
  "page.article_update",
  "page.article_archive",
  "page.image_add",
  "page.image_remove",
  // Discussion and its moderation (docs/decisions/049).
  "discussion.topic",
  "discussion.post",
  "discussion.edit",
  "discussion.hold",
  "discussion.report",
  "discussion.approve",
  "discussion.hide",
  "discussion.restore",
  "discussion.dismiss",
  "discussion.review_mark",
  "discussion.review_unmark",
  "discussion.word_add",
  "discussion.word_remove",
  // The document library (docs/decisions/050).
  "library.folder",
  "library.upload",
  "library.delete",
  "library.download",
  "library.preview",

  // Publishing review (docs/decisions/052).
  "review.setting",
  "review.submit",
  "review.resubmit",
  "review.approve",
  "review.return",

  // The calendar feed (docs/decisions/057).
  "calendar.feed_create",
  // Organisation life (decision 056).
  "activity.postpone",
  "activity.minutes",
  "activity.file_add",
  "activity.leave_request",
  "activity.leave_decide",
  "activity.makeup_assign",
  "activity.makeup_complete",
  // Notification settings (issue 19): what a person changed about how she is reached.
  "notification.settings",
  "notification.subscribe",
  "notification.unsubscribe",
  // Minutes files removed (issue 19).
  "activity.file_remove",
  // Expected attendees chosen by hand (issue 19).
  "activity.invitees",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditEvent = {
  actorId: number | null;
  action: AuditAction;
  targetKind?: string;
  targetId?: string | number;
  detail?: Record<string, unknown>;
  /** Leaves the client's address out: an anonymous letter's submission, whose address would name its author to the log's readers. */
  withoutAddress?: boolean;
};

/** The stored row of an event, the same whether Prisma writes it or a raw writer does. */
function auditRow(event: AuditEvent) {
  return {
    actorId: event.actorId,
    action: event.action,
    targetKind: event.targetKind ?? null,
    targetId: event.targetId === undefined ? null : String(event.targetId),
    ip: event.withoutAddress ? null : clientAddress(),
    detail: event.detail ? JSON.stringify(event.detail) : null,
  };
}

export async function audit(event: AuditEvent): Promise<void> {
  await prisma.auditLog.create({ data: auditRow(event) });
}

/**
 * Writes an event on the async data layer, inside the caller's transaction (its `tx`): for a hot writer
 * that stores its change and the change's record in one commit (a discussion post, decision 049).
 */
export async function auditOn(db: SqlRunner, event: AuditEvent, at = new Date()): Promise<void> {
  const r = auditRow(event);
  await db.run(
    sql`INSERT INTO "AuditLog" ("at", "actorId", "action", "targetKind", "targetId", "ip", "detail")
      VALUES (${at}, ${r.actorId}, ${r.action}, ${r.targetKind}, ${r.targetId}, ${r.ip}, ${r.detail})`,
  );
}
