import { ACTIVITY_KIND_LABELS, type ActivityKind } from "~/lib/activities";
import { TYPE_LABELS } from "~/lib/bank-import";
import { CLAIM_STATUS_LABELS } from "~/lib/claims";
import { MEMBER_SOURCE_LABELS, MEMBER_STATUS_LABELS } from "~/lib/classes";
import { CONTACT_ROLE_LABELS } from "~/lib/pipeline/contacts";
import { stepOf } from "~/lib/pipeline/pack";
import { formatChinaDateTime, formatDate, todayInChina } from "~/lib/dates";
import { letterStatusLabel, mailboxTitle } from "~/lib/mailbox";
import { formatHours } from "~/lib/hours";
import { HOURS_CATEGORY_LABELS, type HoursCategory, hoursSourceLabel } from "~/lib/hours-categories";
import { answersReviewable } from "~/lib/quiz-settings";
import {
  CADRE_LEVEL_LABELS,
  type CadreLevel,
  GENDER_LABELS,
  PERSON_CATEGORY_LABELS,
  POLITICAL_STATUS_LABELS,
  type PersonCategory,
  type PoliticalStatus,
  ROLE_LABELS,
  type Role,
} from "~/lib/vocabulary";
import { type AuditAction, audit } from "../audit";
import { AUDIT_ACTION_LABELS } from "../audit-labels";
import { prisma } from "../db";
import { closeExpiredEntries } from "../contest/entries";
import { closeExpiredAttempts } from "../quiz/attempts";
import { discussionOf } from "../discussion/posts";
import { notificationDataOf } from "../notify/preferences";
import { minutesToClock } from "~/lib/notification-schedule";
import { type Download } from "../http/download";
import { articleReadsOf } from "../pages/pages";
import { pipelinePack } from "../pipeline/packs";

// Everything the system holds about one person, for that person (PIPL art. 45: the right to see and
// copy one's personal information; decision 033). One read serves the page and the JSON download.
//
// Never in it: other people's personal data (who recorded, approved or looked is "管理人员", not a
// name), secrets (password hash, session token hashes), and answer keys. Whether an answer was right
// is shown only where the learner could already see it: a quiz attempt whose review is open, a
// contest after it closed, a live round after it finished.

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;
export type Section = { id: string; title: string; note?: string; rows: Row[] };
export type PersonalData = { exportedAt: string; person: { number: string; name: string }; sections: Section[] };

const label = <K extends string>(labels: Record<K, string>, key: string | null) => (key === null ? null : (labels[key as K] ?? key));
const when = (d: Date | null) => (d ? formatChinaDateTime(d) : null);
const day = (d: Date | null) => (d ? formatDate(d) : null);
const STATE_LABELS: Record<string, string> = { in_progress: "作答中", submitted: "已交卷", expired: "已到时收卷" };
/** Who did something to the person's data, without naming another person. */
const byWhom = (actorId: number | null, personId: number) => (actorId === personId ? "本人" : actorId === null ? "系统" : "管理人员");
/** A stored response (bank letters, true/false, fill texts) as one line. */
const responseText = (json: string | null) => {
  if (json === null) return null;
  const value = JSON.parse(json) as unknown;
  if (typeof value === "boolean") return value ? "正确" : "错误";
  return ([] as unknown[]).concat(value).map(String).join("、");
};
/** Options in bank order, "A. … / B. …": the letters of a response refer to these. */
const optionsText = (json: string | null) =>
  json
    ? Object.entries(JSON.parse(json) as Record<string, string>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}. ${v}`)
        .join(" / ")
    : null;

/** Audit entries read for the page and the download: the newest, enough for years of ordinary use. */
const AUDIT_LIMIT = 2000;

export async function personalData(personId: number, currentSessionId: string | null, now = new Date()): Promise<PersonalData> {
  // The person's own papers past their deadline are closed first, as any read of their own does (decision 090).
  await Promise.all([closeExpiredAttempts(now, { personId }), closeExpiredEntries(now, { personId })]);
  const [
    person,
    statusChanges,
    grants,
    sessions,
    hours,
    attempts,
    grades,
    entries,
    livePlayers,
    progress,
    searches,
    claims,
    attendances,
    certificates,
    auditRows,
  ] = await Promise.all([
    prisma.person.findUniqueOrThrow({
      where: { id: personId },
      select: {
        number: true,
        name: true,
        gender: true,
        category: true,
        politicalStatus: true,
        statusSince: true,
        cadreLevel: true,
        isCommitteeMember: true,
        committeeRole: true,
        phone: true,
        keepSearches: true,
        disabledAt: true,
        createdAt: true,
        unit: { select: { name: true } },
        password: { select: { mustChange: true, updatedAt: true } },
      },
    }),
    prisma.statusChange.findMany({
      where: { personId },
      select: { fromStatus: true, toStatus: true, effectiveOn: true, note: true, gateOverride: true, recordedById: true, recordedAt: true },
      orderBy: [{ effectiveOn: "asc" }, { id: "asc" }],
    }),
    prisma.roleGrant.findMany({ where: { personId }, select: { role: true, createdAt: true, unit: { select: { name: true } } }, orderBy: { id: "asc" } }),
    prisma.session.findMany({ where: { personId }, select: { id: true, createdAt: true, expiresAt: true }, orderBy: { createdAt: "asc" } }),
    prisma.hoursEntry.findMany({
      where: { personId },
      select: { year: true, amount: true, category: true, sourceKind: true, sourceId: true, note: true, earnedAt: true, createdAt: true },
      orderBy: [{ earnedAt: "asc" }, { id: "asc" }],
    }),
    prisma.quizAttempt.findMany({
      where: { personId },
      select: {
        number: true,
        state: true,
        startedAt: true,
        finishedAt: true,
        percent: true,
        passed: true,
        flagged: true,
        quiz: { select: { title: true, reviewPolicy: true, closesAt: true } },
        items: {
          select: {
            position: true,
            response: true,
            answeredAt: true,
            correct: true,
            mark: true,
            maxMark: true,
            question: { select: { type: true, stem: true, options: true } },
          },
          orderBy: { position: "asc" },
        },
      },
      orderBy: { id: "asc" },
    }),
    prisma.quizGrade.findMany({
      where: { personId },
      select: { percent: true, passed: true, attempts: true, updatedAt: true, quiz: { select: { title: true } } },
    }),
    prisma.contestEntry.findMany({
      where: { personId },
      select: {
        state: true,
        startedAt: true,
        finishedAt: true,
        score: true,
        maxScore: true,
        correct: true,
        durationMs: true,
        showName: true,
        contest: { select: { title: true, closesAt: true } },
        items: { select: { position: true, question: { select: { type: true, stem: true, options: true } } }, orderBy: { position: "asc" } },
        answers: { select: { position: true, response: true, correct: true, points: true, receivedAt: true } },
      },
      orderBy: { id: "asc" },
    }),
    prisma.livePlayer.findMany({
      where: { personId },
      select: { roundId: true, joinedAt: true, score: true, showName: true, round: { select: { title: true, state: true } } },
      orderBy: { joinedAt: "asc" },
    }),
    prisma.lessonProgress.findMany({
      where: { personId },
      select: {
        watchedSeconds: true,
        readSeconds: true,
        completedAt: true,
        updatedAt: true,
        lesson: { select: { title: true, course: { select: { title: true } } } },
      },
      orderBy: { createdAt: "asc" },
    }),
    prisma.courseSearch.findMany({ where: { personId }, select: { query: true, createdAt: true }, orderBy: { id: "asc" } }),
    prisma.creditClaim.findMany({
      where: { personId },
      select: {
        title: true,
        organizer: true,
        category: true,
        hours: true,
        earnedOn: true,
        status: true,
        createdAt: true,
        decidedAt: true,
        decisionReason: true,
      },
      orderBy: { id: "asc" },
    }),
    prisma.activityAttendance.findMany({
      where: { personId },
      select: {
        source: true,
        reason: true,
        at: true,
        removedAt: true,
        activity: { select: { title: true, kind: true, startsAt: true, unit: { select: { name: true } } } },
      },
      orderBy: { at: "asc" },
    }),
    prisma.hoursCertificate.findMany({
      where: { personId },
      select: { year: true, earned: true, required: true, personName: true, unitName: true, issuedAt: true, revokedAt: true },
      orderBy: { id: "asc" },
    }),
    prisma.auditLog.findMany({
      where: { OR: [{ actorId: personId }, { targetKind: "person", targetId: String(personId) }] },
      select: { at: true, action: true, actorId: true, targetKind: true, targetId: true, ip: true },
      orderBy: { id: "desc" },
      take: AUDIT_LIMIT,
    }),
  ]);

  // Party-school classes (issue 14): the person's rows from nomination to 结业, and the groups they tutor.
  const [classRows, tutoring] = await Promise.all([
    prisma.classMember.findMany({
      where: { personId },
      select: {
        status: true,
        source: true,
        reason: true,
        createdAt: true,
        decidedAt: true,
        graduatedAt: true,
        trainingClass: { select: { title: true, unit: { select: { name: true } } } },
        group: { select: { name: true } },
      },
      orderBy: { createdAt: "asc" },
    }),
    prisma.classTutor.findMany({ where: { personId }, select: { group: { select: { name: true, trainingClass: { select: { title: true } } } } } }),
  ]);

  // The four-in-one pages (decision 051): the articles the person opened.
  const pageReads = await articleReadsOf(personId);

  const liveAnswers = livePlayers.length
    ? await prisma.liveAnswer.findMany({
        where: { personId, roundId: { in: livePlayers.map((p) => p.roundId) } },
        select: { roundId: true, position: true, response: true, correct: true, points: true, elapsedMs: true },
        orderBy: [{ roundId: "asc" }, { position: "asc" }],
      })
    : [];
  const liveQuestions = liveAnswers.length
    ? await prisma.liveQuestion.findMany({
        where: { roundId: { in: [...new Set(liveAnswers.map((a) => a.roundId))] } },
        select: { roundId: true, position: true, question: { select: { stem: true, options: true } } },
      })
    : [];
  const liveQuestion = new Map(liveQuestions.map((q) => [`${q.roundId}/${q.position}`, q.question]));
  const roundOf = new Map(livePlayers.map((p) => [p.roundId, p.round]));

  const sections: Section[] = [
    {
      id: "profile",
      title: "基本信息",
      note: "身份证号不在本系统保存：导入名单时只用来核对性别。",
      rows: [
        {
          学号工号: person.number,
          姓名: person.name,
          性别: label(GENDER_LABELS, person.gender),
          人员类别: label(PERSON_CATEGORY_LABELS as Record<PersonCategory, string>, person.category),
          党组织: person.unit.name,
          政治面貌: label(POLITICAL_STATUS_LABELS as Record<PoliticalStatus, string>, person.politicalStatus),
          政治面貌起始日期: day(person.statusSince),
          干部级别: label(CADRE_LEVEL_LABELS as Record<CadreLevel, string>, person.cadreLevel),
          是否支委: person.isCommitteeMember,
          支委职务: person.committeeRole,
          手机号: person.phone,
          账号状态: person.disabledAt ? `已停用（${when(person.disabledAt)}）` : "正常",
          密码: person.password ? (person.password.mustChange ? "已设置，待本人修改" : `已设置（${when(person.password.updatedAt)} 更新）`) : "未设置",
          记录课程搜索: person.keepSearches,
          建档时间: when(person.createdAt),
        },
      ],
    },
    {
      id: "statusHistory",
      title: "政治面貌变更记录",
      rows: statusChanges.map((s) => ({
        原政治面貌: label(POLITICAL_STATUS_LABELS as Record<PoliticalStatus, string>, s.fromStatus),
        新政治面貌: label(POLITICAL_STATUS_LABELS as Record<PoliticalStatus, string>, s.toStatus),
        生效日期: day(s.effectiveOn),
        备注: s.note,
        未满足条件时的登记理由: s.gateOverride,
        登记人: byWhom(s.recordedById, personId),
        登记时间: when(s.recordedAt),
      })),
    },
    {
      id: "grants",
      title: "管理权限",
      rows: grants.map((g) => ({ 角色: ROLE_LABELS[g.role as Role] ?? g.role, 党组织: g.unit.name, 授予时间: when(g.createdAt) })),
    },
    {
      id: "sessions",
      title: "登录设备（会话）",
      note: "每次登录产生一个会话；这里不显示会话凭据。",
      rows: sessions.map((s) => ({ 登录时间: when(s.createdAt), 到期时间: when(s.expiresAt), 当前设备: s.id === currentSessionId })),
    },
    {
      id: "hours",
      title: "学时记录",
      rows: hours.map((h) => ({
        取得时间: when(h.earnedAt),
        年度: h.year,
        类别: label(HOURS_CATEGORY_LABELS as Record<HoursCategory, string>, h.category),
        学时: formatHours(h.amount),
        来源: hoursSourceLabel(h.sourceKind),
        来源编号: h.sourceId,
        备注: h.note,
        记账时间: when(h.createdAt),
      })),
    },
    {
      id: "quizAttempts",
      title: "测验作答",
      rows: attempts.map((a) => ({
        测验: a.quiz.title,
        第几次: a.number,
        状态: label(STATE_LABELS, a.state),
        开始时间: when(a.startedAt),
        结束时间: when(a.finishedAt),
        成绩: a.percent === null ? null : a.percent / 10,
        是否通过: a.passed,
        被标记为异常: a.flagged,
      })),
    },
    {
      id: "quizAnswers",
      title: "测验答题明细",
      note: "选项字母按题库顺序；测验允许查看答案后才显示对错。",
      rows: attempts.flatMap((a) => {
        const reviewable = a.state !== "in_progress" && answersReviewable(a.quiz.reviewPolicy, a.quiz.closesAt, now);
        return a.items.map((i) => ({
          测验: a.quiz.title,
          第几次: a.number,
          题号: i.position,
          题型: label(TYPE_LABELS, i.question.type),
          题干: i.question.stem,
          选项: optionsText(i.question.options),
          我的答案: responseText(i.response),
          作答时间: when(i.answeredAt),
          是否正确: reviewable ? i.correct : null,
          得分: reviewable && i.mark !== null ? i.mark / 100 : null,
        }));
      }),
    },
    {
      id: "quizGrades",
      title: "测验最终成绩",
      rows: grades.map((g) => ({ 测验: g.quiz.title, 成绩: g.percent / 10, 是否通过: g.passed, 作答次数: g.attempts, 更新时间: when(g.updatedAt) })),
    },
    {
      id: "contestEntries",
      title: "知识竞赛",
      rows: entries.map((e) => ({
        竞赛: e.contest.title,
        状态: label(STATE_LABELS, e.state),
        开始时间: when(e.startedAt),
        交卷时间: when(e.finishedAt),
        得分: e.score === null ? null : e.score / 100,
        满分: e.maxScore / 100,
        答对题数: e.correct,
        用时秒: e.durationMs === null ? null : Math.round(e.durationMs / 1000),
        排行榜显示姓名: e.showName,
      })),
    },
    {
      id: "contestAnswers",
      title: "知识竞赛答题明细",
      note: "选项字母按题库顺序；竞赛结束后才显示对错。",
      rows: entries.flatMap((e) => {
        const closed = e.contest.closesAt <= now;
        const byPosition = new Map(e.answers.map((a) => [a.position, a]));
        return e.items.map((i) => {
          const a = byPosition.get(i.position);
          return {
            竞赛: e.contest.title,
            题号: i.position,
            题型: label(TYPE_LABELS, i.question.type),
            题干: i.question.stem,
            选项: optionsText(i.question.options),
            我的答案: a ? responseText(a.response) : null,
            作答时间: a ? when(a.receivedAt) : null,
            是否正确: closed && a ? a.correct : null,
            得分: closed && a ? a.points / 100 : null,
          };
        });
      }),
    },
    {
      id: "liveRounds",
      title: "现场赛",
      rows: [
        ...livePlayers.map((p) => ({
          现场赛: p.round.title,
          题号: null,
          题干: null,
          选项: null,
          我的答案: null,
          是否正确: null,
          得分: p.score / 100,
          用时毫秒: null,
          加入时间: when(p.joinedAt),
          大屏幕显示姓名: p.showName,
        })),
        ...liveAnswers.map((a) => {
          const finished = roundOf.get(a.roundId)?.state === "finished";
          const q = liveQuestion.get(`${a.roundId}/${a.position}`);
          return {
            现场赛: roundOf.get(a.roundId)?.title ?? null,
            题号: a.position,
            题干: q?.stem ?? null,
            选项: optionsText(q?.options ?? null),
            我的答案: responseText(a.response),
            是否正确: finished ? a.correct : null,
            得分: finished ? a.points / 100 : null,
            用时毫秒: a.elapsedMs,
            加入时间: null,
            大屏幕显示姓名: null,
          };
        }),
      ],
    },
    {
      id: "lessonProgress",
      title: "课程学习进度",
      rows: progress.map((p) => ({
        课程: p.lesson.course.title,
        课时: p.lesson.title,
        观看秒数: Math.round(p.watchedSeconds),
        阅读秒数: Math.round(p.readSeconds),
        完成时间: when(p.completedAt),
        最近学习: when(p.updatedAt),
      })),
    },
    {
      id: "courseSearches",
      title: "课程搜索记录",
      note: person.keepSearches ? "用于推荐选修课程；可在“我的账号”或“学习”页关闭或清除。" : "已关闭：不再记录，推荐不使用。",
      rows: searches.map((s) => ({ 搜索内容: s.query, 时间: when(s.createdAt) })),
    },
    {
      id: "claims",
      title: "学时申请",
      note: "证书图片可在“学时申请”页查看。",
      rows: claims.map((c) => ({
        培训名称: c.title,
        主办单位: c.organizer,
        类别: label(HOURS_CATEGORY_LABELS as Record<HoursCategory, string>, c.category),
        申请学时: formatHours(c.hours),
        培训日期: day(c.earnedOn),
        状态: label(CLAIM_STATUS_LABELS, c.status),
        提交时间: when(c.createdAt),
        审核时间: when(c.decidedAt),
        审核意见: c.decisionReason,
      })),
    },
    {
      id: "attendance",
      title: "组织生活出席",
      rows: attendances.map((a) => ({
        活动: a.activity.title,
        类型: label(ACTIVITY_KIND_LABELS as Record<ActivityKind, string>, a.activity.kind),
        党组织: a.activity.unit.name,
        活动时间: when(a.activity.startsAt),
        登记方式: a.source === "checkin" ? "扫码签到" : "书记补录",
        补录原因: a.reason,
        登记时间: when(a.at),
        已移除: a.removedAt ? when(a.removedAt) : null,
      })),
    },
    {
      id: "classes",
      title: "党校培训班",
      rows: [
        ...classRows.map((m) => ({
          培训班: m.trainingClass.title,
          主办单位: m.trainingClass.unit.name,
          状态: label(MEMBER_STATUS_LABELS, m.status),
          加入方式: label(MEMBER_SOURCE_LABELS, m.source),
          原因: m.reason,
          小组: m.group?.name ?? null,
          登记时间: when(m.createdAt),
          审核时间: m.decidedAt ? when(m.decidedAt) : null,
          结业: m.graduatedAt ? when(m.graduatedAt) : null,
        })),
        ...tutoring.map((t) => ({ 培训班: t.group.trainingClass.title, 状态: "导师", 小组: t.group.name })),
      ],
    },
    {
      id: "certificates",
      title: "学时证明",
      rows: certificates.map((c) => ({
        年度: c.year,
        已修学时: formatHours(c.earned),
        应修学时: c.required === null ? null : formatHours(c.required),
        证明上的姓名: c.personName,
        证明上的党组织: c.unitName,
        开具时间: when(c.issuedAt),
        已作废: c.revokedAt ? when(c.revokedAt) : null,
      })),
    },
    {
      id: "pageReads",
      title: "党组织主页文章阅读",
      note: "用于文章的阅读人数统计（只显示人数，不显示名单）。",
      rows: pageReads.map((r) => ({ 文章: r.article.title, 党组织: r.article.column.unit.name, 首次阅读: when(r.readAt) })),
    },
    {
      id: "audit",
      title: "操作记录",
      note: `本人的操作，以及他人对本人信息的操作（查看、修改、导出等；不显示他人姓名）。最多显示最近 ${AUDIT_LIMIT} 条。`,
      rows: auditRows.map((r) => {
        // A failed sign-in names the account it tried, not who typed: perhaps someone else.
        const attempt = r.action === "login.failure";
        const own = r.actorId === personId && !attempt;
        const aboutMe = attempt || (r.targetKind === "person" && r.targetId === String(personId));
        return {
          时间: when(r.at),
          操作: AUDIT_ACTION_LABELS[r.action as AuditAction] ?? r.action,
          操作人: attempt ? "以本账号尝试登录者" : byWhom(r.actorId, personId),
          对象: aboutMe ? "本人" : "其他",
          // An address is the actor's: shown for one's own actions only.
          地址: own ? r.ip : null,
        };
      }),
    },
  ];
  sections.splice(sections.findIndex((x) => x.id === "statusHistory") + 1, 0, ...(await developmentFileSections(personId)));
  sections.splice(sections.findIndex((x) => x.id === "claims") + 1, 0, await lettersSection(personId));
  sections.push(...(await discussionSections(personId)));
  sections.push(...(await notificationSections(personId)));
  return { exportedAt: formatChinaDateTime(now), person: { number: person.number, name: person.name }, sections };
}

/** The download as JSON (readable by people and programs alike), audited as a personal-data export. */
export async function exportPersonalData(personId: number, currentSessionId: string | null): Promise<Download> {
  const data = await personalData(personId, currentSessionId);
  await audit({ actorId: personId, action: "person.data_export", targetKind: "person", targetId: personId, detail: { format: "json" } });
  return {
    body: Buffer.from(JSON.stringify(data, null, 2), "utf8"),
    fileName: `个人信息-${data.person.number}-${todayInChina()}.json`,
    contentType: "application/json; charset=utf-8",
  };
}

/** The person's development file (decision 041): every recorded step, corrected ones included, and the dates of their 培养联系人 and 入党介绍人 (without those members' names). */
async function developmentFileSections(personId: number): Promise<Section[]> {
  const pack = pipelinePack();
  const [records, contacts] = await Promise.all([
    prisma.pipelineRecord.findMany({
      where: { personId },
      select: {
        step: true,
        happenedOn: true,
        note: true,
        backfilled: true,
        late: true,
        birthDate: true,
        correctionReason: true,
        supersededAt: true,
        recordedById: true,
        recordedAt: true,
      },
      orderBy: [{ happenedOn: "asc" }, { id: "asc" }],
    }),
    prisma.pipelineContact.findMany({ where: { personId }, select: { role: true, since: true, endedOn: true }, orderBy: { id: "asc" } }),
  ]);
  return [
    {
      id: "developmentFile",
      title: "发展党员档案",
      rows: records.map((r) => ({
        步骤: stepOf(pack, r.step)?.title ?? r.step,
        日期: day(r.happenedOn),
        补录: r.backfilled,
        说明: r.note,
        逾期说明: r.late,
        出生日期: day(r.birthDate),
        更正理由: r.correctionReason,
        已被更正: r.supersededAt !== null,
        登记人: byWhom(r.recordedById, personId),
        登记时间: when(r.recordedAt),
      })),
    },
    {
      id: "developmentContacts",
      title: "培养联系人和入党介绍人",
      note: "只列类别和日期，不含他人的个人信息",
      rows: contacts.map((c) => ({ 类别: label(CONTACT_ROLE_LABELS, c.role), 开始日期: day(c.since), 结束日期: day(c.endedOn) })),
    },
  ];
}

/** The person's letters to a 书记信箱 (decision 047), anonymous ones too, with the replies they may read (never the handlers' notes or names). */
async function lettersSection(personId: number): Promise<Section> {
  const letters = await prisma.letter.findMany({
    where: { authorId: personId },
    select: {
      subject: true,
      body: true,
      anonymous: true,
      status: true,
      createdAt: true,
      origin: { select: { kind: true, unit: { select: { name: true } } } },
      entries: { where: { kind: "reply" }, select: { body: true, createdAt: true }, orderBy: { id: "asc" } },
    },
    orderBy: { id: "asc" },
  });
  return {
    id: "letters",
    title: "书记信箱来信",
    note: "匿名来信的处理人看不到写信人；答复不显示答复人姓名。",
    rows: letters.map((l) => ({
      信箱: mailboxTitle(l.origin.unit.name, l.origin.kind),
      主题: l.subject,
      内容: l.body,
      匿名: l.anonymous,
      状态: letterStatusLabel(l.status),
      写信时间: when(l.createdAt),
      答复: l.entries.map((e) => `${when(e.createdAt)} ${e.body}`).join("\n") || null,
    })),
  };
}

/** What the person wrote in discussions (every state, with the number of earlier versions kept) and the posts they reported (decision 049). */
async function discussionSections(personId: number): Promise<Section[]> {
  const { posts, reports } = await discussionOf(personId);
  return [
    {
      id: "discussionPosts",
      title: "讨论发言",
      rows: posts.map((p) => ({
        话题: p.topic,
        内容: p.body,
        状态: p.state,
        隐藏原因: p.hiddenReason,
        发表时间: when(p.createdAt),
        最后修改: when(p.editedAt),
        保留的修改前版本: p.earlierVersions,
      })),
    },
    { id: "discussionReports", title: "我的举报", rows: reports.map((r) => ({ 内容编号: r.postId, 原因: r.reason, 时间: when(r.createdAt) })) },
  ];
}

/** Notification settings, the browsers subscribed to push, and the inbox (decision 054). */
async function notificationSections(personId: number): Promise<Section[]> {
  const { settings, subscriptions, notifications } = await notificationDataOf(personId, AUDIT_LIMIT);
  const clock = (m: number | null) => (m === null ? null : minutesToClock(m));
  return [
    {
      id: "notificationSettings",
      title: "通知设置",
      rows: settings ? [{ 接收通知的电子邮箱: settings.email, 免打扰开始: clock(settings.quietStart), 免打扰结束: clock(settings.quietEnd) }] : [],
    },
    {
      id: "pushSubscriptions",
      title: "接收推送的设备",
      rows: subscriptions.map((s) => ({ 推送服务: s.endpoint, 浏览器: s.userAgent, 开启时间: when(s.createdAt), 最近送达: when(s.lastSuccessAt) })),
    },
    {
      id: "notifications",
      title: "消息通知",
      note: `最多显示最近 ${AUDIT_LIMIT} 条。`,
      rows: notifications.map((n) => ({ 类型: n.kind, 标题: n.title, 内容: n.body, 时间: when(n.createdAt), 已读: when(n.readAt) })),
    },
  ];
}
