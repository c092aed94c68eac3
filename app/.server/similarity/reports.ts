import { AppError } from "~/lib/app-error";
import { FLAG_PERMILLE, FLAG_SOURCE_CHARS, isFlagged, longestSource } from "~/lib/similarity/check";
import { type SimilarityReportView, type SourceView, StoredMatches, passageInText } from "~/lib/similarity/report";
import { maskName } from "~/lib/mask";
import { prisma } from "../db";
import { similarityRunner } from "./runner";

// Similarity reports: one per hand-in (a submission's version). The hand-in queues one (cheap: a row);
// the runner (runner.ts) claims it off the request path and stores the outcome or the reason it
// failed; the grading view reads it.

/** Queues a check of the submission's current version; returns at once. A version checked before is checked again. */
export async function queueSimilarityCheck(submissionId: number): Promise<void> {
  const submission = await prisma.submission.findUnique({ where: { id: submissionId }, select: { version: true } });
  if (!submission) throw new AppError("not_found", "没有找到这份作业");
  if (submission.version < 1) throw new AppError("conflict", "作业尚未提交，不能查重");
  const fresh = { status: "queued", permille: null, matches: null, reason: null, queuedAt: new Date(), claimedAt: null, finishedAt: null };
  await prisma.similarityReport.upsert({
    where: { submissionId_version: { submissionId, version: submission.version } },
    create: { submissionId, version: submission.version, ...fresh },
    update: fresh,
  });
  similarityRunner().wake();
}

/**
 * What the grading view shows for a submission: the report of its latest checked version, with each
 * source named as a tutor may see it (another learner as 同期/往期学员 and a masked name, a lesson by its
 * course and title) and each passage beside the source's.
 */
export async function similarityReportFor(submissionId: number): Promise<SimilarityReportView> {
  const report = await prisma.similarityReport.findFirst({
    where: { submissionId },
    orderBy: { version: "desc" },
    select: { version: true, status: true, permille: true, matches: true, reason: true, queuedAt: true, finishedAt: true },
  });
  if (!report) return { status: "none" };
  if (report.status === "queued") return { status: "queued", version: report.version, queuedAt: report.queuedAt.toISOString() };
  if (report.status === "failed") return { status: "failed", version: report.version, reason: report.reason ?? "查重未完成" };

  const mine = await prisma.submission.findUniqueOrThrow({
    where: { id: submissionId },
    select: {
      text: true,
      assignmentId: true,
      assignment: { select: { classId: true } },
      versions: { where: { version: report.version }, select: { text: true } },
    },
  });
  const text = mine.versions[0]?.text ?? mine.text;
  const matches = StoredMatches.parse(JSON.parse(report.matches ?? "[]"));
  const submissionIds = matches.flatMap((m) => (m.source.kind === "submission" ? [m.source.id] : []));
  const lessonIds = matches.flatMap((m) => (m.source.kind === "lesson" ? [m.source.id] : []));
  const [others, lessons] = await Promise.all([
    prisma.submission.findMany({
      where: { id: { in: submissionIds } },
      select: { id: true, assignmentId: true, assignment: { select: { classId: true } }, person: { select: { name: true } } },
    }),
    prisma.lesson.findMany({ where: { id: { in: lessonIds } }, select: { id: true, title: true, course: { select: { title: true } } } }),
  ]);
  const sources: SourceView[] = matches.map((m) => {
    let label = "已删除的来源";
    let kind: SourceView["kind"] = m.source.kind === "lesson" ? "lesson" : "earlier";
    if (m.source.kind === "submission") {
      const other = others.find((o) => o.id === m.source.id);
      if (other) {
        const samePeriod =
          other.assignmentId === mine.assignmentId || (other.assignment.classId !== null && other.assignment.classId === mine.assignment.classId);
        kind = samePeriod ? "peer" : "earlier";
        label = `${samePeriod ? "同期学员" : "往期学员"} ${maskName(other.person.name)}`;
      }
    } else {
      const lesson = lessons.find((l) => l.id === m.source.id);
      if (lesson) label = `课程《${lesson.course.title}》· ${lesson.title}`;
    }
    return {
      label,
      kind,
      permille: m.permille,
      passages: m.passages.map((p) => ({ mine: passageInText(text, p.sub), theirs: { before: p.before, text: p.text, after: p.after } })),
    };
  });
  return {
    status: "done",
    version: report.version,
    permille: report.permille ?? 0,
    flagged: isFlagged(report.permille ?? 0, longestSource(matches)),
    flagAt: FLAG_PERMILLE,
    sourceChars: longestSource(matches),
    flagSourceChars: FLAG_SOURCE_CHARS,
    finishedAt: (report.finishedAt ?? report.queuedAt).toISOString(),
    sources,
  };
}
