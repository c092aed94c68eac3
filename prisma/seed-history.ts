import { storedTimestamp } from "../app/lib/timestamp";
import { newCodeSecret } from "../app/.server/activities/checkin-code";
import { ACTIVITY_KIND_LABELS, type ActivityKind, activityCategory } from "../app/lib/activities";
import { CHINA_OFFSET_MS, asChinaWallClock } from "../app/lib/dates";
import { ledgerYear } from "../app/lib/hours";
import { all, get, run, sql } from "../app/.server/sql";
import { type RecordWriter, openRecordWriter } from "../scripts/lib/record-writer";
import { rng } from "./seed";
import { type Paper, loadQuestions, quizAttemptWriter } from "./seed-quiz-attempts";

// A year of history for the demo university, so the dashboards have something to show on first
// start: confirmed 三会一课, 主题党日, 组织生活会 and 党校 sessions with their attendance lists, lessons
// studied, three closed quizzes with graded attempts, and the 学时 each of these credits. Every row is
// written the way the feature that owns it writes it (app/.server/activities/attendance.ts,
// learning/study.ts, quiz/attempts.ts), so the pages that read them cannot tell the difference.
// Deterministic for a given `now`; skipped once any activity, lesson progress or quiz attempt exists.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ts = storedTimestamp;
/** An instant given by its date and time in China. */
const china = (y: number, m: number, d: number, h = 0, min = 0) => new Date(Date.UTC(y, m - 1, d, h, min) - CHINA_OFFSET_MS);
const chinaDate = (at: Date) => {
  const s = asChinaWallClock(at);
  return { y: s.getUTCFullYear(), m: s.getUTCMonth() + 1, d: s.getUTCDate() };
};
const chinaMonthKey = (at: Date) => {
  const { y, m } = chinaDate(at);
  return y * 100 + m;
};
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
/** The days of a month that fall on weekday `wd` (0 Sunday … 6 Saturday). */
const weekdays = (y: number, m: number, wd: number) =>
  Array.from({ length: daysIn(y, m) }, (_, i) => i + 1).filter((d) => new Date(Date.UTC(y, m - 1, d)).getUTCDay() === wd);
/** The day of the month of the n-th (1-based) weekday `wd`. */
const nthWeekday = (y: number, m: number, wd: number, n: number) => weekdays(y, m, wd)[n - 1];

const THEMES = [
  "学习新修订的党章党规",
  "重温入党誓词",
  "学雷锋志愿服务",
  "清明祭英烈",
  "劳动最光荣",
  "学习身边榜样",
  "纪念建党",
  "走进红色教育基地",
  "师生结对帮扶",
  "学习贯彻全会精神",
  "宪法宣传",
  "年终学习交流",
];
const LECTURES = ["坚定理想信念，筑牢信仰之基", "党的光辉历程", "全面从严治党永远在路上", "做新时代合格党员"];
const ADDED_REASONS = ["忘记扫码签到，会后补登", "手机没电，未能扫码签到", "现场网络故障，签到未成功"];

type PersonRow = {
  id: number;
  number: string;
  unitId: number;
  status: string;
  /** A boolean column: 1/0 on SQLite, true/false on PostgreSQL. */
  committee: number | boolean;
  committeeRole: string | null;
  activistOn: string | null;
  targetOn: string | null;
  probationaryOn: string | null;
};
type Person = PersonRow & { diligence: number; skill: number; activist: number; target: number; probationary: number };
type UnitRow = { id: number; name: string; kind: string; parentId: number | null; path: string };
type Branch = UnitRow & { collegeId: number | null; rate: number; secretaryId: number; hasCommittee: boolean };
type Who = (p: Person, at: number) => boolean;
type Held = {
  id: number;
  unitId: number;
  kind: ActivityKind;
  title: string;
  startsAt: Date;
  endsAt: Date;
  hours: number;
  confirmerId: number;
  confirmedAt: Date;
  who: Who;
};
type LessonRow = {
  id: number;
  courseId: number;
  slug: string;
  position: number;
  title: string;
  minutes: number;
  credit: number;
  checkpoints: string;
  duration: number | null;
};

const NEVER = Number.POSITIVE_INFINITY;
const since = (iso: string | null) => (iso ? new Date(iso).getTime() : NEVER);
// Who may come to what, by the status held on the day (a person's dated history, StatusChange).
const isMember: Who = (p, t) => p.probationary <= t;
const isMemberOrTarget: Who = (p, t) => p.target <= t || p.probationary <= t;
const isActivistOnly: Who = (p, t) => p.activist <= t && p.target > t;
const isTargetOnly: Who = (p, t) => p.target <= t && p.probationary > t;
const isCommittee: Who = (p, t) => Boolean(p.committee) && p.probationary <= t;

export function seedDemoHistory(dbFile: string, now = new Date()): string | null {
  const started = performance.now();
  const f = openRecordWriter(dbFile);
  try {
    const { n } = get<{ n: number }>(
      f.db,
      // Only what has happened counts: the demo seed itself plans the coming weeks' meetings (seed-todo.ts).
      sql`SELECT (SELECT COUNT(*) FROM "Activity" WHERE "startsAt" <= ${now}) + (SELECT COUNT(*) FROM "LessonProgress") + (SELECT COUNT(*) FROM "QuizAttempt") AS "n"`,
    )!;
    if (n > 0) return null;
    const world = loadWorld(f);
    if (!world) return null;
    const counts = f.transaction(() => writeHistory(f, world, now));
    const ms = Math.round(performance.now() - started);
    return `${counts.activities} 次组织生活（${counts.attendances} 人次）、${counts.lessons} 个课时学完、${counts.attempts} 份测验答卷，${counts.entries} 条学时记录，${ms} ms`;
  } finally {
    f.close();
  }
}

function loadWorld(f: RecordWriter) {
  const root = get<{ id: number }>(f.db, sql`SELECT "id" FROM "OrgUnit" WHERE "parentId" IS NULL ORDER BY "id" LIMIT 1`);
  const lessons = all<LessonRow>(
    f.db,
    sql`SELECT l."id", l."courseId", c."slug", l."position", l."title", l."minutes", l."credit", l."checkpoints", m."durationSec" AS "duration"
        FROM "Lesson" l JOIN "Course" c ON c."id" = l."courseId" LEFT JOIN "MediaFile" m ON m."courseId" = l."courseId" AND m."path" = l."videoPath"
        WHERE l."archivedAt" IS NULL AND c."status" = 'published' ORDER BY c."id", l."position"`,
  );
  const banks = new Map(all<{ id: number; slug: string }>(f.db, sql`SELECT "id", "slug" FROM "QuestionBank"`).map((b) => [b.slug, b.id]));
  const demo = (number: string) => get<{ id: number }>(f.db, sql`SELECT "id" FROM "Person" WHERE "number" = ${number}`)?.id ?? null;
  const trainer = demo("trainer");
  if (!root || trainer === null || lessons.length === 0 || banks.size === 0) return null;
  const units = all<UnitRow>(f.db, sql`SELECT "id", "name", "kind", "parentId", "path" FROM "OrgUnit" WHERE "archivedAt" IS NULL ORDER BY "path"`);
  const people = all<PersonRow>(
    f.db,
    sql`SELECT p."id", p."number", p."unitId", p."politicalStatus" AS "status", p."isCommitteeMember" AS "committee", p."committeeRole",
          (SELECT MAX(s."effectiveOn") FROM "StatusChange" s WHERE s."personId" = p."id" AND s."toStatus" = 'activist') AS "activistOn",
          (SELECT MAX(s."effectiveOn") FROM "StatusChange" s WHERE s."personId" = p."id" AND s."toStatus" = 'target') AS "targetOn",
          (SELECT MAX(s."effectiveOn") FROM "StatusChange" s WHERE s."personId" = p."id" AND s."toStatus" = 'probationary') AS "probationaryOn"
        FROM "Person" p WHERE p."disabledAt" IS NULL AND p."politicalStatus" <> 'masses' ORDER BY p."id"`,
  );
  const questions = loadQuestions(f.db);
  const secretaryGrants = all<{ personId: number; unitId: number }>(
    f.db,
    sql`SELECT "personId", "unitId" FROM "RoleGrant" WHERE "role" = 'secretary' ORDER BY "id"`,
  );
  const admin = demo("admin");
  return {
    rootId: root.id,
    trainerId: trainer,
    adminId: admin ?? trainer,
    lessons,
    banks,
    units,
    people,
    questions,
    secretaryGrants,
    accounts: { member: demo("member"), target: demo("target"), activist: demo("activist"), cadre: demo("cadre") },
  };
}

type World = NonNullable<ReturnType<typeof loadWorld>>;

function writeHistory(f: RecordWriter, w: World, now: Date) {
  const rand = rng(20_261_001);
  const chance = (p: number) => rand() < p;
  const between = (a: number, b: number) => a + rand() * (b - a);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const { y: ty, m: tm, d: td } = chinaDate(now);
  const today = china(ty, tm, td).getTime(); // nothing happens from the start of today (China) on
  const from = today - 365 * DAY;
  const thisYear = ledgerYear(now);
  const inWindow = (at: Date) => at.getTime() >= from && at.getTime() < today && at.getTime() < now.getTime();
  const counts = { activities: 0, attendances: 0, lessons: 0, attempts: 0, entries: 0 };
  const scripted = new Set([w.accounts.member, w.accounts.target, w.accounts.activist].filter((id): id is number => id !== null));

  // ---------- people and units ----------
  const people: Person[] = w.people.map((p) => ({
    ...p,
    activist: since(p.activistOn),
    target: since(p.targetOn),
    probationary: since(p.probationaryOn),
    // Most people are diligent, some middling, a few hardly come, and about one in 25 (a member
    // working away, out of touch) takes part in nothing all year: the "behind" list is never empty,
    // and 参学率 is not 100 % everywhere.
    diligence: !scripted.has(p.id) && p.id !== w.accounts.cadre && rand() < 0.04 ? 0 : pick([1, 1, 1, 1, 1, 1, 0.85, 0.85, 0.85, 0.45]),
    skill: between(0.5, 0.95),
  }));
  const byUnit = new Map<number, Person[]>();
  for (const p of people) {
    const list = byUnit.get(p.unitId);
    if (list) list.push(p);
    else byUnit.set(p.unitId, [p]);
  }
  const unitById = new Map(w.units.map((u) => [u.id, u]));
  const colleges = w.units.filter((u) => u.kind === "college");
  // Each college, and each branch within it, keeps its own pace: the comparison chart shows it.
  const collegeRate = new Map(colleges.map((c) => [c.id, between(0.62, 0.95)]));
  const memberUnit = people.find((p) => p.id === w.accounts.member)?.unitId;
  const targetUnit = people.find((p) => p.id === w.accounts.target)?.unitId;
  // The college a first-time visitor sees (the demo member's and secretary's) is doing well, but not everyone is.
  const demoCollege = unitById.get(memberUnit ?? -1)?.parentId;
  if (demoCollege && collegeRate.has(demoCollege)) collegeRate.set(demoCollege, 0.9);
  const branchSecretary = new Map<number, number>();
  for (const p of people) if (p.committeeRole === "支部书记" && !branchSecretary.has(p.unitId)) branchSecretary.set(p.unitId, p.id);
  for (const g of w.secretaryGrants) if (unitById.get(g.unitId)?.kind === "branch") branchSecretary.set(g.unitId, g.personId);
  const collegeSecretary = new Map<number, number>();
  for (const g of w.secretaryGrants) if (unitById.get(g.unitId)?.kind === "college") collegeSecretary.set(g.unitId, g.personId);
  const branches: Branch[] = w.units
    .filter((u) => u.kind === "branch" || u.kind === "temporary")
    .map((u) => {
      const college = u.parentId !== null && unitById.get(u.parentId)?.kind === "college" ? u.parentId : null;
      const rate = Math.min(0.97, (college ? collegeRate.get(college)! : 0.8) * between(0.85, 1.12));
      const hasCommittee = (byUnit.get(u.id) ?? []).some((p) => Boolean(p.committee));
      return { ...u, collegeId: college, rate, hasCommittee, secretaryId: branchSecretary.get(u.id) ?? w.adminId };
    });
  for (const c of colleges) {
    if (collegeSecretary.has(c.id)) continue;
    const own = branches.find((b) => b.collegeId === c.id && branchSecretary.has(b.id));
    collegeSecretary.set(c.id, own ? own.secretaryId : w.adminId);
  }
  // The branches the demo accounts look at meet every month.
  const steady = new Set([memberUnit, targetUnit].filter((id): id is number => id !== undefined));

  // ---------- ledger ----------
  function credit(
    personId: number,
    amount: number,
    category: string,
    sourceKind: string,
    sourceId: string,
    note: string,
    earnedAt: Date,
    createdAt: Date,
    approvedById: number | null = null,
  ) {
    f.hours({ personId, year: ledgerYear(earnedAt), amount, category, sourceKind, sourceId, note, earnedAt, approvedById, createdAt });
    counts.entries++;
  }

  // ---------- activities ----------
  // The statements below run in loops: each is one template with plain values, so one prepared text.
  const insertAttendance = (activityId: number, personId: number, source: string, reason: string | null, at: Date, addedById: number | null) =>
    run(
      f.db,
      sql`INSERT INTO "ActivityAttendance" ("activityId", "personId", "source", "reason", "at", "addedById", "removedAt", "removedById")
          VALUES (${activityId}, ${personId}, ${source}, ${reason}, ${at}, ${addedById}, NULL, NULL)`,
    );
  const held: Held[] = [];
  function hold(unitId: number, secretaryId: number, kind: ActivityKind, title: string, startsAt: Date, minutes: number, hours: number, who: Who) {
    const endsAt = new Date(startsAt.getTime() + minutes * 60_000);
    if (!inWindow(startsAt) || endsAt.getTime() >= now.getTime()) return;
    const confirmedAt = new Date(Math.min(endsAt.getTime() + between(0.5, 30) * HOUR, now.getTime() - HOUR));
    const createdAt = new Date(startsAt.getTime() - between(3, 10) * DAY);
    const checkinOpensAt = new Date(startsAt.getTime() - 30 * 60_000);
    const checkinClosesAt = new Date(startsAt.getTime() + 30 * 60_000);
    const { id } = get<{ id: number }>(
      f.db,
      sql`INSERT INTO "Activity" ("unitId", "kind", "title", "startsAt", "endsAt", "checkinOpensAt", "checkinClosesAt", "hours", "codeSecret", "status",
            "createdById", "confirmedById", "confirmedAt", "createdAt", "updatedAt")
          VALUES (${unitId}, ${kind}, ${title}, ${startsAt}, ${endsAt}, ${checkinOpensAt}, ${checkinClosesAt}, ${hours}, ${newCodeSecret()}, 'confirmed',
            ${secretaryId}, ${secretaryId}, ${confirmedAt}, ${createdAt}, ${confirmedAt})
          RETURNING "id"`,
    )!;
    counts.activities++;
    held.push({ id, unitId, kind, title, startsAt, endsAt, hours, confirmerId: secretaryId, confirmedAt, who });
  }
  function attend(a: Held, personId: number) {
    if (chance(0.92)) {
      insertAttendance(a.id, personId, "checkin", null, new Date(a.startsAt.getTime() - between(0, 25) * 60_000), null);
    } else {
      insertAttendance(a.id, personId, "added", pick(ADDED_REASONS), new Date(a.confirmedAt.getTime() - between(5, 25) * 60_000), a.confirmerId);
    }
    counts.attendances++;
    // As confirmActivity credits each attendee: the activity's start is when the hours were earned.
    credit(
      personId,
      a.hours,
      activityCategory(a.kind),
      "activity",
      String(a.id),
      `${ACTIVITY_KIND_LABELS[a.kind]}：${a.title}`,
      a.startsAt,
      a.confirmedAt,
      a.confirmerId,
    );
  }

  const months = Array.from({ length: 12 }, (_, i) => {
    const k = 11 - i;
    const m0 = ty * 12 + (tm - 1) - k;
    return { y: Math.floor(m0 / 12), m: (m0 % 12) + 1 };
  });
  for (const b of branches) {
    // Students meet in the evening, staff in the afternoon.
    const student = /本科生|研究生|学生|新生/.test(b.name);
    for (const { y, m } of months) {
      // 主题党日 on the last Friday of the month (this month: the last Friday before today).
      const friday = weekdays(y, m, 5)
        .reverse()
        .find((d) => china(y, m, d).getTime() < today);
      if (friday !== undefined && (steady.has(b.id) || chance(0.5 + 0.5 * b.rate))) {
        hold(b.id, b.secretaryId, "theme_day", THEMES[m - 1], china(y, m, friday, student ? 19 : 15), 120, 200, isMemberOrTarget);
      }
      if (m % 3 === 0 && (steady.has(b.id) || chance(0.6 + 0.4 * b.rate))) {
        hold(b.id, b.secretaryId, "branch_meeting", `${y}年第${m / 3}季度党员大会`, china(y, m, nthWeekday(y, m, 3, 2), 16), 90, 100, isMember);
      }
      if (m % 3 === 1 && (steady.has(b.id) || chance(0.5 + 0.5 * b.rate))) {
        hold(b.id, b.secretaryId, "party_lecture", LECTURES[(m - 1) / 3], china(y, m, nthWeekday(y, m, 4, 3), 15), 120, 200, isMemberOrTarget);
      }
      if (m === 1)
        hold(b.id, b.secretaryId, "life_meeting", `${y - 1}年度组织生活会和民主评议党员`, china(y, m, nthWeekday(y, m, 2, 3), 14, 30), 180, 200, isMember);
      if (b.hasCommittee)
        hold(b.id, b.secretaryId, "committee_meeting", `${y}年${m}月支委会`, china(y, m, nthWeekday(y, m, 1, 1), 12, 30), 60, 100, isCommittee);
    }
  }
  // 党校 sessions of each college: the activist and target classes twice a year, members' training once.
  for (const c of colleges) {
    const sec = collegeSecretary.get(c.id)!;
    const short = c.name.replace(/党委|党总支/, "");
    for (const { y, m } of months) {
      const saturday = nthWeekday(y, m, 6, 2);
      if (m === 4 || m === 10)
        hold(
          c.id,
          sec,
          "party_school",
          `${short}${y}年${m === 4 ? "春季" : "秋季"}入党积极分子培训班集中授课`,
          china(y, m, saturday, 8, 30),
          210,
          400,
          isActivistOnly,
        );
      if (m === 5 || m === 11)
        hold(
          c.id,
          sec,
          "party_school",
          `${short}${y}年${m === 5 ? "春季" : "秋季"}发展对象培训班集中培训`,
          china(y, m, saturday, 8, 30),
          540,
          800,
          isTargetOnly,
        );
      if (m === 6) hold(c.id, sec, "party_school", `${short}${y}年党员集中轮训`, china(y, m, nthWeekday(y, m, 6, 3), 8, 30), 210, 400, isMember);
    }
  }
  held.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id - b.id);

  const branchOf = new Map(branches.map((b) => [b.id, b]));
  const peopleOfActivity = (a: Held) =>
    unitById.get(a.unitId)?.kind === "college"
      ? branches.filter((b) => b.collegeId === a.unitId).flatMap((b) => byUnit.get(b.id) ?? [])
      : (byUnit.get(a.unitId) ?? []);
  // The demo accounts' own year is written by hand below; every other year (and everybody else) by chance.
  const handled = (p: Person, a: Held) =>
    (p.id === w.accounts.member && ledgerYear(a.startsAt) === thisYear) ||
    ((p.id === w.accounts.target || p.id === w.accounts.activist) && a.kind === "party_school");
  for (const a of held) {
    for (const p of peopleOfActivity(a)) {
      if (!a.who(p, a.startsAt.getTime()) || handled(p, a)) continue;
      const rate = branchOf.get(p.unitId)?.rate ?? 0.8;
      if (chance(Math.min(0.98, rate * p.diligence * 1.08))) attend(a, p.id);
    }
  }

  // ---------- lessons ----------
  const course = (slug: string) => w.lessons.filter((l) => l.slug === slug);
  /** One lesson studied, as study.ts leaves it: completed (credited once) or part-way. */
  function study(personId: number, l: LessonRow, at: Date, complete: boolean) {
    const share = complete ? 1 : between(0.2, 0.7);
    const cps = JSON.parse(l.checkpoints) as { id: string; at?: number }[];
    const answered: Record<string, { correct: boolean; at: string }> = {};
    for (const cp of cps) {
      // A video checkpoint is reached only if the video got that far; a text lesson's at the end.
      const reached = complete || (l.duration !== null && cp.at !== undefined && cp.at <= share * l.duration);
      if (reached) answered[cp.id] = { correct: chance(0.85), at: ts(new Date(at.getTime() - between(1, 5) * 60_000)) };
    }
    const watched = l.duration ? [[0, Math.round(share * l.duration * 1000) / 1000]] : [];
    const watchedSeconds = l.duration ? Math.round(share * l.duration * 10) / 10 : 0;
    const readSeconds = l.duration ? 0 : Math.round(l.minutes * 60 * (complete ? between(1, 1.3) : share));
    const startedAt = new Date(at.getTime() - Math.max(watchedSeconds, readSeconds) * 1000 - 60_000);
    run(
      f.db,
      sql`INSERT INTO "LessonProgress" ("personId", "lessonId", "watched", "watchedSeconds", "readSeconds", "checkpoints", "completedAt", "createdAt", "updatedAt")
          VALUES (${personId}, ${l.id}, ${JSON.stringify(watched)}, ${watchedSeconds}, ${readSeconds}, ${JSON.stringify(answered)}, ${complete ? at : null},
            ${startedAt}, ${at})`,
    );
    if (complete) {
      counts.lessons++;
      if (l.credit > 0) credit(personId, l.credit, "online", "lesson", String(l.id), l.title, at, at);
    }
  }
  /** The first `done` lessons of a course in order from `start`, a few days apart, and maybe the next one begun. */
  function studyCourse(personId: number, lessons: LessonRow[], done: number, start: number, partialNext: boolean) {
    let t = start;
    for (let i = 0; i < lessons.length && i <= done; i++) {
      const day = chinaDate(new Date(t));
      const at = new Date(china(day.y, day.m, day.d, Math.floor(between(8, 22)), Math.floor(between(0, 60))).getTime());
      if (!inWindow(at)) return;
      if (i < done) study(personId, lessons[i], at, true);
      else if (partialNext) study(personId, lessons[i], at, false);
      t += between(0.5, 9) * DAY;
    }
  }
  const startFrom = (eligible: number) => Math.max(eligible === NEVER ? from : eligible, from) + between(1, 60) * DAY;
  const fazhan = course("fazhan-duixiang");
  const jijifenzi = course("jijifenzi-peixun");
  const liangxue = course("liangxue-yizuo");
  for (const p of people) {
    if (scripted.has(p.id)) continue;
    const r = branchOf.get(p.unitId)?.rate ?? 0.8;
    if (p.status === "target" && fazhan.length) {
      // 规定动作 of a development target: many finish the whole class, others are part-way.
      const done = chance(0.3 * r + 0.1) ? fazhan.length : Math.floor(rand() * fazhan.length);
      studyCourse(p.id, fazhan, done, startFrom(p.target), chance(0.5));
    } else if ((p.status === "activist" || (p.status === "applicant" && chance(0.15))) && jijifenzi.length) {
      const done = p.status === "activist" && chance(0.35 * r + 0.1) ? jijifenzi.length : Math.floor(rand() * jijifenzi.length);
      studyCourse(p.id, jijifenzi, done, startFrom(p.status === "activist" ? p.activist : from), chance(0.4));
    }
    const party = p.status === "member" || p.status === "probationary";
    if (liangxue.length && (p.id === w.accounts.cadre || (party && p.diligence > 0 && chance(0.45 + 0.4 * r * p.diligence)))) {
      const done = p.id === w.accounts.cadre ? liangxue.length : 1 + Math.floor(rand() * liangxue.length);
      studyCourse(p.id, liangxue, done, startFrom(from), chance(0.3));
    }
  }

  // ---------- quizzes ----------
  type Quiz = { id: number; title: string; bankId: number; opensAt: Date; closesAt: Date; who: Who };
  const quizzes: Quiz[] = [];
  /** A quiz open from the 3rd to the 24th of a past month, to everybody of the given statuses. */
  function quiz(title: (year: number) => string, description: string, bank: string, monthsAgo: number, statuses: string[], who: Who) {
    const bankId = w.banks.get(bank);
    const { y, m } = months[11 - monthsAgo];
    const opensAt = china(y, m, 3, 9);
    const closesAt = new Date(Math.min(china(y, m, 24, 18).getTime(), today - DAY));
    if (bankId === undefined || !inWindow(opensAt) || closesAt <= opensAt) return;
    const createdAt = new Date(opensAt.getTime() - 2 * DAY);
    const { id } = get<{ id: number }>(
      f.db,
      sql`INSERT INTO "Quiz" ("title", "description", "unitId", "createdById", "status", "opensAt", "closesAt", "timeLimitSec", "maxAttempts", "gradeMethod",
            "passPercent", "shuffleQuestions", "shuffleOptions", "reviewPolicy", "creditHours", "createdAt", "updatedAt")
          VALUES (${title(y)}, ${description}, ${w.rootId}, ${w.trainerId}, 'published', ${opensAt}, ${closesAt}, 1200, 2, 'highest',
            60, ${true}, ${true}, 'after_submit', 50, ${createdAt}, ${createdAt})
          RETURNING "id"`,
    )!;
    run(f.db, sql`INSERT INTO "QuizSlot" ("quizId", "position", "bankId", "count", "markEach") VALUES (${id}, 1, ${bankId}, 10, 1000)`);
    for (const s of statuses) run(f.db, sql`INSERT INTO "QuizAudience" ("quizId", "unitId", "politicalStatus") VALUES (${id}, ${w.rootId}, ${s})`);
    quizzes.push({ id, title: title(y), bankId, opensAt, closesAt, who });
  }
  const rules = "从题库随机抽取 10 题，限时 20 分钟，可作答 2 次，取最高分；60 分及格，及格计 0.5 学时。";
  quiz((y) => `${y}年党章知识测试`, `面向全体党员。${rules}`, "party-constitution", 8, ["member", "probationary"], isMember);
  quiz(() => "发展对象培训班结业测试", `面向发展对象。${rules}`, "party-basics", 5, ["target"], isTargetOnly);
  quiz((y) => `${y}年党内法规知识测试`, `面向全体党员。${rules}`, "party-regulations", 2, ["member", "probationary"], isMember);

  const attempts = quizAttemptWriter(f.db, rand, w.questions);
  const paperOf = (qz: Quiz): Paper => ({
    id: qz.id,
    bankId: qz.bankId,
    count: 10,
    markEach: 1000,
    timeLimitSec: 1200,
    closesAt: qz.closesAt,
    passPercent: 60,
  });
  /** One submitted attempt, drawn and graded as startAttempt and finishAttempt do. */
  function takeQuiz(qz: Quiz, personId: number, number: number, startedAt: Date, skill: number) {
    counts.attempts++;
    return attempts.take(paperOf(qz), personId, number, startedAt, (q) => chance(skill - (q.difficulty - 2) * 0.08));
  }
  /** A person's attempts at a quiz (a second one after failing, sometimes), the grade, and the 学时 of passing. */
  function sitQuiz(qz: Quiz, personId: number, skill: number, mustPass = false) {
    const span = qz.closesAt.getTime() - qz.opensAt.getTime() - 2 * HOUR;
    const results = [takeQuiz(qz, personId, 1, new Date(qz.opensAt.getTime() + rand() * span * 0.7), mustPass ? 1 : skill)];
    if (!results[0].passed && chance(0.6)) {
      const retry = new Date(Math.min(results[0].finishedAt.getTime() + between(1, 5) * DAY, qz.closesAt.getTime() - 2 * HOUR));
      results.push(takeQuiz(qz, personId, 2, retry, skill + 0.15));
    }
    attempts.grade(paperOf(qz), personId, results);
    const firstPass = results.find((r) => r.passed);
    if (firstPass) credit(personId, 50, "quiz", "quiz", String(qz.id), qz.title, firstPass.finishedAt, firstPass.finishedAt);
  }
  for (const qz of quizzes) {
    for (const p of people) {
      if (scripted.has(p.id) || !qz.who(p, qz.closesAt.getTime()) || !statusFits(qz, p)) continue;
      const r = branchOf.get(p.unitId)?.rate ?? 0.8;
      if (chance(Math.min(0.95, r * p.diligence))) sitQuiz(qz, p.id, p.skill);
    }
  }
  // The quiz's audience is by current status (quizzes.ts): only those it still covers have taken it.
  function statusFits(qz: Quiz, p: Person) {
    return qz.who === isTargetOnly ? p.status === "target" : p.status === "member" || p.status === "probationary";
  }

  // ---------- the demo accounts ----------
  const person = (id: number | null) => (id === null ? undefined : people.find((p) => p.id === id));
  const existing = (id: number) => all<{ earnedAt: string }>(f.db, sql`SELECT "earnedAt" FROM "HoursEntry" WHERE "personId" = ${id} AND "year" = ${thisYear}`);
  const sumThisYear = (id: number) =>
    get<{ s: number }>(f.db, sql`SELECT COALESCE(SUM("amount"), 0) AS "s" FROM "HoursEntry" WHERE "personId" = ${id} AND "year" = ${thisYear}`)!.s;

  // 周党员: 23.5 of the 32 学时 this year. Her branch's 主题党日 last Friday, a passed quiz and some
  // lessons, then earlier meetings, most recent first, as far as they fit; months already holding a
  // seeded entry (the March 主题党日, the spring 党校 day) are left alone so nothing looks counted twice.
  const member = person(w.accounts.member);
  if (member) {
    let left = 2350 - sumThisYear(member.id);
    const seededMonths = new Set(existing(member.id).map((e) => chinaMonthKey(new Date(e.earnedAt))));
    const mine = held
      .filter((a) => ledgerYear(a.startsAt) === thisYear && peopleOfActivity(a).includes(member) && a.who(member, a.startsAt.getTime()))
      .filter((a) => !seededMonths.has(chinaMonthKey(a.startsAt)))
      .reverse();
    const lastThemeDay = mine.find((a) => a.kind === "theme_day" && a.unitId === member.unitId);
    const take = (a: Held) => {
      if (a.hours > left) return;
      attend(a, member.id);
      left -= a.hours;
    };
    if (lastThemeDay) take(lastThemeDay);
    const memberQuiz = [...quizzes].reverse().find((q) => q.who === isMember && ledgerYear(q.closesAt) === thisYear);
    if (memberQuiz && left >= 50) {
      sitQuiz(memberQuiz, member.id, 0.9, true);
      left -= 50;
    }
    const lessons = liangxue.filter((l) => l.credit > 0);
    let studied = 0;
    const lessonAt = (i: number) => new Date(Math.max(from, china(thisYear, 1, 1).getTime()) + (i + 1) * 9 * DAY + 20 * HOUR);
    while (studied < 2 && studied < lessons.length && lessons[studied].credit <= left && inWindow(lessonAt(studied))) {
      study(member.id, lessons[studied], lessonAt(studied), true);
      left -= lessons[studied++].credit;
    }
    for (const a of mine) if (a !== lastThemeDay) take(a);
    while (studied < lessons.length && lessons[studied].credit <= left && inWindow(lessonAt(studied))) {
      study(member.id, lessons[studied], lessonAt(studied), true);
      left -= lessons[studied++].credit;
    }
  }

  // 郑发展: part of the 24 学时 of training since becoming 发展对象 (5 of the 12 lessons, the college's
  // target class, the final quiz), so the admission gate still refuses; the sixth lesson is begun.
  const target = person(w.accounts.target);
  if (target) {
    studyCourse(target.id, fazhan, Math.min(5, fazhan.length), startFrom(target.target), true);
    const session = [...held].reverse().find((a) => a.kind === "party_school" && peopleOfActivity(a).includes(target) && a.who(target, a.startsAt.getTime()));
    if (session) attend(session, target.id);
    const finalQuiz = quizzes.find((q) => q.who === isTargetOnly && q.who(target, q.closesAt.getTime()));
    if (finalQuiz) sitQuiz(finalQuiz, target.id, 0.9, true);
  }

  // 王积极: four of the six lessons of the activist class and its last 集中授课; the fifth begun.
  const activist = person(w.accounts.activist);
  if (activist) {
    studyCourse(activist.id, jijifenzi, Math.min(4, jijifenzi.length), startFrom(activist.activist), true);
    const session = [...held]
      .reverse()
      .find((a) => a.kind === "party_school" && peopleOfActivity(a).includes(activist) && a.who(activist, a.startsAt.getTime()));
    if (session) attend(session, activist.id);
  }
  return counts;
}
