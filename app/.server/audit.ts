import { prisma } from "./db";
import { clientAddress } from "./http/context";

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
  // The development file (docs/decisions/041).
  "pipeline.view",
  "pipeline.record",
  "pipeline.correct",
  "pipeline.document",
  "pipeline.contact",
  "pipeline.export",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditEvent = {
  actorId: number | null;
  action: AuditAction;
  targetKind?: string;
  targetId?: string | number;
  detail?: Record<string, unknown>;
};

export async function audit(event: AuditEvent): Promise<void> {
  await prisma.auditLog.create({
    data: {
      actorId: event.actorId,
      action: event.action,
      targetKind: event.targetKind ?? null,
      targetId: event.targetId === undefined ? null : String(event.targetId),
      ip: clientAddress(),
      detail: event.detail ? JSON.stringify(event.detail) : null,
    },
  });
}
