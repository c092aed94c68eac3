import { Prisma } from "../generated/prisma/client";
import { AppError } from "~/lib/app-error";
import { type ReportToRead, THOUGHT_REPORT_LIMITS, thoughtReportQuarter } from "~/lib/assignments";
import { formatChinaDateTime } from "~/lib/dates";
import { type Grant, grantsCover, scopePaths } from "~/lib/permissions";
import { audit } from "../audit";
import { prisma } from "../db";
import { type Caller } from "./access";
import { handInTo, saveDraftTo } from "./submissions";

// 思想汇报: a person's quarterly report, on the assignment model without a class (decision 044). Each
// quarter is one Assignment row (kind thought_report, classId null), found or made by its `series`
// key, so everyone's report of a quarter hangs on it; a person has one Submission per quarter, with
// its versions. The secretaries over the person's unit (people:view: secretaries and admins) read and
// comment, and so do the person's current 培养联系人 (a PipelineContact of role contact whose term has
// not ended, 第九条): they may hold no role at all, and lose access the day their term ends.

const READ_PERMISSION = "people:view";
const NOT_FOUND = "没有找到这份思想汇报";

/** The current quarter's row, made on first use; two people starting at once find the same row. */
async function quarterAssignment(caller: Caller, now: Date) {
  const q = thoughtReportQuarter(now);
  const select = { id: true, classId: true, title: true, opensAt: true, dueAt: true, lateUntil: true, minChars: true, maxChars: true } as const;
  const found = await prisma.assignment.findUnique({ where: { series: q.series }, select });
  if (found) return found;
  try {
    return await prisma.assignment.create({
      data: {
        kind: "thought_report",
        series: q.series,
        title: q.title,
        prompt: "向党组织汇报本季度的学习、工作和思想情况。",
        ...THOUGHT_REPORT_LIMITS,
        opensAt: q.opensAt,
        dueAt: q.dueAt,
        rubric: "[]",
        // The first person to write this quarter's report: the row is the school's, not theirs.
        createdById: caller.id,
      },
      select,
    });
  } catch (e) {
    if (!(e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")) throw e;
    return prisma.assignment.findUniqueOrThrow({ where: { series: q.series }, select });
  }
}

/** The person's reports, newest quarter first, and the current quarter's (null before the first save). */
export async function myThoughtReports(caller: Caller, now = new Date()) {
  const q = thoughtReportQuarter(now);
  const reports = await prisma.submission.findMany({
    where: { personId: caller.id, assignment: { kind: "thought_report" } },
    select: {
      id: true,
      status: true,
      text: true,
      chars: true,
      version: true,
      submittedAt: true,
      comment: true,
      gradedAt: true,
      returnReason: true,
      updatedAt: true,
      assignment: { select: { title: true, series: true } },
    },
    orderBy: { assignment: { opensAt: "desc" } },
  });
  return { quarter: { ...q, ...THOUGHT_REPORT_LIMITS }, current: reports.find((r) => r.assignment.series === q.series) ?? null, reports };
}

export async function saveThoughtDraft(caller: Caller, text: string, now = new Date()) {
  return saveDraftTo(caller, await quarterAssignment(caller, now), text, now);
}

export async function handInThoughtReport(caller: Caller, text: string, now = new Date()) {
  return handInTo(caller, await quarterAssignment(caller, now), text, now);
}

/** People of whom `memberId` is a 培养联系人 today: the term not ended (an end date still ahead keeps it). */
function contactedBy(memberId: number, now: Date): Prisma.PersonWhereInput {
  return { pipelineContacts: { some: { memberId, role: "contact", OR: [{ endedOn: null }, { endedOn: { gt: now } }] } } };
}

/** How many people `memberId` is 培养联系人 of today (the account page links their reports when any). */
export function contactCount(memberId: number, now = new Date()) {
  return prisma.person.count({ where: contactedBy(memberId, now) });
}

/** The reports handed in by people under the reader's units (not their own), unread first. */
export async function thoughtReportsToRead(reader: { id: number; grants: readonly Grant[] }) {
  const paths = scopePaths(reader.grants, READ_PERMISSION);
  if (paths.length === 0) return [];
  return reportsToRead(reader.id, { unit: { OR: paths.map((p) => ({ path: { startsWith: p } })) } });
}

/** The reports of the people the reader is 培养联系人 of today ("我联系的入党积极分子的思想汇报"), unread first. */
export async function contactThoughtReports(reader: { id: number }, now = new Date()) {
  return reportsToRead(reader.id, contactedBy(reader.id, now));
}

/** What a reading page shows of each report (the two reading pages share it and its component). */
async function reportsToRead(readerId: number, person: Prisma.PersonWhereInput): Promise<ReportToRead[]> {
  const rows = await prisma.submission.findMany({
    where: {
      assignment: { kind: "thought_report" },
      status: { in: ["submitted", "graded"] },
      personId: { not: readerId },
      person,
    },
    select: {
      id: true,
      status: true,
      text: true,
      chars: true,
      version: true,
      submittedAt: true,
      comment: true,
      person: { select: { name: true, unit: { select: { name: true } } } },
      assignment: { select: { title: true } },
    },
    orderBy: [{ status: "desc" }, { submittedAt: "asc" }],
    take: 200,
  });
  // A 思想汇报 is personal writing about one's political views: who read which is kept, like every read
  // of a development file.
  if (rows.length > 0) {
    await audit({ actorId: readerId, action: "thought_report.read", targetKind: "submission", detail: { submissionIds: rows.map((r) => r.id) } });
  }
  return rows.map((r) => ({
    id: r.id,
    name: r.person.name,
    unitName: r.person.unit.name,
    title: r.assignment.title,
    read: r.status === "graded",
    chars: r.chars,
    submittedAt: formatChinaDateTime(r.submittedAt),
    text: r.text,
    comment: r.comment ?? "",
  }));
}

/**
 * A secretary over the author's unit, or the author's current 培养联系人, reads and comments: the report is
 * marked read (已阅) with the comment. Anyone else meets the 404 of a report that does not exist.
 */
export async function commentThoughtReport(reader: { id: number; grants: readonly Grant[] }, submissionId: number, comment: string) {
  const now = new Date();
  const s = await prisma.submission.findUnique({
    where: { id: submissionId },
    select: {
      id: true,
      personId: true,
      status: true,
      version: true,
      assignment: { select: { kind: true } },
      person: { select: { unit: { select: { path: true } } } },
    },
  });
  if (!s || s.assignment.kind !== "thought_report") throw new AppError("not_found", NOT_FOUND);
  const asSecretary = grantsCover(reader.grants, READ_PERMISSION, s.person.unit.path);
  const asContact = !asSecretary && (await prisma.person.count({ where: { id: s.personId, ...contactedBy(reader.id, now) } })) > 0;
  if (!asSecretary && !asContact) throw new AppError("not_found", NOT_FOUND);
  if (s.personId === reader.id) throw new AppError("forbidden", "不能批阅自己的思想汇报");
  if (s.status !== "submitted" && s.status !== "graded") throw new AppError("conflict", "思想汇报尚未提交");
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.submission.updateMany({
      where: { id: s.id, version: s.version, status: { in: ["submitted", "graded"] } },
      data: { status: "graded", comment, gradedById: reader.id, gradedAt: now },
    });
    if (count === 0) throw new AppError("conflict", "思想汇报刚刚有了变化，请刷新后再处理");
    await tx.submissionReview.create({ data: { submissionId: s.id, version: s.version, action: "commented", comment, byId: reader.id, at: now } });
  });
  await audit({
    actorId: reader.id,
    action: "submission.grade",
    targetKind: "submission",
    targetId: s.id,
    detail: { kind: "thought_report", personId: s.personId, as: asContact ? "contact" : "secretary" },
  });
}
