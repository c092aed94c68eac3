import { AppError } from "~/lib/app-error";
import {
  type ComponentInput,
  type ComponentResult,
  type GradeComponent,
  type GradingRule,
  excellentMembers,
  gradeMember,
  parseGradingRule,
} from "~/lib/class-grading";
import { rubricFullMarks } from "~/lib/assignments";
import { type Grant } from "~/lib/permissions";
import { personFieldsFor } from "~/lib/mask";
import { audit } from "../audit";
import { prisma } from "../db";
import { closeExpiredAttempts } from "../quiz/attempts";
import { courseFinished, lessonCounts, lessonsFinished } from "../hours/required-courses";
import { type ClassRecord } from "./results-access";
import { organiserQuizzes } from "./schedule";

// A class's results (docs/decisions/043-class-grading-and-graduation.md): each enrolled member's
// component figures read from the real tables, graded by the class's own rule, shown to the organiser
// and then published as the 结业 list. Publication fixes every figure on the member's row; from then
// on the page shows those, and only an explicit re-publication with a reason changes them.

/** The facts behind a member's figures, shown beside them so an organiser can answer "why". */
export type MemberFacts = {
  coursesDone: number;
  courses: number;
  sessionsAttended: number;
  sessions: number;
  essays: { title: string; score: number | null; state: "graded" | "ungraded" | "missing" }[];
  exam: { percent: number | null; makeup: boolean };
};

/** What is stored in ClassMember.scores at publication. */
export type StoredScores = { components: ComponentResult[]; reasons: string[]; facts: MemberFacts };

export type MemberResult = {
  personId: number;
  name: string;
  number: string;
  unitName: string;
  groupId: number | null;
  groupName: string | null;
  components: ComponentResult[];
  total: number | null;
  passed: boolean;
  excellent: boolean;
  reasons: string[];
  facts: MemberFacts;
  graduatedAt: Date | null;
  makeupQuizId: number | null;
};

export type ClassResults = {
  rule: GradingRule | null;
  ruleError: string | null;
  published: boolean;
  /** Published figures when the list is published, live ones before. */
  members: MemberResult[];
};

const share = (done: number, of: number) => Math.round((done / of) * 10000);

type MemberRow = {
  personId: number;
  groupId: number | null;
  scores: string | null;
  total: number | null;
  passed: boolean | null;
  excellent: boolean;
  graduatedAt: Date | null;
  group: { name: string } | null;
  person: { name: string; number: string; politicalStatus: string; unit: { name: string; path: string } };
};

async function enrolledMembers(classId: number, groupIds: number[] | null): Promise<MemberRow[]> {
  return prisma.classMember.findMany({
    where: { classId, status: "enrolled", ...(groupIds ? { groupId: { in: groupIds } } : {}) },
    select: {
      personId: true,
      groupId: true,
      scores: true,
      total: true,
      passed: true,
      excellent: true,
      graduatedAt: true,
      group: { select: { name: true } },
      person: { select: { name: true, number: true, politicalStatus: true, unit: { select: { name: true, path: true } } } },
    },
    // Members without a group first on both engines (PostgreSQL sorts NULL last by default, SQLite first).
    orderBy: [{ groupId: { sort: "asc", nulls: "first" } }, { personId: "asc" }],
  });
}

/** Each member's component figures as the tables hold them now. */
async function liveInputs(classId: number, rule: GradingRule, personIds: number[]) {
  const [items, assignments, makeups] = await Promise.all([
    prisma.classItem.findMany({
      where: { classId },
      select: { kind: true, courseId: true, activityId: true, quizId: true, required: true, activity: { select: { status: true } } },
      orderBy: { position: "asc" },
    }),
    prisma.assignment.findMany({ where: { classId }, select: { id: true, title: true, rubric: true }, orderBy: { id: "asc" } }),
    prisma.classExamMakeup.findMany({ where: { classId, personId: { in: personIds } }, select: { personId: true, quizId: true } }),
  ]);
  const courseIds = items.filter((i) => i.kind === "course" && i.required && i.courseId !== null).map((i) => i.courseId!);
  // A cancelled session is no longer part of the schedule anyone can attend.
  const sessionIds = items
    .filter((i) => i.kind === "session" && i.required && i.activityId !== null && i.activity?.status !== "cancelled")
    .map((i) => i.activityId!);
  const examQuizId = items.find((i) => i.kind === "exam" && i.quizId !== null)?.quizId ?? null;
  const makeupOf = new Map(makeups.map((m) => [m.personId, m.quizId]));
  const quizIds = [...new Set([...(examQuizId ? [examQuizId] : []), ...makeups.map((m) => m.quizId)])];
  // An exam or 补考 attempt past its deadline is graded first, so its grade counts (decision 090).
  await closeExpiredAttempts(new Date(), { quizIds });

  const [attendance, grades, submissions] = await Promise.all([
    prisma.activityAttendance.findMany({
      where: { activityId: { in: sessionIds }, personId: { in: personIds }, removedAt: null },
      select: { personId: true, activityId: true },
    }),
    prisma.quizGrade.findMany({ where: { quizId: { in: quizIds }, personId: { in: personIds } }, select: { quizId: true, personId: true, percent: true } }),
    prisma.submission.findMany({
      where: { assignmentId: { in: assignments.map((a) => a.id) }, personId: { in: personIds } },
      select: { assignmentId: true, personId: true, status: true, score: true },
    }),
  ]);
  const [lessons, finished] = await Promise.all([lessonCounts(courseIds), lessonsFinished(personIds, courseIds)]);
  const attended = new Set(attendance.map((a) => `${a.personId}:${a.activityId}`));
  const grade = new Map(grades.map((g) => [`${g.quizId}:${g.personId}`, g.percent]));
  const submission = new Map(submissions.map((s) => [`${s.assignmentId}:${s.personId}`, s]));
  const separateAttendance = rule.components.some((c) => c.key === "attendance");

  return new Map(
    personIds.map((personId) => {
      const coursesDone = courseIds.filter((c) => courseFinished(lessons.get(c) ?? 0, finished.get(`${personId}:${c}`))).length;
      const sessionsAttended = sessionIds.filter((a) => attended.has(`${personId}:${a}`)).length;
      const inputs: Partial<Record<GradeComponent, ComponentInput>> = {};

      const studyOf = courseIds.length + (separateAttendance ? 0 : sessionIds.length);
      const studyDone = coursesDone + (separateAttendance ? 0 : sessionsAttended);
      inputs.study = studyOf === 0 ? { score: null, missingReason: "班级课程表中没有必修的课程或面授" } : { score: share(studyDone, studyOf) };
      inputs.attendance =
        sessionIds.length === 0 ? { score: null, missingReason: "班级课程表中没有面授" } : { score: share(sessionsAttended, sessionIds.length) };

      const essays = assignments.map((a) => {
        const s = submission.get(`${a.id}:${personId}`);
        const max = rubricFullMarks(a.rubric) ?? 10000;
        if (s?.status === "graded" && s.score !== null)
          return { title: a.title, score: Math.min(10000, Math.round((s.score * 10000) / max)), state: "graded" as const };
        return { title: a.title, score: null, state: s && s.status !== "draft" ? ("ungraded" as const) : ("missing" as const) };
      });
      const unready = essays.filter((e) => e.score === null);
      inputs.essay =
        assignments.length === 0
          ? { score: null, missingReason: "班级没有布置心得" }
          : unready.length
            ? { score: null, missingReason: unready.map((e) => `心得《${e.title}》${e.state === "ungraded" ? "尚未评分" : "未提交"}`).join("；") }
            : { score: Math.round(essays.reduce((s, e) => s + e.score!, 0) / essays.length) };

      // The 补考's grade replaces the exam's for this member only, and only once they have one.
      const makeupQuiz = makeupOf.get(personId);
      const makeupPercent = makeupQuiz === undefined ? undefined : grade.get(`${makeupQuiz}:${personId}`);
      const examPercent = makeupPercent ?? (examQuizId === null ? undefined : grade.get(`${examQuizId}:${personId}`));
      inputs.exam =
        examQuizId === null && makeupQuiz === undefined
          ? { score: null, missingReason: "班级没有设结业考试" }
          : examPercent === undefined
            ? { score: null, missingReason: "未参加结业考试" }
            : { score: examPercent * 10 };

      const facts: MemberFacts = {
        coursesDone,
        courses: courseIds.length,
        sessionsAttended,
        sessions: sessionIds.length,
        essays,
        exam: { percent: examPercent ?? null, makeup: makeupPercent !== undefined },
      };
      return [personId, { inputs, facts, makeupQuizId: makeupQuiz ?? null }] as const;
    }),
  );
}

function ruleOf(cls: ClassRecord) {
  const parsed = parseGradingRule(cls.gradingRule);
  return parsed.ok ? { rule: parsed.rule, ruleError: null } : { rule: null, ruleError: parsed.message };
}

/** Grades every enrolled member of the class by its rule as the tables stand now. */
async function computeAll(cls: ClassRecord, rule: GradingRule, members: MemberRow[]) {
  const inputs = await liveInputs(
    cls.id,
    rule,
    members.map((m) => m.personId),
  );
  const graded = members.map((m) => {
    const i = inputs.get(m.personId)!;
    return { personId: m.personId, ...gradeMember(rule, i.inputs), facts: i.facts, makeupQuizId: i.makeupQuizId };
  });
  const excellent = excellentMembers(rule, graded);
  return graded.map((g) => ({ ...g, excellent: excellent.has(g.personId) }));
}

/**
 * The results page: before publication, computed live for every member the caller may see; after,
 * the figures as published. The 优秀学员 quota is always computed over the whole class, so a tutor's
 * view of their group agrees with the organiser's.
 */
export async function classResults(cls: ClassRecord, grants: readonly Grant[], groupIds: number[] | null): Promise<ClassResults> {
  const { rule, ruleError } = ruleOf(cls);
  const published = cls.resultsPublishedAt !== null;
  const all = await enrolledMembers(cls.id, null);
  const visible = groupIds ? all.filter((m) => m.groupId !== null && groupIds.includes(m.groupId)) : all;
  const live = !published && rule ? new Map((await computeAll(cls, rule, all)).map((g) => [g.personId, g])) : null;
  const makeups = new Map(
    (await prisma.classExamMakeup.findMany({ where: { classId: cls.id }, select: { personId: true, quizId: true } })).map((m) => [m.personId, m.quizId]),
  );
  const members = visible.map((m): MemberResult => {
    const who = {
      personId: m.personId,
      name: m.person.name,
      number: personFieldsFor(grants, { unitPath: m.person.unit.path, number: m.person.number }).number,
      unitName: m.person.unit.name,
      groupId: m.groupId,
      groupName: m.group?.name ?? null,
      graduatedAt: m.graduatedAt,
      makeupQuizId: makeups.get(m.personId) ?? null,
    };
    if (published) {
      const stored = m.scores ? (JSON.parse(m.scores) as StoredScores) : null;
      return {
        ...who,
        components: stored?.components ?? [],
        reasons: stored?.reasons ?? [],
        facts: stored?.facts ?? { coursesDone: 0, courses: 0, sessionsAttended: 0, sessions: 0, essays: [], exam: { percent: null, makeup: false } },
        total: m.total,
        passed: m.passed === true,
        excellent: m.excellent,
      };
    }
    const g = live?.get(m.personId);
    return {
      ...who,
      components: g?.components ?? [],
      reasons: g?.reasons ?? (ruleError ? [ruleError] : []),
      facts: g?.facts ?? { coursesDone: 0, courses: 0, sessionsAttended: 0, sessions: 0, essays: [], exam: { percent: null, makeup: false } },
      total: g?.total ?? null,
      passed: g?.passed ?? false,
      excellent: g?.excellent ?? false,
    };
  });
  return { rule, ruleError, published, members };
}

/** Stores a new grading rule for the class (checked by the caller's form); published figures stay until re-published. */
export async function saveGradingRule(actorId: number, cls: ClassRecord, rule: GradingRule) {
  await prisma.trainingClass.update({ where: { id: cls.id }, data: { gradingRule: JSON.stringify(rule) } });
  await audit({ actorId, action: "class.rule", targetKind: "class", targetId: cls.id, detail: { rule } });
}

/**
 * Publishes the 结业 list: every enrolled member's figures, pass, 优秀 and 结业 date fixed in one
 * transaction with the class's publication time. A second publication is a correction and needs a
 * reason; it keeps the 结业 date of those who still pass and revokes the 结业证书 whose paper no longer
 * tells the truth (no longer passed, or 优秀 changed). The class row is updated on the publication
 * time it was read with, so of two organisers publishing at once one is refused, on any database.
 */
export async function publishResults(actorId: number, cls: ClassRecord, reason: string | null, now = new Date()) {
  const { rule, ruleError } = ruleOf(cls);
  if (!rule) throw new AppError("invalid", ruleError!);
  const republishing = cls.resultsPublishedAt !== null;
  if (republishing && !reason?.trim()) throw new AppError("invalid", "结业名单已发布；更正后重新发布须写明理由", { field: "reason" });
  const members = await enrolledMembers(cls.id, null);
  if (members.length === 0) throw new AppError("invalid", "班级没有在册学员，无法发布结业名单");
  const graded = await computeAll(cls, rule, members);
  const before = new Map(members.map((m) => [m.personId, m]));
  const changed: { personId: number; passed: [boolean | null, boolean]; total: [number | null, number | null]; excellent: [boolean, boolean] }[] = [];

  await prisma.$transaction(async (tx) => {
    const { count } = await tx.trainingClass.updateMany({
      where: { id: cls.id, resultsPublishedAt: cls.resultsPublishedAt },
      data: { resultsPublishedAt: now },
    });
    if (count === 0) throw new AppError("conflict", "结业名单刚刚被他人发布或更正，请刷新页面后再试");
    for (const g of graded) {
      const was = before.get(g.personId)!;
      const stored: StoredScores = { components: g.components, reasons: g.reasons, facts: g.facts };
      const graduatedAt = g.passed ? (was.graduatedAt ?? now) : null;
      await tx.classMember.update({
        where: { classId_personId: { classId: cls.id, personId: g.personId } },
        data: { scores: JSON.stringify(stored), total: g.total, passed: g.passed, excellent: g.excellent, graduatedAt },
      });
      if (republishing && (was.passed !== g.passed || was.total !== g.total || was.excellent !== g.excellent)) {
        changed.push({ personId: g.personId, passed: [was.passed, g.passed], total: [was.total, g.total], excellent: [was.excellent, g.excellent] });
      }
      if (republishing && (!g.passed || was.excellent !== g.excellent)) {
        await tx.classCertificate.updateMany({ where: { classId: cls.id, personId: g.personId, current: true }, data: { current: null, revokedAt: now } });
      }
    }
    // Nobody off the roster keeps a standing 结业证书 of this class (a withdrawal revokes it too).
    await tx.classCertificate.updateMany({
      where: { classId: cls.id, current: true, personId: { notIn: graded.map((g) => g.personId) } },
      data: { current: null, revokedAt: now },
    });
  });
  const passed = graded.filter((g) => g.passed).length;
  const excellent = graded.filter((g) => g.excellent).length;
  await audit({
    actorId,
    action: republishing ? "class.republish" : "class.publish",
    targetKind: "class",
    targetId: cls.id,
    detail: { members: graded.length, passed, excellent, ...(republishing ? { reason: reason!.trim(), changed } : {}) },
  });
  return { members: graded.length, passed, excellent, changed: changed.length };
}

/** A make-up or an extension is granted to someone else: never to the organiser granting it. */
function notForSelf(actorId: number, personId: number) {
  if (actorId === personId) throw new AppError("forbidden", "不能为本人安排补考或补交：请由其他主办人员办理", { field: "personId" });
}

async function enrolledMember(classId: number, personId: number) {
  const m = await prisma.classMember.findUnique({ where: { classId_personId: { classId, personId } }, select: { status: true } });
  if (m?.status !== "enrolled") throw new AppError("invalid", "该学员不在本班名册中", { field: "personId" });
}

/** 补考: a second exam quiz for one member, whose grade replaces the exam's for them once they sit it. */
export async function assignExamMakeup(actorId: number, cls: ClassRecord, input: { personId: number; quizId: number; reason: string }, now = new Date()) {
  notForSelf(actorId, input.personId);
  await enrolledMember(cls.id, input.personId);
  const [quiz, exam] = await Promise.all([
    prisma.quiz.findFirst({ where: { id: input.quizId, ...organiserQuizzes(cls.unitPath) }, select: { id: true, status: true } }),
    prisma.classItem.findFirst({ where: { classId: cls.id, kind: "exam", quizId: { not: null } }, select: { quizId: true } }),
  ]);
  if (!quiz || quiz.status === "archived") throw new AppError("invalid", "补考试卷不存在或已归档", { field: "quizId" });
  if (exam?.quizId === quiz.id) throw new AppError("invalid", "补考须使用另一份试卷，不能与结业考试相同", { field: "quizId" });
  const data = { quizId: quiz.id, reason: input.reason, createdById: actorId, createdAt: now };
  await prisma.classExamMakeup.upsert({
    where: { classId_personId: { classId: cls.id, personId: input.personId } },
    create: { classId: cls.id, personId: input.personId, ...data },
    update: data,
  });
  await audit({
    actorId,
    action: "class.makeup",
    targetKind: "class",
    targetId: cls.id,
    detail: { personId: input.personId, quizId: quiz.id, reason: input.reason },
  });
}

/** 补交: an individual due date for one member's submission to a class assignment. */
export async function extendAssignment(
  actorId: number,
  cls: ClassRecord,
  input: { personId: number; assignmentId: number; dueAt: Date; reason: string },
  now = new Date(),
) {
  notForSelf(actorId, input.personId);
  await enrolledMember(cls.id, input.personId);
  const assignment = await prisma.assignment.findFirst({
    where: { id: input.assignmentId, classId: cls.id },
    select: { id: true, dueAt: true, lateUntil: true },
  });
  if (!assignment) throw new AppError("invalid", "本班没有这项作业", { field: "assignmentId" });
  const latest = assignment.lateUntil ?? assignment.dueAt;
  if (input.dueAt <= latest) throw new AppError("invalid", "补交截止时间须晚于该作业原定的截止时间", { field: "dueAt" });
  const data = { dueAt: input.dueAt, reason: input.reason, createdById: actorId, createdAt: now };
  await prisma.assignmentExtension.upsert({
    where: { assignmentId_personId: { assignmentId: assignment.id, personId: input.personId } },
    create: { assignmentId: assignment.id, personId: input.personId, ...data },
    update: data,
  });
  await audit({
    actorId,
    action: "class.extension",
    targetKind: "assignment",
    targetId: assignment.id,
    detail: { classId: cls.id, personId: input.personId, dueAt: input.dueAt.toISOString(), reason: input.reason },
  });
}

/** What the make-up forms offer: the class's members, its assignments and the quizzes a 补考 may use (those of the organiser's subtree). */
export async function makeupChoices(cls: ClassRecord) {
  const [members, assignments, quizzes, makeups, extensions] = await Promise.all([
    prisma.classMember.findMany({
      where: { classId: cls.id, status: "enrolled" },
      select: { personId: true, person: { select: { name: true } } },
      orderBy: { personId: "asc" },
    }),
    prisma.assignment.findMany({ where: { classId: cls.id }, select: { id: true, title: true }, orderBy: { id: "asc" } }),
    prisma.quiz.findMany({
      where: organiserQuizzes(cls.unitPath),
      select: { id: true, title: true },
      orderBy: { id: "desc" },
      take: 200,
    }),
    prisma.classExamMakeup.findMany({
      where: { classId: cls.id },
      select: { personId: true, quizId: true, reason: true, createdAt: true },
      orderBy: { createdAt: "asc" },
    }),
    prisma.assignmentExtension.findMany({
      where: { assignmentId: { in: (await prisma.assignment.findMany({ where: { classId: cls.id }, select: { id: true } })).map((a) => a.id) } },
      select: { assignmentId: true, personId: true, dueAt: true, reason: true },
      orderBy: { createdAt: "asc" },
    }),
  ]);
  return { members: members.map((m) => ({ personId: m.personId, name: m.person.name })), assignments, quizzes, makeups, extensions };
}
