import { type Sql, all, get, inList, run, sql } from "../app/.server/sql";
import type { StoredScores } from "../app/.server/classes/results";
import { type ComponentInput, type GradeComponent, type GradingRule, excellentMembers, gradeMember } from "../app/lib/class-grading";
import { type Criterion, handInTiming } from "../app/lib/assignments";
import { NEW_CLASS_GRADING_RULE } from "../app/lib/classes";
import { wordCount } from "../app/lib/word-count";
import { ACTIVITY_KIND_LABELS, activityCategory } from "../app/lib/activities";
import { ledgerYear } from "../app/lib/hours";
import { changeStatus } from "../app/.server/classes/classes";
import { issueAllClassCertificates } from "../app/.server/classes/certificates";
import { withdrawMember } from "../app/.server/classes/enrolment";
import { classRecord } from "../app/.server/classes/results-access";
import { assignExamMakeup, extendAssignment, publishResults } from "../app/.server/classes/results";
import { openRecordWriter, type RecordWriter } from "../scripts/lib/record-writer";
import { rng } from "./seed";
import { type Paper, loadQuestions, quizAttemptWriter } from "./seed-quiz-attempts";

// A year of party-school classes for the demo, written once the courses and quizzes exist (they
// arrive with the content sync that follows the seed; start.ts runs this after seedDemoHistory):
// - a FINISHED class of each kind (积极分子, 发展对象, 预备党员, 党员, 干部), the 发展对象 one organised by
//   the 计算机学院's 二级党校, the others by the school's party school, each with members of the right
//   status for its kind, two tutoring groups, a schedule (the synced required courses, two confirmed
//   face-to-face sessions with their attendance, the exam quiz), a 心得 graded by its rubric (a few
//   returned and handed in again, a couple late), the exam's answer sheets (prisma/seed-quiz-attempts.ts:
//   every member who sat it has a submitted attempt, drawn and scored by the app's quiz code, and the
//   exam grade in the results is that attempt's score), results published by the class's rule (graded
//   by app/lib/class-grading.ts, the code the results page uses), 结业, 优秀学员 and 结业证书;
// - in the 预备党员 class, what a class's records also hold: a member who failed the exam and passed a
//   补考 (ClassExamMakeup, with their attempt at the 补考 paper), a member granted a 补交
//   (AssignmentExtension, with its reason) who handed in after the late window and within the
//   extension, and a graduate withdrawn after the certificates were issued (a 代签到 found later), so
//   their 结业证书 verifies as revoked; then the correction, re-published with its reason. These last
//   steps are not written as rows: once the rows above are committed they go through the app's own
//   functions (extendAssignment, assignExamMakeup, withdrawMember, publishResults, issueAllClassCertificates,
//   changeStatus, on the Prisma client of DATABASE_URL, dated by the class's calendar), so the
//   revocation and the corrected figures are what the app itself does — which is why this class is
//   written as running and finished only at the end (a finished class refuses a withdrawal);
// - a schedule for the running activist class of seed-classes.ts, half-way through: a course, a
//   session held and one to come, a 心得 due next week and the exam at the end.
// The figures a finished class publishes are gathered the way app/.server/classes/results.ts gathers
// them (share of required courses and sessions, rubric-scaled 心得, the exam's percent) from the rows
// written here; the correction re-grades the 预备党员 class through app/.server/classes/results.ts itself,
// and changes only the 补考 member's figures (seed-classes.test.ts holds both to it). Idempotent:
// nothing is written when any class already has a schedule. The rows are one transaction on the raw
// connection (about 3,500 answers: Prisma row by row would take seconds); the app's steps follow it.

const DAY = 86_400_000;
const SESSION_HOURS = 200; // hundredths of a 学时: a half-day session
const LATE_WINDOW = 3 * DAY; // a 心得 is still taken, as late, this long after its due date
type Id = { id: number };
type Lesson = { id: number; title: string; credit: number };
type Course = { id: number; slug: string; title: string; lessons: Lesson[] };

const RUBRIC: Criterion[] = [
  { label: "思想认识", max: 4000 },
  { label: "联系实际", max: 3000 },
  { label: "文字表达", max: 3000 },
];

// The essay generator: openings, bodies and closings combined by the seed's generator.
const OPENINGS = [
  "通过这一阶段的集中学习，我对党的性质、宗旨和奋斗目标有了更加系统、深入的认识。",
  "参加本期培训班以来，我认真聆听了每一次专题辅导，按时完成了线上必修课程的学习。",
  "这次培训使我重新审视了自己的入党动机，也让我看到了自身与党员标准之间的差距。",
  "回顾培训期间的学习和讨论，我最大的体会是：理论学习必须和自己的学习、工作紧密结合。",
];
const BODIES = [
  "党章是党的根本大法，是全党必须共同遵守的根本行为规范。学习党章，不仅要熟记条文，更要理解每一条规定背后的道理。",
  "在小组讨论中，同学们结合身边的榜样谈体会，让我认识到全心全意为人民服务不是一句口号，而是体现在日常的点滴行动之中。",
  "我认真学习了党的历史，从革命先辈的奋斗历程中感受到了理想信念的力量，也更加坚定了跟党走的决心。",
  "老师在辅导中强调，党员要发挥先锋模范作用。作为一名学生，就是要在学业上刻苦钻研，在集体中主动承担，在困难面前敢于担当。",
  "面授课上关于党的组织原则和纪律的讲解让我印象深刻。民主集中制既是党的根本组织原则，也是我们在集体生活中应当遵循的工作方法。",
  "对照党员标准，我发现自己在理论学习的系统性、批评与自我批评的勇气等方面还有明显不足，今后要有针对性地加以改进。",
  "我所在的支部组织了志愿服务活动，我参与其中，深切体会到服务群众、奉献社会带来的充实感，这也是对入党初心的一次检验。",
  "学习中我特别注意把握党的基本理论、基本路线和基本方略，努力做到学思用贯通、知信行统一。",
];
const CLOSINGS = [
  "今后，我将继续加强理论学习，严格要求自己，以实际行动争取早日成为一名合格的共产党员。",
  "培训虽然结束了，但学习没有终点。我会把这次培训的收获转化为前进的动力，在实践中不断锤炼党性。",
  "我将以这次培训为新的起点，主动向党组织汇报思想，虚心接受组织和同志们的帮助与监督。",
];

type Plan = {
  kind: "activist" | "target" | "probationary" | "member" | "cadre";
  term: number;
  title: string;
  organiser: "school" | "college";
  /** Days before today the class started and ended. */
  startedAgo: number;
  endedAgo: number;
  courseSlugs: string[];
  members: number[];
  certificates: boolean;
  /** The class that shows a 补考, a 补交, a withdrawal after the certificates and a correction. */
  amends?: boolean;
};

// The reasons a 组织部 reads on the class's records and in the audit log.
export const DEMO_MAKEUP_REASON = "结业考试成绩未达 60 分，经本人申请，准予补考一次";
export const DEMO_EXTENSION_REASON = "参加全省大学生志愿服务集训，经辅导员同意，准予延期补交心得";
export const DEMO_WITHDRAWAL_REASON = "经核查，两次面授均由他人代为签到，本人未实际参加，按退出培训处理，撤销结业";
export const DEMO_CORRECTION_REASON = "补考成绩计入；一名学员退出培训，撤销其结业";

/** What the app's own functions do to the 预备党员 class once its rows are written. */
type Amendment = {
  classId: number;
  actorId: number;
  assignmentId: number;
  extended: { personId: number; dueAt: Date; grantedAt: Date };
  makeup: { personId: number; quizId: number; assignedAt: Date };
  withdrawn: { personId: number; at: Date };
  correctedAt: Date;
};

/** The classes' rows written into a file, and what the app's own functions still have to do to them. */
export type DemoClassRows = { counts: NonNullable<ReturnType<typeof writeClassHistory>>["counts"]; amendment: Amendment | null; ms: number };

/**
 * Writes the classes' year into `dbFile`, which must be the database of the app's Prisma client (DATABASE_URL): the last steps go through it.
 * On PostgreSQL the demo is seeded into a SQLite file and moved in (scripts/start.ts): there the two halves run apart,
 * `writeDemoClassRows` into the file before the move and `amendDemoClass` on PostgreSQL after it.
 */
export async function seedDemoClassHistory(dbFile: string, now = new Date()): Promise<string | null> {
  const rows = writeDemoClassRows(dbFile, now);
  return rows ? amendDemoClass(rows) : null;
}

/** The classes' rows, into an empty file's database; null when it holds classes already. */
export function writeDemoClassRows(dbFile: string, now = new Date()): DemoClassRows | null {
  const started = performance.now();
  const f = openRecordWriter(dbFile);
  try {
    const { n } = get<{ n: number }>(f.db, sql`SELECT COUNT(*) AS "n" FROM "ClassItem"`)!;
    if (n > 0) return null;
    const written = f.transaction(() => writeClassHistory(f, now));
    return written ? { ...written, ms: performance.now() - started } : null;
  } finally {
    f.close();
  }
}

/** The 补交, the 补考, the withdrawal and the correction, through the app's own functions on DATABASE_URL's database; returns the line `npm start` prints. */
export async function amendDemoClass({ counts, amendment, ms: rowsMs }: DemoClassRows): Promise<string> {
  const started = performance.now();
  const amended = amendment ? await amendClass(amendment) : null;
  const appMs = Math.round(performance.now() - started);
  const ms = Math.round(rowsMs + appMs);
  return (
    `${counts.classes} 期已结业培训班（${counts.members} 名学员，${counts.graduates} 人结业，${counts.certificates} 张结业证书，${counts.submissions} 篇心得，` +
    `${counts.attempts} 份考试答卷${amended ? `；1 人补考、1 人补交、1 人结业后退出，更正发布改动 ${amended.changed} 人` : ""}），${ms} ms（其中经应用办理 ${appMs} ms）`
  );
}

/** The 补交, the 补考, the withdrawal and the correction, through the app's own functions, each on its day. */
async function amendClass(a: Amendment) {
  const record = async () => {
    const cls = await classRecord(a.classId);
    // The app's client reads another database than the rows were written to: nothing would be amended.
    if (!cls) throw new Error(`seedDemoClassHistory: class ${a.classId} is not in the database of DATABASE_URL`);
    return cls;
  };
  await extendAssignment(
    a.actorId,
    await record(),
    { personId: a.extended.personId, assignmentId: a.assignmentId, dueAt: a.extended.dueAt, reason: DEMO_EXTENSION_REASON },
    a.extended.grantedAt,
  );
  await assignExamMakeup(a.actorId, await record(), { personId: a.makeup.personId, quizId: a.makeup.quizId, reason: DEMO_MAKEUP_REASON }, a.makeup.assignedAt);
  await withdrawMember(a.actorId, a.classId, a.withdrawn.personId, DEMO_WITHDRAWAL_REASON, a.withdrawn.at);
  const corrected = await publishResults(a.actorId, await record(), DEMO_CORRECTION_REASON, a.correctedAt);
  await issueAllClassCertificates(a.actorId, await record(), new Date(a.correctedAt.getTime() + DAY));
  await changeStatus(a.actorId, a.classId, "finished");
  return corrected;
}

function writeClassHistory(f: RecordWriter, now: Date) {
  const db = f.db;
  const rand = rng(20_261_201);
  const chance = (p: number) => rand() < p;
  const between = (a: number, b: number) => Math.round(a + rand() * (b - a));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const date = (offsetDays: number, hour = 0, minute = 0) => new Date(today + offsetDays * DAY + hour * 3_600_000 + minute * 60_000);

  const account = (number: string) => get<Id>(db, sql`SELECT "id" FROM "Person" WHERE "number" = ${number}`)?.id;
  const root = get<Id>(db, sql`SELECT "id" FROM "OrgUnit" WHERE "parentId" IS NULL ORDER BY "id" LIMIT 1`);
  const [trainer, secretary, admin, activist, demoCadre] = ["trainer", "secretary", "admin", "activist", "cadre"].map(account);
  // The demo 干部 sat the cadre class and studied well: their page shows a 结业 and a certificate. The demo
  // 党员 and 发展对象 sit none (their 学时 figures in the README stay; the target is nominated for the next class).
  const diligent = new Set([demoCadre].filter((x): x is number => x !== undefined));
  const college = secretary
    ? get<Id & { path: string }>(db, sql`SELECT u."id", u."path" FROM "RoleGrant" g JOIN "OrgUnit" u ON u."id" = g."unitId" WHERE g."personId" = ${secretary}`)
    : undefined;
  const running = get<Id & { unitId: number }>(
    db,
    sql`SELECT "id", "unitId" FROM "TrainingClass" WHERE "kind" = 'activist' AND "status" = 'running' ORDER BY "id" LIMIT 1`,
  );
  const banks = all<Id>(db, sql`SELECT "id" FROM "QuestionBank" ORDER BY "id"`);
  const courses = new Map(
    all<{ id: number; slug: string; title: string }>(db, sql`SELECT "id", "slug", "title" FROM "Course" WHERE "status" = 'published' ORDER BY "id"`).map(
      (c) => [
        c.slug,
        {
          ...c,
          lessons: all<Lesson>(db, sql`SELECT "id", "title", "credit" FROM "Lesson" WHERE "courseId" = ${c.id} AND "archivedAt" IS NULL ORDER BY "position"`),
        } as Course,
      ],
    ),
  );
  if (!root || !trainer || !secretary || !admin || !college || !running || banks.length === 0 || courses.size === 0) return null;
  const created = new Date();
  const counts = { classes: 0, members: 0, graduates: 0, certificates: 0, submissions: 0, attempts: 0 };
  const attempts = quizAttemptWriter(db, rand, loadQuestions(db));
  let amendment: Amendment | null = null;

  // ---- the pieces every class is made of ----
  const people = (where: Sql, limit: number) =>
    all<Id>(
      db,
      sql`SELECT p."id" FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId" WHERE p."disabledAt" IS NULL AND p."number" NOT IN ('activist', 'target', 'member', 'cadre') AND ${where} ORDER BY p."id" LIMIT ${limit}`,
    ).map((p) => p.id);
  const statusSince = (status: string) => sql`(SELECT MAX(s."effectiveOn") FROM "StatusChange" s WHERE s."personId" = p."id" AND s."toStatus" = ${status})`;

  const group = (classId: number, name: string, tutorId: number) => {
    const { id } = get<Id>(db, sql`INSERT INTO "ClassGroup" ("classId", "name") VALUES (${classId}, ${name}) RETURNING "id"`)!;
    run(db, sql`INSERT INTO "ClassTutor" ("groupId", "personId") VALUES (${id}, ${tutorId})`);
    return id;
  };
  let position = 0;
  const item = (classId: number, i: { kind: string; courseId?: number; activityId?: number; quizId?: number; dueAt: Date | null }) =>
    run(
      db,
      sql`INSERT INTO "ClassItem" ("classId", "position", "kind", "courseId", "activityId", "quizId", "required", "dueAt")
        VALUES (${classId}, ${++position}, ${i.kind}, ${i.courseId ?? null}, ${i.activityId ?? null}, ${i.quizId ?? null}, ${true}, ${i.dueAt})`,
    );
  const session = (unitId: number, title: string, startsAt: Date, confirmed: boolean) =>
    get<Id>(
      db,
      sql`INSERT INTO "Activity" ("unitId", "kind", "title", "startsAt", "endsAt", "checkinOpensAt", "checkinClosesAt", "hours", "codeSecret", "status",
            "createdById", "confirmedById", "confirmedAt", "createdAt", "updatedAt")
          VALUES (${unitId}, 'party_school', ${title}, ${startsAt}, ${new Date(startsAt.getTime() + 2 * 3_600_000)}, ${new Date(startsAt.getTime() - 1_800_000)},
            ${new Date(startsAt.getTime() + 2 * 3_600_000)}, ${SESSION_HOURS}, ${`demo-class-${title}-${startsAt.getTime()}`}, ${confirmed ? "confirmed" : "open"},
            ${trainer}, ${confirmed ? trainer : null}, ${confirmed ? new Date(startsAt.getTime() + 3 * 3_600_000) : null}, ${created}, ${created})
          RETURNING "id"`,
    )!.id;
  // Attendance of a confirmed session is credited as confirmActivity credits it: its hours, earned at its start.
  const attend = (s: { id: number; title: string; startsAt: Date; confirmed: boolean }, personId: number, at: Date) => {
    run(db, sql`INSERT INTO "ActivityAttendance" ("activityId", "personId", "source", "at") VALUES (${s.id}, ${personId}, 'checkin', ${at})`);
    if (s.confirmed)
      f.hours({
        personId,
        year: ledgerYear(s.startsAt),
        amount: SESSION_HOURS,
        category: activityCategory("party_school"),
        sourceKind: "activity",
        sourceId: String(s.id),
        note: `${ACTIVITY_KIND_LABELS.party_school}：${s.title}`,
        earnedAt: s.startsAt,
        approvedById: trainer,
        createdAt: new Date(s.startsAt.getTime() + 3 * 3_600_000),
      });
  };
  const examQuiz = (title: string, unitId: number, opensAt: Date, closesAt: Date) => {
    const { id } = get<Id>(
      db,
      sql`INSERT INTO "Quiz" ("title", "description", "unitId", "createdById", "status", "opensAt", "closesAt", "timeLimitSec", "maxAttempts", "gradeMethod",
            "passPercent", "shuffleQuestions", "shuffleOptions", "reviewPolicy", "creditHours", "createdAt", "updatedAt")
          VALUES (${title}, '培训班结业考试：从题库随机抽取 20 题，限时 30 分钟，60 分及格。', ${unitId}, ${trainer}, 'published', ${opensAt}, ${closesAt}, 1800, 1, 'highest',
            60, ${true}, ${true}, 'after_close', NULL, ${created}, ${created})
          RETURNING "id"`,
    )!;
    run(db, sql`INSERT INTO "QuizSlot" ("quizId", "position", "bankId", "count", "markEach") VALUES (${id}, 1, ${banks[0]!.id}, 20, 500)`);
    const paper: Paper = { id, bankId: banks[0]!.id, count: 20, markEach: 500, timeLimitSec: 1800, closesAt, passPercent: 60 };
    return paper;
  };
  /** One member's sitting of a paper: submitted, scored by the app's grading, and the quiz's grade from it. */
  const sit = (paper: Paper, personId: number, opensAt: Date, knows: Parameters<typeof attempts.take>[4]) => {
    const taken = attempts.take(paper, personId, 1, new Date(opensAt.getTime() + between(1, 40) * 60_000), knows);
    attempts.grade(paper, personId, [taken]);
    counts.attempts++;
    return taken.percent;
  };
  const assignment = (classId: number, title: string, opensAt: Date, dueAt: Date) =>
    get<Id>(
      db,
      sql`INSERT INTO "Assignment" ("classId", "kind", "title", "prompt", "minChars", "maxChars", "opensAt", "dueAt", "lateUntil", "allowAttachments", "rubric",
            "createdById", "createdAt", "updatedAt")
          VALUES (${classId}, 'essay', ${title}, '结合本期培训的学习内容和自身实际，谈谈你的收获与努力方向。不少于 300 字。', 300, 5000, ${opensAt}, ${dueAt},
            ${new Date(dueAt.getTime() + LATE_WINDOW)}, ${false}, ${JSON.stringify(RUBRIC)}, ${trainer}, ${created}, ${created})
          RETURNING "id"`,
    )!.id;
  const essay = () => {
    // Paragraphs in a shuffled order until the assignment's minimum (300) is passed with room to spare.
    const bodies = [...BODIES].sort(() => rand() - 0.5);
    const parts = [pick(OPENINGS)];
    while (bodies.length > 0 && (wordCount(parts.join("")) < 330 || chance(0.4))) parts.push(bodies.pop()!);
    return [...parts, pick(CLOSINGS)].join("\n\n");
  };
  // Lessons finished before stay as they were; each newly finished one is credited as the lesson page credits it.
  const completeCourse = (personId: number, course: Course, at: Date) => {
    const already = new Set(
      all<{ lessonId: number }>(
        db,
        sql`SELECT "lessonId" FROM "LessonProgress" WHERE "personId" = ${personId} AND "completedAt" IS NOT NULL AND "lessonId" ${inList(course.lessons.map((l) => l.id))}`,
      ).map((r) => r.lessonId),
    );
    for (const l of course.lessons) {
      if (already.has(l.id)) continue;
      run(
        db,
        sql`INSERT INTO "LessonProgress" ("personId", "lessonId", "readSeconds", "completedAt", "createdAt", "updatedAt") VALUES (${personId}, ${l.id}, 600, ${at}, ${at}, ${at})
          ON CONFLICT ("personId", "lessonId") DO UPDATE SET "completedAt" = excluded."completedAt", "updatedAt" = excluded."updatedAt"`,
      );
      if (l.credit > 0)
        f.hours({
          personId,
          year: ledgerYear(at),
          amount: l.credit,
          category: "online",
          sourceKind: "lesson",
          sourceId: String(l.id),
          note: l.title,
          earnedAt: at,
          createdAt: at,
        });
    }
  };
  // A course counts as finished when every lesson is (results.ts reads it the same way); lessons finished before stay finished.
  const finishedCourse = (personId: number, course: Course) =>
    course.lessons.length > 0 &&
    get<{ n: number }>(
      db,
      sql`SELECT COUNT(*) AS "n" FROM "LessonProgress" WHERE "personId" = ${personId} AND "completedAt" IS NOT NULL AND "lessonId" ${inList(course.lessons.map((l) => l.id))}`,
    )!.n === course.lessons.length;

  /** One submission: handed in (late or not), maybe returned once and handed in again, graded by the rubric. */
  const submit = (assignmentId: number, a: { opensAt: Date; dueAt: Date }, personId: number, grader: number, quality: number, extendedTo?: Date) => {
    // A 补交 is handed in after the late window and before the extension's date: on time, as handIn judges it.
    const lateUntil = new Date(a.dueAt.getTime() + LATE_WINDOW);
    const extended = extendedTo ? new Date(lateUntil.getTime() + DAY) : null;
    const late = extended ? handInTiming({ ...a, lateUntil }, null, extended, extendedTo!).late : chance(0.05);
    const returned = !extended && !late && chance(0.08);
    const submittedAt = extended ?? new Date(a.dueAt.getTime() + (late ? between(1, 2) * DAY : -between(1, 6) * DAY));
    const first = essay();
    const text = returned ? `${first}\n\n（修改稿）根据辅导员的意见，我补充了结合本人学习和支部工作的具体事例，进一步查找了自身不足。` : first;
    const scores = RUBRIC.map((c) => Math.min(c.max, Math.max(0, Math.round((c.max * Math.min(100, quality + between(-8, 8))) / 10000) * 100)));
    const score = scores.reduce((s, x) => s + x, 0);
    const gradedAt = new Date(submittedAt.getTime() + 2 * DAY);
    const { id } = get<Id>(
      db,
      sql`INSERT INTO "Submission" ("assignmentId", "personId", "status", "text", "chars", "version", "submittedAt", "late", "rubricScores", "score", "comment",
            "gradedById", "gradedAt", "returnReason", "returnedAt", "resubmitBy", "createdAt", "updatedAt")
          VALUES (${assignmentId}, ${personId}, 'graded', ${text}, ${wordCount(text)}, ${returned ? 2 : 1}, ${returned ? new Date(submittedAt.getTime() + DAY) : submittedAt},
            ${late}, ${JSON.stringify(scores)}, ${score}, ${score >= 8500 ? "认识深刻，联系实际紧密。" : "内容较完整，可进一步结合自身实际。"}, ${grader}, ${gradedAt},
            ${returned ? "联系实际不够，请补充具体事例后重新提交。" : null}, ${returned ? submittedAt : null}, ${returned ? new Date(submittedAt.getTime() + 3 * DAY) : null},
            ${submittedAt}, ${gradedAt})
          RETURNING "id"`,
    )!;
    run(
      db,
      sql`INSERT INTO "SubmissionVersion" ("submissionId", "version", "text", "chars", "submittedAt") VALUES (${id}, 1, ${first}, ${wordCount(first)}, ${submittedAt})`,
    );
    if (returned) {
      run(
        db,
        sql`INSERT INTO "SubmissionVersion" ("submissionId", "version", "text", "chars", "submittedAt")
          VALUES (${id}, 2, ${text}, ${wordCount(text)}, ${new Date(submittedAt.getTime() + DAY)})`,
      );
      run(
        db,
        sql`INSERT INTO "SubmissionReview" ("submissionId", "version", "action", "reason", "resubmitBy", "byId", "at")
          VALUES (${id}, 1, 'returned', '联系实际不够，请补充具体事例后重新提交。', ${new Date(submittedAt.getTime() + 3 * DAY)}, ${grader}, ${submittedAt})`,
      );
    }
    run(
      db,
      sql`INSERT INTO "SubmissionReview" ("submissionId", "version", "action", "rubricScores", "score", "byId", "at")
        VALUES (${id}, ${returned ? 2 : 1}, 'graded', ${JSON.stringify(scores)}, ${score}, ${grader}, ${gradedAt})`,
    );
    counts.submissions++;
    return score;
  };

  // ---- a finished class, from enrolment to certificates ----
  const rule = JSON.parse(NEW_CLASS_GRADING_RULE) as GradingRule;
  const finishedClass = (p: Plan) => {
    const unitId = p.organiser === "school" ? root.id : college.id;
    const startsOn = date(-p.startedAgo);
    const endsOn = date(-p.endedAgo);
    const publishedAt = date(-p.endedAgo + 5, 2);
    const { id: classId } = get<Id>(
      db,
      sql`INSERT INTO "TrainingClass" ("kind", "title", "term", "unitId", "description", "startsOn", "endsOn", "gradingRule", "status", "resultsPublishedAt",
            "createdById", "createdAt", "updatedAt")
          VALUES (${p.kind}, ${p.title}, ${p.term}, ${unitId}, NULL, ${startsOn}, ${endsOn}, ${NEW_CLASS_GRADING_RULE}, ${p.amends ? "running" : "finished"}, ${publishedAt},
            ${p.organiser === "school" ? trainer : secretary}, ${date(-p.startedAgo - 20)}, ${publishedAt})
          RETURNING "id"`,
    )!;
    run(db, sql`INSERT INTO "ClassAudience" ("classId", "unitId") VALUES (${classId}, ${p.organiser === "school" ? root.id : college.id})`);
    const tutors = [trainer, p.organiser === "school" ? admin : secretary];
    const groups = [group(classId, "第一组", tutors[0]!), group(classId, "第二组", tutors[1]!)];

    position = 0;
    const scheduled = p.courseSlugs.flatMap((s) => (courses.get(s) ? [courses.get(s)!] : []));
    for (const c of scheduled) item(classId, { kind: "course", courseId: c.id, dueAt: date(-p.endedAgo - 3) });
    const sessions = [0.25, 0.75].map((at, i) => {
      const startsAt = date(-Math.round(p.startedAgo - (p.startedAgo - p.endedAgo) * at), 6);
      const title = `${p.title}·第${i === 0 ? "一" : "二"}次面授`;
      const id = session(unitId, title, startsAt, true);
      item(classId, { kind: "session", activityId: id, dueAt: null });
      return { id, title, startsAt, confirmed: true };
    });
    const examAt = date(-p.endedAgo - 1, 1);
    const exam = examQuiz(`${p.title}结业考试`, unitId, examAt, new Date(examAt.getTime() + 3 * 3_600_000));
    item(classId, { kind: "exam", quizId: exam.id, dueAt: exam.closesAt });
    const essayDue = date(-p.endedAgo - 2, 15);
    const assignmentId = assignment(classId, "培训心得体会", startsOn, essayDue);
    // The amended class's 补考 member (fails the exam with 10 of 20) and 补交 member, both diligent otherwise.
    const amends =
      p.amends && p.members.length >= 8 ? { makeup: p.members[2]!, extended: p.members[4]!, extendedTo: new Date(essayDue.getTime() + 7 * DAY) } : null;

    const graded = p.members.map((personId, i) => {
      const groupIndex = i % 2;
      const draw = rand(); // one draw per member: who studies, attends, writes and sits the exam well
      const diligence = diligent.has(personId) || personId === amends?.makeup || personId === amends?.extended ? 0.95 : draw;
      const coursesDone = scheduled.filter((c) => {
        if (diligence > 0.08 || chance(0.5)) completeCourse(personId, c, date(-p.endedAgo - between(4, 20), 12));
        return finishedCourse(personId, c);
      }).length;
      const attended = sessions.filter((s) => {
        const here = diligence > 0.05 && chance(0.93);
        if (here) attend(s, personId, new Date(s.startsAt.getTime() + between(1, 20) * 60_000));
        return here;
      }).length;
      const essayScore =
        diligence > 0.03
          ? submit(
              assignmentId,
              { opensAt: startsOn, dueAt: essayDue },
              personId,
              tutors[groupIndex]!,
              60 + Math.round(diligence * 35),
              personId === amends?.extended ? amends.extendedTo : undefined,
            )
          : null;
      // The exam's percent (tenths) is the score of the member's attempt; the diligent know nearly every answer.
      const skill = diligent.has(personId) ? 1 : 0.5 + diligence * 0.5;
      const percent =
        diligence > 0.02
          ? sit(exam, personId, examAt, personId === amends?.makeup ? (_q, i) => i < 10 : (q) => chance(skill - (q.difficulty - 2) * 0.08))
          : null;

      // The figures as results.ts reads them; the grade is the grading module's.
      const share = (done: number, of: number) => Math.round((done / of) * 10000);
      const studyOf = scheduled.length + sessions.length;
      const inputs: Partial<Record<GradeComponent, ComponentInput>> = {
        study: { score: share(coursesDone + attended, studyOf) },
        attendance: { score: share(attended, sessions.length) },
        essay: essayScore === null ? { score: null, missingReason: "心得《培训心得体会》未提交" } : { score: Math.min(10000, essayScore) },
        exam: percent === null ? { score: null, missingReason: "未参加结业考试" } : { score: percent * 10 },
      };
      const facts: StoredScores["facts"] = {
        coursesDone,
        courses: scheduled.length,
        sessionsAttended: attended,
        sessions: sessions.length,
        essays: [{ title: "培训心得体会", score: essayScore === null ? null : Math.min(10000, essayScore), state: essayScore === null ? "missing" : "graded" }],
        exam: { percent, makeup: false },
      };
      return { personId, groupId: groups[groupIndex]!, facts, ...gradeMember(rule, inputs) };
    });
    const excellent = excellentMembers(rule, graded);
    for (const g of graded) {
      const stored: StoredScores = { components: g.components, reasons: g.reasons, facts: g.facts };
      const graduatedAt = g.passed ? publishedAt : null;
      run(
        db,
        sql`INSERT INTO "ClassMember" ("classId", "personId", "status", "source", "groupId", "nominatedById", "decidedById", "decidedAt", "scores", "total", "passed",
              "excellent", "graduatedAt", "createdAt", "updatedAt")
            VALUES (${classId}, ${g.personId}, 'enrolled', 'rule', ${g.groupId}, NULL, ${tutors[0]!}, ${date(-p.startedAgo - 7)}, ${JSON.stringify(stored)}, ${g.total},
              ${g.passed}, ${excellent.has(g.personId)}, ${graduatedAt}, ${date(-p.startedAgo - 7)}, ${publishedAt})`,
      );
      counts.members++;
      if (!g.passed) continue;
      counts.graduates++;
      if (!p.certificates) continue;
      const who = get<{ name: string; unitName: string }>(
        db,
        sql`SELECT p."name", u."name" AS "unitName" FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId" WHERE p."id" = ${g.personId}`,
      )!;
      run(
        db,
        sql`INSERT INTO "ClassCertificate" ("classId", "personId", "current", "classTitle", "term", "personName", "unitName", "excellent", "total", "issuedById", "issuedAt")
          VALUES (${classId}, ${g.personId}, ${true}, ${p.title}, ${p.term}, ${who.name}, ${who.unitName}, ${excellent.has(g.personId)}, ${g.total!}, ${tutors[0]!},
            ${new Date(publishedAt.getTime() + DAY)})`,
      );
      counts.certificates++;
    }
    counts.classes++;
    if (!amends || !p.certificates) return;
    // Found out after the certificates: a graduate (not 优秀, so the correction moves nobody else's 优秀)
    // checked in at both sessions, by someone else. The 补考 paper is sat a week after publication.
    const withdrawn = graded.find(
      (g) =>
        g.passed &&
        !excellent.has(g.personId) &&
        g.facts.sessionsAttended === sessions.length &&
        g.personId !== amends.makeup &&
        g.personId !== amends.extended,
    );
    if (!withdrawn) return;
    const makeupAt = new Date(publishedAt.getTime() + 7 * DAY);
    const makeup = examQuiz(`${p.title}结业补考`, unitId, makeupAt, new Date(makeupAt.getTime() + 3 * 3_600_000));
    sit(makeup, amends.makeup, makeupAt, (_q, i) => i < 14);
    amendment = {
      classId,
      actorId: trainer,
      assignmentId,
      extended: { personId: amends.extended, dueAt: amends.extendedTo, grantedAt: new Date(essayDue.getTime() - DAY) },
      makeup: { personId: amends.makeup, quizId: makeup.id, assignedAt: new Date(publishedAt.getTime() + 2 * DAY) },
      withdrawn: { personId: withdrawn.personId, at: new Date(publishedAt.getTime() + 20 * DAY) },
      correctedAt: new Date(publishedAt.getTime() + 21 * DAY),
    };
  };

  const inCollege = sql`u."path" LIKE ${`${college.path}%`}`;
  const plans: Plan[] = [
    {
      // Last spring's activists, most of them development targets since.
      kind: "activist",
      term: 11,
      title: "第 11 期入党积极分子培训班",
      organiser: "school",
      startedAgo: 300,
      endedAgo: 240,
      courseSlugs: ["jijifenzi-peixun", "liangxue-yizuo"],
      members: people(sql`p."politicalStatus" = 'target' AND ${inCollege} AND ${statusSince("target")} > ${date(-240)}`, 40),
      certificates: true,
    },
    {
      // The college's own 发展对象 class: its graduates were admitted as probationary members afterwards.
      kind: "target",
      term: 7,
      title: "计算机学院第 7 期发展对象培训班",
      organiser: "college",
      startedAgo: 330,
      endedAgo: 320,
      courseSlugs: ["fazhan-duixiang"],
      members: people(sql`p."politicalStatus" = 'probationary' AND ${inCollege} AND ${statusSince("probationary")} > ${date(-310)}`, 40),
      certificates: true,
    },
    {
      kind: "probationary",
      term: 4,
      title: "第 4 期预备党员培训班",
      organiser: "school",
      startedAgo: 200,
      endedAgo: 170,
      courseSlugs: ["liangxue-yizuo"],
      members: people(sql`p."politicalStatus" = 'probationary' AND ${statusSince("probationary")} < ${date(-200)}`, 40),
      certificates: true,
      amends: true,
    },
    {
      kind: "member",
      term: 3,
      title: "第 3 期党员集中轮训班",
      organiser: "school",
      startedAgo: 120,
      endedAgo: 110,
      courseSlugs: ["liangxue-yizuo"],
      members: people(sql`p."politicalStatus" = 'member' AND p."cadreLevel" = 'none'`, 40),
      certificates: false,
    },
    {
      kind: "cadre",
      term: 2,
      title: "第 2 期党员干部培训班",
      organiser: "school",
      startedAgo: 90,
      endedAgo: 80,
      courseSlugs: ["liangxue-yizuo"],
      members: [...(demoCadre ? [demoCadre] : []), ...people(sql`p."politicalStatus" IN ('member', 'probationary') AND p."cadreLevel" <> 'none'`, 30)],
      certificates: true,
    },
  ];
  for (const p of plans) if (p.members.length > 0) finishedClass(p);

  // ---- the running activist class: half-way through ----
  position = 0;
  const runningMembers = all<{ personId: number; groupId: number | null }>(
    db,
    sql`SELECT "personId", "groupId" FROM "ClassMember" WHERE "classId" = ${running.id} AND "status" = 'enrolled' ORDER BY "personId"`,
  );
  const course = courses.get("jijifenzi-peixun");
  if (course) {
    item(running.id, { kind: "course", courseId: course.id, dueAt: date(-5, 15) });
    for (const m of runningMembers) if (m.personId === activist || chance(0.6)) completeCourse(m.personId, course, date(-between(6, 25), 12));
  }
  const opening = "第 12 期入党积极分子培训班·开班式暨第一次面授";
  const held = { id: session(running.unitId, opening, date(-21, 6), true), title: opening, startsAt: date(-21, 6), confirmed: true };
  item(running.id, { kind: "session", activityId: held.id, dueAt: null });
  for (const m of runningMembers) if (m.personId === activist || chance(0.9)) attend(held, m.personId, date(-21, 6, 10));
  const next = session(running.unitId, "第 12 期入党积极分子培训班·第二次面授", date(9, 6), false);
  item(running.id, { kind: "session", activityId: next, dueAt: null });
  const examAt = date(40, 1);
  const { id: quizId } = examQuiz("第 12 期入党积极分子培训班结业考试", running.unitId, examAt, new Date(examAt.getTime() + 3 * 3_600_000));
  run(db, sql`INSERT INTO "QuizAudience" ("quizId", "unitId", "politicalStatus") VALUES (${quizId}, ${college.id}, 'activist')`);
  item(running.id, { kind: "exam", quizId, dueAt: new Date(examAt.getTime() + 3 * 3_600_000) });
  assignment(running.id, "第一阶段学习心得", date(-20), date(5, 15));
  return { counts, amendment: amendment as Amendment | null };
}
