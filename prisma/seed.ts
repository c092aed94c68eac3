import { hashPassword } from "../app/.server/auth/password";
import { get, run, sql } from "../app/.server/sql";
import { type RecordWriter, type UnitRow, openRecordWriter } from "../scripts/lib/record-writer";
import { POLITICAL_STATUS_LABELS, type PoliticalStatus } from "../app/lib/vocabulary";
import { env } from "../app/.server/env";
import { seedDemoClasses } from "./seed-classes";
import { seedDemoDiscussion } from "./seed-discussion";
import { seedDemoLibrary } from "./seed-library";
import { type DemoFiles, historyDates, seedDemoPipeline } from "./seed-pipeline";
import { seedDemoMailboxes } from "./seed-mailboxes";
import { type DemoPageUnits, seedDemoPageImage, seedDemoPages } from "./seed-pages";
import { seedDemoThoughtReports } from "./seed-thought-reports";
import { seedDemoUpcomingMeetings } from "./seed-todo";
import { seedDemoNotifications } from "./seed-notifications";

// The demo university: one committee, 11 colleges, 44 branches and some groups, about 12,000
// people across every political status and cadre level, notices, and one account per role.
// Deterministic (a fixed pseudo-random sequence), so every fresh clone gets the same university.

export const DEMO_PASSWORD = "demo12345";

export const DEMO_ACCOUNTS = [
  { username: "admin", role: "管理员（校党委组织部）" },
  { username: "trainer", role: "教员（党校）" },
  { username: "secretary", role: "书记（计算机学院党委）" },
  { username: "branchsec", role: "支部书记（计算机学院本科生第一党支部）" },
  { username: "member", role: "正式党员" },
  { username: "cadre", role: "处级干部" },
  { username: "target", role: "发展对象" },
  { username: "activist", role: "入党积极分子" },
] as const;

/** A small deterministic generator (mulberry32): the same seed gives the same demo data on every clone. */
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯鹏飞鑫欣悦怡佳琪雪晨思远博文涵瑶婷颖萱泽睿轩宁安然子晗梓航一诺雨桐嘉懿";

type College = { name: string; code: string; students: number; staff: number; studentBranches: string[]; staffBranches: string[] };

const COLLEGES: College[] = [
  {
    name: "计算机学院党委",
    code: "07",
    students: 2800,
    staff: 90,
    studentBranches: ["本科生第一党支部", "本科生第二党支部", "本科生第三党支部", "研究生党支部"],
    staffBranches: ["教职工第一党支部", "教职工第二党支部"],
  },
  {
    name: "马克思主义学院党委",
    code: "01",
    students: 600,
    staff: 60,
    studentBranches: ["本科生党支部", "研究生党支部"],
    staffBranches: ["教职工党支部", "党校教研室党支部"],
  },
  {
    name: "机械工程学院党委",
    code: "02",
    students: 1500,
    staff: 50,
    studentBranches: ["本科生第一党支部", "本科生第二党支部", "研究生党支部"],
    staffBranches: ["教职工党支部"],
  },
  {
    name: "经济管理学院党委",
    code: "03",
    students: 1400,
    staff: 45,
    studentBranches: ["本科生第一党支部", "本科生第二党支部", "研究生党支部"],
    staffBranches: ["教职工党支部"],
  },
  { name: "外国语学院党总支", code: "04", students: 900, staff: 35, studentBranches: ["本科生党支部", "研究生党支部"], staffBranches: ["教职工党支部"] },
  {
    name: "化学化工学院党委",
    code: "05",
    students: 1100,
    staff: 40,
    studentBranches: ["本科生第一党支部", "本科生第二党支部", "研究生党支部"],
    staffBranches: ["教职工党支部"],
  },
  { name: "文学院党总支", code: "06", students: 800, staff: 30, studentBranches: ["本科生党支部", "研究生党支部"], staffBranches: ["教职工党支部"] },
  {
    name: "医学院党委",
    code: "08",
    students: 1700,
    staff: 50,
    studentBranches: ["本科生第一党支部", "本科生第二党支部", "研究生党支部"],
    staffBranches: ["教职工党支部"],
  },
  { name: "国际教育学院党总支", code: "09", students: 200, staff: 15, studentBranches: ["学生党支部"], staffBranches: ["教职工党支部"] },
  {
    name: "机关党委",
    code: "10",
    students: 0,
    staff: 120,
    studentBranches: [],
    staffBranches: ["党委办公室党支部", "组织部党支部", "教务处党支部", "学生工作部党支部", "财务处党支部"],
  },
  { name: "后勤党总支", code: "11", students: 0, staff: 300, studentBranches: [], staffBranches: ["后勤服务党支部", "物业管理党支部"] },
];

const STUDENT_STATUS: [string, number][] = [
  ["masses", 0.58],
  ["applicant", 0.16],
  ["activist", 0.1],
  ["target", 0.04],
  ["probationary", 0.04],
  ["member", 0.08],
];
const STAFF_STATUS: [string, number][] = [
  ["masses", 0.22],
  ["applicant", 0.02],
  ["activist", 0.03],
  ["target", 0.02],
  ["probationary", 0.03],
  ["member", 0.68],
];

export type SeedSummary = { units: number; people: number; files: DemoFiles; ms: number };

/**
 * The demo university; `now` dates the development files' latest steps (their due dates are counted from it).
 * The files the demo shows (the pages' generated image, the library's documents) are written under
 * `dataDir`, the app's data directory unless another is given.
 */
export async function seedDemoUniversity(dbFile: string, now = new Date(), opts: { dataDir?: string } = {}): Promise<SeedSummary> {
  const started = performance.now();
  const dataDir = opts.dataDir ?? env.dataDir;
  const f = openRecordWriter(dbFile);
  let pageUnits: DemoPageUnits | undefined;
  const rand = rng(20_260_701);
  // The spacing of each person's status history has its own sequence, so the draws above stay as they were.
  const spacing = rng(20_261_202);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const weighted = (table: [string, number][]) => {
    let r = rand();
    for (const [v, w] of table) if ((r -= w) < 0) return v;
    return table[table.length - 1][0];
  };
  const name = () => pick(SURNAMES.split("")) + pick(GIVEN.split("")) + (rand() < 0.6 ? pick(GIVEN.split("")) : "");
  const phone = () => `1${pick(["3", "5", "7", "8", "9"])}${String(Math.floor(rand() * 1e9)).padStart(9, "0")}`;
  const dayMs = 86_400_000;
  const today = Date.UTC(2026, 10, 1);

  // Demo accounts' password is hashed once; the bulk people get no password (an admin resets one).
  const demoHash = await hashPassword(DEMO_PASSWORD);
  let unitCount = 0;
  let peopleCount = 0;

  f.transaction(() => {
    const root = f.unit({ name: "示范大学党委", kind: "committee" });
    unitCount++;
    const branchesByCollege = new Map<string, { student: UnitRow[]; staff: UnitRow[]; college: UnitRow }>();
    COLLEGES.forEach((c, i) => {
      const college = f.unit({ name: c.name, kind: "college", parent: root, sortOrder: i });
      unitCount++;
      const short = c.name.replace(/党委|党总支/, "");
      const student = c.studentBranches.map((b, j) => f.unit({ name: `${short}${b}`, kind: "branch", branchType: "student", parent: college, sortOrder: j }));
      const staff = c.staffBranches.map((b, j) =>
        f.unit({ name: c.code === "10" || c.code === "11" ? b : `${short}${b}`, kind: "branch", branchType: "staff", parent: college, sortOrder: 10 + j }),
      );
      unitCount += student.length + staff.length;
      branchesByCollege.set(c.code, { student, staff, college });
    });
    // Party groups in the big student branches, and one temporary organisation.
    const cs = branchesByCollege.get("07")!;
    for (const b of cs.student.slice(0, 2)) {
      for (const g of ["第一党小组", "第二党小组", "第三党小组"]) {
        f.unit({ name: `${b.name.replace(/计算机学院/, "")}${g}`, kind: "group", parent: b });
        unitCount++;
      }
    }
    const temp = f.unit({ name: "新生临时党支部", kind: "temporary", parent: root, sortOrder: 99 });
    unitCount++;

    const addPerson = (input: Parameters<RecordWriter["person"]>[0] & { politicalStatus: string }) => {
      // The same one draw as ever; a 预备党员 has held the status less than a year (第三十二条), others up to 2½ years.
      // The lowest draws of 预备党员 (about one in sixteen) were admitted 13 to 16 months ago: their 预备期 was
      // extended by six months (党章第七条; their files record it, seed-pipeline.ts).
      const drawn = rand() * (input.politicalStatus === "probationary" ? 330 : 900);
      const days = input.politicalStatus === "probationary" && drawn < 20 ? 400 + Math.floor(drawn * 4) : Math.floor(drawn + 30);
      const history = input.politicalStatus === "masses" ? [] : historyDates(input.politicalStatus, new Date(today - days * dayMs), spacing);
      const id = f.person({ ...input, statusSince: history.at(-1)?.on ?? null });
      peopleCount++;
      // A dated history: each stage reached, in order, ending at the current one, spaced as the 细则 allows.
      history.forEach((h, i) => f.statusChange(id, i === 0 ? "masses" : history[i - 1].status, h.status, h.on));
      return id;
    };

    // Demo ID numbers are no longer made (decision 033); the draws each one took (3 for a student's, 4 for
    // a staff member's) are still taken, between the person's own draws and addPerson's, so every later
    // draw and so the demo university stay as they were.
    const retiredIdNumberDraws = (n: number) => {
      for (let i = 0; i < n; i++) rand();
    };
    for (const c of COLLEGES) {
      const { student, staff } = branchesByCollege.get(c.code)!;
      for (let i = 0; i < c.students; i++) {
        const year = 2022 + (i % 4);
        const foreign = c.code === "09" && rand() < 0.6;
        const person: Parameters<typeof addPerson>[0] = {
          number: `${year}${c.code}${String(i + 1).padStart(4, "0")}`,
          name: foreign
            ? `${pick(["Anna", "David", "Maria", "Ivan", "Amir", "Sofia", "Kenji", "Lucas"])} ${pick(["Smith", "Ivanova", "Khan", "Tanaka", "Garcia", "Müller"])}`
            : name(),
          gender: rand() < 0.5 ? "male" : "female",
          category: foreign ? "foreign" : "student",
          unitId: student[i % student.length].id,
          politicalStatus: foreign ? "masses" : weighted(STUDENT_STATUS),
          phone: phone(),
        };
        if (!foreign) retiredIdNumberDraws(3);
        addPerson(person);
      }
      for (let i = 0; i < c.staff; i++) {
        const status = weighted(STAFF_STATUS);
        const cadreRoll = rand();
        const cadreLevel = c.code === "11" ? "none" : cadreRoll < 0.05 ? "division" : cadreRoll < 0.2 ? "section" : "none";
        const branch = staff[i % staff.length];
        const committee = status === "member" && i < staff.length * 5;
        const person: Parameters<typeof addPerson>[0] = {
          number: `${c.code === "11" ? "H" : "T"}${c.code}${String(i + 1).padStart(4, "0")}`,
          name: name(),
          gender: rand() < 0.5 ? "male" : "female",
          category: c.code === "11" ? "service" : "staff",
          unitId: branch.id,
          politicalStatus: status,
          cadreLevel,
          isCommitteeMember: committee,
          committeeRole: committee ? (i < staff.length ? "支部书记" : pick(["组织委员", "宣传委员", "纪检委员"])) : null,
          phone: phone(),
        };
        retiredIdNumberDraws(4);
        addPerson(person);
      }
    }
    for (let i = 0; i < 60; i++) {
      addPerson({
        number: `2026${"99"}${String(i + 1).padStart(4, "0")}`,
        name: name(),
        gender: rand() < 0.5 ? "male" : "female",
        unitId: temp.id,
        politicalStatus: pick(["member", "probationary"]),
      });
    }

    // The demo accounts, one per role.
    const cadreBranch = branchesByCollege.get("10")!.staff[1];
    const marx = branchesByCollege.get("01")!.staff[1];
    const csStaff = cs.staff[0];
    const csUg1 = cs.student[0];
    const account = (number: string, who: string, unitId: number, status: string, extra: Partial<Parameters<RecordWriter["person"]>[0]> = {}) => {
      const id = addPerson({ number, name: who, unitId, politicalStatus: status, category: "staff", gender: "male", phone: phone(), ...extra });
      f.passwordHash(id, demoHash);
      return id;
    };
    const admin = account("admin", "赵组织", cadreBranch.id, "member", { cadreLevel: "section" });
    f.grant(admin, "admin", root.id);
    const trainer = account("trainer", "钱教员", marx.id, "member");
    f.grant(trainer, "trainer", root.id);
    const secretary = account("secretary", "孙书记", csStaff.id, "member", { cadreLevel: "division", isCommitteeMember: true, committeeRole: "学院党委书记" });
    f.grant(secretary, "secretary", cs.college.id);
    const branchsec = account("branchsec", "李支书", csUg1.id, "member", { isCommitteeMember: true, committeeRole: "支部书记" });
    f.grant(branchsec, "secretary", csUg1.id);
    const member = account("member", "周党员", csStaff.id, "member", { gender: "female" });
    account("cadre", "吴处长", cadreBranch.id, "member", { cadreLevel: "division" });
    account("target", "郑发展", csUg1.id, "target", { category: "student" });
    account("activist", "王积极", csUg1.id, "activist", { category: "student", gender: "female" });
    pageUnits = { committee: root.id, college: cs.college.id, branch: csUg1.id, staffBranch: csStaff.id, admin, secretary, branchsec };

    const d = (daysAgo: number) => new Date(Date.now() - daysAgo * dayMs);
    f.notice({
      unitId: root.id,
      authorId: admin,
      pinned: true,
      publishedAt: d(2),
      title: "关于开展2026年度党员集中学习培训的通知",
      body: "各院系党组织：根据《中国共产党党员教育管理工作条例》，全体党员年度集中学习培训一般不少于32学时。请各支部督促党员按时完成网上党校规定课程。",
    });
    f.notice({
      unitId: root.id,
      authorId: admin,
      publishedAt: d(10),
      title: "网上党校平台正式上线",
      body: "网上党校已上线课程学习、在线测试与学时记录功能，请使用学号或工号登录。",
    });
    f.notice({
      unitId: cs.college.id,
      authorId: secretary,
      pinned: true,
      publishedAt: d(4),
      title: "计算机学院第十二期入党积极分子培训班报名通知",
      body: "请各支部于本月底前报送入党积极分子名单，培训班采取线上学习与集中授课相结合的方式。",
    });
    f.notice({
      unitId: csUg1.id,
      authorId: branchsec,
      publishedAt: d(1),
      title: "本周五主题党日活动安排",
      body: "本周五下午三点在学院报告厅开展主题党日活动，请支部全体党员、发展对象和入党积极分子准时参加并扫码签到。",
    });

    f.hours({
      personId: member,
      year: 2026,
      amount: 400,
      category: "offline",
      sourceKind: "seed",
      sourceId: "party-day-2026-03",
      note: "三月主题党日",
      earnedAt: new Date("2026-03-27T07:00:00Z"),
    });
    f.hours({
      personId: member,
      year: 2026,
      amount: 800,
      category: "party_school",
      sourceKind: "seed",
      sourceId: "party-school-2026-spring",
      note: "党校春季集中培训（1天）",
      earnedAt: new Date("2026-04-15T01:00:00Z"),
    });
  });
  const files = f.transaction(() => seedDemoPipeline(f.db, now));
  const pages = f.transaction(() => seedDemoPages(f.db, pageUnits!, now));
  await seedDemoPageImage(f.db, pages.imageArticleId, dataDir, now);
  f.transaction(() => seedDemoThoughtReports(f.db, now));
  f.transaction(() => seedDemoMailboxes(f.db, now));
  f.transaction(() => seedDemoClasses(f.db, new Date(today)));
  f.transaction(() => seedDemoDiscussion(f.db, now));
  f.transaction(() => seedDemoLibrary(f.db, dataDir, now));
  // The coming meetings of the demo accounts' units, for their to-do lists (decision 057).
  f.transaction(() => seedDemoUpcomingMeetings(f.db, now));
  // The demo accounts' inboxes, last: they speak of the notices, meetings, letters and posts above (decision 054).
  f.transaction(() => seedDemoNotifications(f.db, now));
  f.close();
  return { units: unitCount, people: peopleCount, files, ms: Math.round(performance.now() - started) };
}

// What the demo's quiz, contest and assignments are attached to: the committee, the trainer account, a shipped bank.
const demoRoot = (f: RecordWriter) => get<{ id: number }>(f.db, sql`SELECT "id" FROM "OrgUnit" WHERE "parentId" IS NULL ORDER BY "id" LIMIT 1`);
const demoTrainer = (f: RecordWriter) => get<{ id: number }>(f.db, sql`SELECT "id" FROM "Person" WHERE "number" = 'trainer'`);
const demoBank = (f: RecordWriter, slug: string) => get<{ id: number }>(f.db, sql`SELECT "id" FROM "QuestionBank" WHERE "slug" = ${slug}`);

/**
 * The demo's quiz, added once the shipped banks are in the database (they sync after the seed):
 * 20 questions drawn from two banks, 30 minutes, two attempts, pass mark 80, 0.5 学时 on passing,
 * open to everyone for 30 days. Beside it a short 每日一练 in the one-question-per-screen layout with
 * the answer sheet (decision 064): 5 questions from the party-basics bank, 10 minutes, three attempts,
 * no 学时. Skipped when any quiz exists (unless `evenIfOthers`: a benchmark's own quizzes do not count)
 * or the banks are missing.
 */
/** The demo's quiz in the one-question-per-screen layout (its answer sheet shows on a phone). */
export const DEMO_SINGLE_QUIZ_TITLE = "党的基础知识每日一练（一屏一题）";

export function seedDemoQuiz(dbFile: string, opts: { evenIfOthers?: boolean } = {}): boolean {
  const f = openRecordWriter(dbFile);
  try {
    if (!opts.evenIfOthers && get<{ n: number }>(f.db, sql`SELECT COUNT(*) AS "n" FROM "Quiz"`)!.n > 0) return false;
    const constitution = demoBank(f, "party-constitution");
    const regulations = demoBank(f, "party-regulations");
    const basics = demoBank(f, "party-basics");
    const root = demoRoot(f);
    const trainer = demoTrainer(f);
    if (!constitution || !regulations || !basics || !root || !trainer) return false;
    const now = new Date();
    const title = "“两学一做”党章党规知识测试";
    const description = "从党章和党内法规题库中随机抽取 20 题，限时 30 分钟，可作答 2 次，取最高分；80 分及格，及格计 0.5 学时。";
    f.transaction(() => {
      const { id: quizId } = get<{ id: number }>(
        f.db,
        sql`INSERT INTO "Quiz" ("title", "description", "unitId", "createdById", "status", "opensAt", "closesAt", "timeLimitSec", "maxAttempts", "gradeMethod",
              "passPercent", "shuffleQuestions", "shuffleOptions", "reviewPolicy", "creditHours", "createdAt", "updatedAt")
            VALUES (${title}, ${description}, ${root.id}, ${trainer.id}, 'published', ${now}, ${new Date(now.getTime() + 30 * 86_400_000)}, 1800, 2, 'highest',
              80, ${true}, ${true}, 'after_submit', 50, ${now}, ${now})
            RETURNING "id"`,
      )!;
      const slot = (position: number, bankId: number) =>
        run(f.db, sql`INSERT INTO "QuizSlot" ("quizId", "position", "bankId", "count", "markEach") VALUES (${quizId}, ${position}, ${bankId}, 10, 500)`);
      slot(1, constitution.id);
      slot(2, regulations.id);
      run(f.db, sql`INSERT INTO "QuizAudience" ("quizId", "unitId", "politicalStatus") VALUES (${quizId}, ${root.id}, NULL)`);

      const { id: dailyId } = get<{ id: number }>(
        f.db,
        sql`INSERT INTO "Quiz" ("title", "description", "unitId", "createdById", "status", "opensAt", "closesAt", "timeLimitSec", "maxAttempts", "gradeMethod",
              "passPercent", "shuffleQuestions", "shuffleOptions", "reviewPolicy", "layout", "creditHours", "createdAt", "updatedAt")
            VALUES (${DEMO_SINGLE_QUIZ_TITLE}, ${"从党的基础知识题库中随机抽取 5 题，一屏一题，用答题卡跳转和标记；限时 10 分钟，可作答 3 次，不计学时。"},
              ${root.id}, ${trainer.id}, 'published', ${now}, ${new Date(now.getTime() + 30 * 86_400_000)}, 600, 3, 'highest',
              60, ${true}, ${true}, 'after_submit', 'single', NULL, ${now}, ${now})
            RETURNING "id"`,
      )!;
      run(f.db, sql`INSERT INTO "QuizSlot" ("quizId", "position", "bankId", "count", "markEach") VALUES (${dailyId}, 1, ${basics.id}, 5, 2000)`);
      run(f.db, sql`INSERT INTO "QuizAudience" ("quizId", "unitId", "politicalStatus") VALUES (${dailyId}, ${root.id}, NULL)`);
    });
    return true;
  } finally {
    f.close();
  }
}

/**
 * The demo's knowledge competition, added once the shipped banks are in the database: a 党史知识竞赛
 * open to everyone for three days, 25 questions drawn per participant (15 from the party-basics bank,
 * 10 from the constitution), 15 minutes, 4 points each, 0.25 学时 for taking part. Skipped when any
 * contest exists (unless `evenIfOthers`) or the banks are missing.
 */
export function seedDemoContest(dbFile: string, opts: { evenIfOthers?: boolean } = {}): boolean {
  const f = openRecordWriter(dbFile);
  try {
    if (!opts.evenIfOthers && get<{ n: number }>(f.db, sql`SELECT COUNT(*) AS "n" FROM "Contest"`)!.n > 0) return false;
    const basics = demoBank(f, "party-basics");
    const constitution = demoBank(f, "party-constitution");
    const root = demoRoot(f);
    const trainer = demoTrainer(f);
    if (!basics || !constitution || !root || !trainer) return false;
    const now = new Date();
    const title = "党史知识竞赛";
    const description =
      "全校师生均可参加。每人随机抽取 25 题，限时 15 分钟，每人限参赛一次；按得分排名，得分相同时用时少者在前。参赛计 0.25 学时，满分答卷参加抽奖。";
    f.transaction(() => {
      const { id: contestId } = get<{ id: number }>(
        f.db,
        sql`INSERT INTO "Contest" ("title", "description", "unitId", "createdById", "status", "opensAt", "closesAt", "timeLimitSec", "creditHours", "createdAt", "updatedAt")
            VALUES (${title}, ${description}, ${root.id}, ${trainer.id}, 'published', ${now}, ${new Date(now.getTime() + 3 * 86_400_000)}, 900, 25, ${now}, ${now})
            RETURNING "id"`,
      )!;
      const section = (position: number, bankId: number, count: number) =>
        run(
          f.db,
          sql`INSERT INTO "ContestSection" ("contestId", "position", "bankId", "count", "pointsEach") VALUES (${contestId}, ${position}, ${bankId}, ${count}, 400)`,
        );
      section(1, basics.id, 15);
      section(2, constitution.id, 10);
      run(f.db, sql`INSERT INTO "ContestAudience" ("contestId", "unitId", "politicalStatus") VALUES (${contestId}, ${root.id}, NULL)`);
    });
    return true;
  } finally {
    f.close();
  }
}

/**
 * Required courses for the demo (规定动作): the 入党积极分子培训班 for every activist and the 发展对象培训班
 * for every development target of the university, due in 60 days. Run after the courses are synced;
 * returns a sentence for the start log, or null when there is nothing to do.
 */
export function seedDemoAssignments(dbFile: string): string | null {
  const f = openRecordWriter(dbFile);
  try {
    if (get<{ n: number }>(f.db, sql`SELECT COUNT(*) AS "n" FROM "CourseAssignment"`)!.n > 0) return null;
    const root = demoRoot(f);
    const trainer = demoTrainer(f);
    const course = (slug: string) => get<{ id: number; title: string }>(f.db, sql`SELECT "id", "title" FROM "Course" WHERE "slug" = ${slug}`);
    const plan = [
      { course: course("jijifenzi-peixun"), status: "activist" },
      { course: course("fazhan-duixiang"), status: "target" },
    ].filter((p): p is { course: { id: number; title: string }; status: string } => p.course !== undefined);
    if (!root || plan.length === 0) return null;
    const now = new Date();
    const due = new Date(now.getTime() + 60 * 86_400_000);
    f.transaction(() =>
      plan.forEach((p) =>
        run(
          f.db,
          sql`INSERT INTO "CourseAssignment" ("courseId", "unitId", "politicalStatus", "cadreLevel", "dueAt", "createdById", "createdAt")
              VALUES (${p.course.id}, ${root.id}, ${p.status}, NULL, ${due}, ${trainer?.id ?? null}, ${now})`,
        ),
      ),
    );
    return plan.map((p) => `${p.course.title}（${POLITICAL_STATUS_LABELS[p.status as PoliticalStatus]}）`).join("、");
  } finally {
    f.close();
  }
}
