import crypto from "node:crypto";
import fs from "node:fs";
import Database from "better-sqlite3";
import { readSheet } from "read-excel-file/node";
import { CHINA_OFFSET_MS } from "../../app/lib/dates";
import { ledgerMonth, ledgerYear } from "../../app/lib/hours";
import { createRandom } from "../../app/lib/quiz-shuffle";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { openFactory, type Factory } from "../../tests/factories";
import { Client, type Reply } from "../../tests/support/client";
import { type LoadResult, drive, expectStatus } from "../lib/load";
import { type BenchContext, type Row } from "../lib/report";

// The 学时 dashboards over a full ledger: 12,000 active people and 1,000,000 HoursEntry rows. Setup,
// not measured, writes straight into the database file the way the server stores rows: people to
// make up 12,000, ledger entries to make up 1,000,000 (most of them in the year reported, inserted
// in the order they were earned, as a real ledger grows), confirmed activities in every branch.
// Measured, one series after another on the same server: a college secretary's dashboard
// (/manage/reports, document and the navigation's .data), the whole school's (first page and a deep
// page of the people behind), and the Excel export of both, whole body read. References:
// GET /healthz at the same concurrency, same run. Before measuring, the figures each page shows
// and the rows of each export are checked against an SQL computation of their own.

export const name = "hours-reports";

const PEOPLE = 12_000;
const ENTRIES = 1_000_000;
const COLLEGE = "计算机学院党委"; // the demo secretary's scope
const ROUTE = "routes/manage.reports"; // the route id a client navigation names in ?_routes=
const SOURCE_KIND = "bench";

// Amounts in hundredths of a 学时 and categories, with their weights (an online lesson or a quiz is
// small and frequent, a day of party school is large and rare).
const AMOUNTS: [number, number][] = [
  [25, 0.15],
  [50, 0.2],
  [100, 0.25],
  [200, 0.2],
  [400, 0.12],
  [800, 0.08],
];
const CATEGORIES: [string, number][] = [
  ["online", 0.4],
  ["quiz", 0.2],
  ["contest", 0.08],
  ["offline", 0.17],
  ["party_school", 0.12],
  ["adjustment", 0.03],
];
const ONLINE_KINDS = ["online", "quiz", "contest"]; // what the cadres' online requirement counts
/** Share of a person's entries earned in the year reported (people who keep up); the rest in the two years before. */
const IN_YEAR_SHARE = 0.92;
/** People with a requirement who are behind: few rows, almost all from earlier years. */
const BEHIND_SHARE = 0.25;
/**
 * A behind person's hours in the year reported stay under this: the smallest requirement anybody has
 * is 32 学时 × 3/12 = 8 学时 (800; the seed's latest status change is a month before its "today",
 * which leaves at least three months of the year), so they are behind whatever their requirement.
 */
const BEHIND_CAP = 750;
/**
 * With this much in the year, this much of it online, a person meets every requirement of the shipped
 * pack (the largest is 110 学时 of any category, and 50 of online ones: the same hours count toward both).
 */
const MEETS_TOTAL = 11_000;
const MEETS_ONLINE = 5_000;

/** `path` may name a different page for each request (the i-th), to measure distinct reports at once. */
type Series = { measure: string; path: string | ((i: number) => string); count: number; concurrency: number; check: (r: Reply) => void; ref?: "c1" | "c4" };

const ts = (d: Date) => d.toISOString().replace("Z", "+00:00"); // the Prisma adapter's format (tests/factories.ts)
const fmt = (n: number) => n.toLocaleString("en");
/** The first instant of a calendar year in China. */
const yearStart = (year: number) => Date.UTC(year, 0, 1) - CHINA_OFFSET_MS;

function weighted<T>(table: [T, number][], r: number): T {
  for (const [v, w] of table) if ((r -= w) < 0) return v;
  return table[table.length - 1][0];
}

// ---------- setup ----------

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲芬燕彬斌宇浩凯鹏飞鑫欣悦怡佳琪雪晨思远博文涵瑶婷颖";

/** People added to the colleges' branches (round robin over the colleges) until PEOPLE are active; mostly members. */
function topUpPeople(f: Factory, random: () => number, year: number): number {
  const { n: active } = f.db.prepare("SELECT COUNT(*) AS n FROM Person WHERE disabledAt IS NULL").get() as { n: number };
  const missing = Math.max(0, PEOPLE - active);
  const branches = f.db
    .prepare(
      `SELECT b.id, b.branchType, b.parentId FROM OrgUnit b JOIN OrgUnit c ON c.id = b.parentId
       WHERE b.kind = 'branch' AND c.kind = 'college' AND b.archivedAt IS NULL ORDER BY c.sortOrder, b.sortOrder, b.id`,
    )
    .all() as { id: number; branchType: string; parentId: number }[];
  const grouped = new Map<number, typeof branches>();
  for (const b of branches) grouped.set(b.parentId, [...(grouped.get(b.parentId) ?? []), b]);
  const byCollege = [...grouped.values()];
  const pick = (s: string) => s[Math.floor(random() * s.length)];
  for (let i = 0; i < missing; i++) {
    const college = byCollege[i % byCollege.length];
    const branch = college[Math.floor(i / byCollege.length) % college.length];
    // Imported people: a status since some day one to six years ago, so it holds the whole year reported.
    const since = new Date(yearStart(year) - Math.floor(30 + random() * 1800) * 86_400_000);
    f.person({
      number: `HR${year}${String(i + 1).padStart(5, "0")}`,
      name: pick(SURNAMES) + pick(GIVEN) + (random() < 0.6 ? pick(GIVEN) : ""),
      gender: random() < 0.5 ? "male" : "female",
      category: branch.branchType === "staff" ? "staff" : "student",
      unitId: branch.id,
      politicalStatus: weighted(
        [
          ["member", 0.7],
          ["probationary", 0.1],
          ["target", 0.1],
          ["activist", 0.1],
        ],
        random(),
      ),
      statusSince: since,
    });
  }
  return missing;
}

type Earner = { id: number; requirement: boolean; earnedInYear: number };

/** Who may have hours: members, probationary members, targets, activists and cadres (whatever their status). */
function earners(db: Database.Database, year: number): Earner[] {
  return db
    .prepare(
      `SELECT p.id, (p.politicalStatus IN ('member', 'probationary') OR p.cadreLevel IN ('section', 'division')) AS requirement,
         COALESCE((SELECT SUM(h.amount) FROM HoursEntry h WHERE h.personId = p.id AND h.year = ?), 0) AS earnedInYear
       FROM Person p
       WHERE p.disabledAt IS NULL AND (p.politicalStatus IN ('member', 'probationary', 'target', 'activist') OR p.cadreLevel IN ('section', 'division'))
       ORDER BY p.id`,
    )
    .all(year)
    .map((r) => {
      const row = r as { id: number; requirement: number; earnedInYear: number };
      return { ...row, requirement: row.requirement === 1 };
    });
}

/** `total` split over weights, in whole numbers that add up exactly. */
function apportion(weights: number[], total: number): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const counts = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - counts.reduce((s, c) => s + c, 0);
  for (let i = 0; left > 0; i = (i + 1) % counts.length, left--) counts[i]++;
  return counts;
}

/**
 * The ledger's new rows, generated in columns (a million objects would be slow and large), then
 * inserted in the order they were earned, so that one person's rows are scattered over the table as
 * in a ledger that grew over the years (the worst case for the report's reads by person).
 */
function insertLedger(f: Factory, random: () => number, year: number, now: number): { added: number; inYear: number; earners: number; behind: number } {
  const { n: existing } = f.db.prepare("SELECT COUNT(*) AS n FROM HoursEntry").get() as { n: number };
  const total = Math.max(0, ENTRIES - existing);
  const people = earners(f.db, year);
  const behind = people.map((p) => p.requirement && random() < BEHIND_SHARE);
  // People who keep up study more: a weight of 0.5–1.5 each, a quarter of that for the behind.
  const counts = apportion(
    people.map((_, i) => (0.5 + random()) * (behind[i] ? 0.25 : 1)),
    total,
  );

  const person = new Int32Array(total);
  const amount = new Int16Array(total);
  const category = new Uint8Array(total);
  const at = new Float64Array(total);
  const start = yearStart(year);
  const inYearSpan = Math.min(yearStart(year + 1), now) - start;
  const earlier = () => yearStart(year - 1 - Math.floor(random() * 2)) + random() * 365 * 86_400_000;
  const categoryIndex = (c: string) => CATEGORIES.findIndex(([k]) => k === c);
  let k = 0;
  people.forEach((p, i) => {
    // A behind person's few hours of the year are quarter-学时 quizzes, kept under the cap.
    const behindInYear = behind[i] ? Math.min(counts[i], Math.floor(random() * (Math.max(0, Math.floor((BEHIND_CAP - p.earnedInYear) / 25)) + 1))) : 0;
    for (let j = 0; j < counts[i]; j++, k++) {
      person[k] = p.id;
      if (behind[i]) {
        const thisYear = j < behindInYear;
        amount[k] = thisYear ? 25 : weighted(AMOUNTS, random());
        category[k] = thisYear ? categoryIndex("quiz") : categoryIndex(weighted(CATEGORIES, random()));
        at[k] = thisYear ? start + random() * inYearSpan : earlier();
      } else {
        amount[k] = weighted(AMOUNTS, random());
        category[k] = categoryIndex(weighted(CATEGORIES, random()));
        at[k] = random() < IN_YEAR_SHARE ? start + random() * inYearSpan : earlier();
      }
    }
  });

  const order = new Uint32Array(total).map((_, i) => i).sort((a, b) => at[a] - at[b]);
  const insert = f.db.prepare(
    `INSERT INTO HoursEntry (personId, year, month, amount, category, sourceKind, sourceId, approvedById, note, earnedAt, createdAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
  );
  const seq = new Map<number, number>(); // per person: (personId, sourceKind, sourceId) is unique
  let inYear = 0;
  f.transaction(() => {
    for (const i of order) {
      const earnedAt = new Date(at[i]);
      const y = ledgerYear(earnedAt);
      if (y === year) inYear++;
      const n = (seq.get(person[i]) ?? 0) + 1;
      seq.set(person[i], n);
      const when = ts(earnedAt);
      insert.run(person[i], y, ledgerMonth(earnedAt), amount[i], CATEGORIES[category[i]][0], SOURCE_KIND, `hr-${n}`, when, when);
    }
  });
  return { added: total, inYear, earners: people.length, behind: behind.filter(Boolean).length };
}

const ACTIVITY_KINDS: [string, string][] = [
  ["branch_meeting", "支部党员大会"],
  ["party_lecture", "党课"],
  ["theme_day", "主题党日"],
  ["group_meeting", "党小组会"],
];

/** Two confirmed activities a month in every branch, from January to this month, for the trend chart. */
function insertActivities(f: Factory, random: () => number, year: number, now: number): number {
  const branches = f.db.prepare("SELECT id FROM OrgUnit WHERE kind = 'branch' AND archivedAt IS NULL ORDER BY id").all() as { id: number }[];
  const { id: secretary } = f.db.prepare("SELECT id FROM Person WHERE number = 'secretary'").get() as { id: number };
  const insert = f.db.prepare(
    `INSERT INTO Activity (unitId, kind, title, startsAt, endsAt, checkinOpensAt, checkinClosesAt, hours, codeSecret, status,
       createdById, confirmedById, confirmedAt, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, 200, ?, 'confirmed', ?, ?, ?, ?, ?)`,
  );
  let n = 0;
  f.transaction(() => {
    for (const b of branches) {
      for (let month = 0; month < 12; month++) {
        for (let j = 0; j < 2; j++) {
          // 15:00 in China on a day 1–28 of the month.
          const starts = Date.UTC(year, month, 1 + Math.floor(random() * 28), 7);
          const ends = starts + 2 * 3600_000;
          if (ends > now) continue;
          const [kind, title] = ACTIVITY_KINDS[(month * 2 + j) % ACTIVITY_KINDS.length];
          const confirmed = ts(new Date(ends + 3600_000));
          insert.run(
            b.id,
            kind,
            `${month + 1}月${title}`,
            ts(new Date(starts)),
            ts(new Date(ends)),
            ts(new Date(starts - 900_000)),
            ts(new Date(ends)),
            crypto.randomBytes(16).toString("hex"),
            secretary,
            secretary,
            confirmed,
            ts(new Date(starts - 7 * 86_400_000)),
            confirmed,
          );
          n++;
        }
      }
    }
  });
  return n;
}

function setup(dbFile: string, year: number): void {
  const started = performance.now();
  const now = Date.now();
  const random = createRandom(20_261_123);
  const f = openFactory(dbFile);
  try {
    const added = f.transaction(() => topUpPeople(f, random, year));
    const ledger = insertLedger(f, random, year, now);
    const activities = insertActivities(f, random, year, now);
    const { people } = f.db.prepare("SELECT COUNT(*) AS people FROM Person WHERE disabledAt IS NULL").get() as { people: number };
    const { entries } = f.db.prepare("SELECT COUNT(*) AS entries FROM HoursEntry").get() as { entries: number };
    if (entries !== ENTRIES) throw new Error(`${name}: the ledger holds ${entries} entries, not ${ENTRIES}`);
    f.db.pragma("wal_checkpoint(PASSIVE)");
    const size = ["", "-wal"].reduce((s, x) => s + (fs.existsSync(dbFile + x) ? fs.statSync(dbFile + x).size : 0), 0);
    console.info(
      `${name}: ${fmt(people)} active people (${added} added), ${fmt(entries)} ledger entries (${fmt(ledger.added)} added over ${fmt(ledger.earners)} people, ` +
        `${fmt(ledger.behind)} of them kept behind; ${((ledger.inYear / Math.max(1, ledger.added)) * 100).toFixed(1)} % of them in ${year}), ${activities} confirmed activities; ` +
        `setup ${((performance.now() - started) / 1000).toFixed(1)} s, database ${(size / 1e6).toFixed(1)} MB (with WAL)`,
    );
  } finally {
    f.close();
  }
}

// ---------- the figures, computed independently ----------

type Figures = { unitId: number; unitName: string; people: number; withRequirement: number; meetsAtLeast: number; meetsAtMost: number; activities: number };

/**
 * What a unit's report must show, from SQL alone: who has a requirement (members and probationary
 * members hold their status all year or since some day of it, cadres have one whatever their status),
 * and bounds on who meets it from the year's sums (MEETS_TOTAL / BEHIND_CAP above). With the ledger
 * this scenario writes, the bounds meet: the check is exact.
 */
function figures(dbFile: string, unitId: number, year: number): Figures {
  const db = new Database(dbFile, { readonly: true });
  try {
    const unit = db.prepare("SELECT name, path FROM OrgUnit WHERE id = ?").get(unitId) as { name: string; path: string };
    const online = ONLINE_KINDS.map((c) => `'${c}'`).join(", ");
    const row = db
      .prepare(
        `WITH scope AS (
           SELECT p.id, (p.politicalStatus IN ('member', 'probationary') OR p.cadreLevel IN ('section', 'division')) AS req
           FROM Person p JOIN OrgUnit u ON u.id = p.unitId WHERE p.disabledAt IS NULL AND u.path LIKE ? || '%'),
         sums AS (
           SELECT h.personId, SUM(h.amount) AS total, SUM(CASE WHEN h.category IN (${online}) THEN h.amount ELSE 0 END) AS online
           FROM HoursEntry h JOIN scope s ON s.id = h.personId WHERE h.year = ? GROUP BY h.personId)
         SELECT COUNT(*) AS people, SUM(s.req) AS withRequirement,
           SUM(s.req AND COALESCE(sums.total, 0) >= ? AND COALESCE(sums.online, 0) >= ?) AS meetsAtLeast,
           SUM(s.req AND COALESCE(sums.total, 0) >= ?) AS meetsAtMost
         FROM scope s LEFT JOIN sums ON sums.personId = s.id`,
      )
      .get(unit.path, year, MEETS_TOTAL, MEETS_ONLINE, BEHIND_CAP + 1) as Omit<Figures, "unitId" | "unitName" | "activities">;
    const { activities } = db
      .prepare(
        `SELECT COUNT(*) AS activities FROM Activity a JOIN OrgUnit u ON u.id = a.unitId
         WHERE a.status = 'confirmed' AND u.path LIKE ? || '%' AND a.startsAt >= ? AND a.startsAt < ?`,
      )
      .get(unit.path, ts(new Date(yearStart(year))), ts(new Date(yearStart(year + 1)))) as { activities: number };
    return { unitId, unitName: unit.name, ...row, activities };
  } finally {
    db.close();
  }
}

// ---------- what the pages show ----------

/** The page's text without React's `<!-- -->` separators between text fragments. */
const plain = (html: string) => html.replace(/<!-- -->/g, "");

type Shown = { people: number; withRequirement: number; meeting: number; behind: number; page: number; pages: number; activities: number };

function shown(html: string, what: string): Shown {
  const text = plain(html);
  const summary = /共 (\d+) 人，其中 (\d+) 人有学时要求，已完成 (\d+) 人/.exec(text);
  const behind = /学时未达标人员（(\d+) 人）/.exec(text);
  if (!summary || !behind) throw new Error(`${what}: not the report page (no summary): ${text.slice(0, 200)}`);
  const paging = /第 (\d+) \/ (\d+) 页/.exec(text);
  // The trend's rows: month, hours, activities (the activities are the last cell).
  const trend = [...text.matchAll(/<tr[^>]*data-testid="trend-row"[^>]*>(.*?)<\/tr>/gs)].map((m) => Number(/<td[^>]*>(\d+)<\/td>\s*$/.exec(m[1])?.[1] ?? NaN));
  return {
    people: Number(summary[1]),
    withRequirement: Number(summary[2]),
    meeting: Number(summary[3]),
    behind: Number(behind[1]),
    page: paging ? Number(paging[1]) : 1,
    pages: paging ? Number(paging[2]) : 1,
    activities: trend.reduce((s, n) => s + n, 0),
  };
}

/** The page agrees with the SQL figures, or the run throws: a fast wrong page is worth nothing. */
function verify(s: Shown, f: Figures, what: string): string {
  const problems: string[] = [];
  if (s.people !== f.people) problems.push(`people ${s.people} ≠ ${f.people}`);
  if (s.withRequirement !== f.withRequirement) problems.push(`with a requirement ${s.withRequirement} ≠ ${f.withRequirement}`);
  if (s.meeting < f.meetsAtLeast || s.meeting > f.meetsAtMost) problems.push(`meeting ${s.meeting} not in [${f.meetsAtLeast}, ${f.meetsAtMost}]`);
  if (s.behind !== s.withRequirement - s.meeting) problems.push(`behind ${s.behind} ≠ ${s.withRequirement} − ${s.meeting}`);
  if (s.activities !== f.activities) problems.push(`activities ${s.activities} ≠ ${f.activities}`);
  if (problems.length) throw new Error(`${name}: ${what} shows wrong figures: ${problems.join("; ")}`);
  const exact = f.meetsAtLeast === f.meetsAtMost ? "exact" : `meeting within ${f.meetsAtMost - f.meetsAtLeast}`;
  return `${f.unitName}: ${fmt(s.people)} people, ${fmt(s.withRequirement)} with a requirement, ${fmt(s.meeting)} meeting, ${fmt(s.behind)} behind (${s.pages} pages), ${fmt(s.activities)} activities — as computed in SQL (${exact})`;
}

/** The export's people sheet has one row per active person in scope, and as many 未完成 as the page's behind. */
async function verifyExport(client: Client, path: string, f: Figures, behind: number): Promise<string> {
  const file = await client.download(path);
  expectStatus({ status: file.status, location: file.headers.get("location") }, 200, `GET ${path}`);
  const rows = await readSheet(file.bytes, "人员学时");
  const people = rows.length - 1;
  const unfinished = rows.filter((r) => r[3] === "未完成").length;
  if (people !== f.people || unfinished !== behind) {
    throw new Error(`${name}: ${path} has ${people} people (expected ${f.people}) and ${unfinished} 未完成 (expected ${behind})`);
  }
  return `${(file.bytes.length / 1e6).toFixed(2)} MB, ${fmt(people)} rows of people (= active people in scope), ${fmt(unfinished)} 未完成 (= behind on the page)`;
}

// ---------- the run ----------

/** fetch's "fetch failed" says nothing by itself: the cause (a reset, a closed socket) goes with it. */
async function withCause<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : "";
    throw new Error(`${e instanceof Error ? e.message : String(e)}${cause}`);
  }
}

/** A report page (its summary parsed) naming one of the units. */
const isPage =
  (...unitNames: string[]) =>
  (r: Reply) => {
    expectStatus(r, 200, "GET /manage/reports");
    if (!r.headers.get("content-type")?.startsWith("text/html")) throw new Error(`not HTML: ${r.headers.get("content-type")}`);
    shown(r.text, "GET /manage/reports");
    if (!unitNames.some((n) => r.text.includes(n))) throw new Error(`the page names none of ${unitNames.join(", ")}`);
  };
const isData = (unitName: string) => (r: Reply) => {
  expectStatus(r, 200, "GET /manage/reports.data");
  if (!r.headers.get("content-type")?.startsWith("text/x-script")) throw new Error(`not single-fetch data: ${r.headers.get("content-type")}`);
  if (!r.text.includes(unitName) || !r.text.includes("rollups")) throw new Error("the data is not the report's");
};

async function download(client: Client, path: string): Promise<void> {
  const file = await withCause(client.download(path));
  expectStatus({ status: file.status, location: file.headers.get("location") }, 200, `GET ${path}`);
  if (!file.headers.get("content-type")?.includes("spreadsheetml") || file.bytes.subarray(0, 2).toString() !== "PK")
    throw new Error(`${path}: not an xlsx file`);
}

// Requests per series, for a scenario of four to five minutes: on the 2-core machines the college's
// dashboard takes about 1 s and the whole school's about 3 s, one at a time.
const COLLEGE_C1 = 30;
const SCHOOL_C1 = 15;
const COLLEGE_C4 = 16;
const SCHOOL_C4 = 8;
const EXPORTS = 5;

export async function run({ url, dbFile }: BenchContext): Promise<Row[]> {
  const year = ledgerYear(new Date());
  setup(dbFile, year);
  const db = new Database(dbFile, { readonly: true });
  const ids = db.prepare("SELECT (SELECT id FROM OrgUnit WHERE name = ?) AS college, (SELECT id FROM OrgUnit WHERE parentId IS NULL) AS root").get(COLLEGE) as {
    college: number;
    root: number;
  };
  // The four biggest colleges, for four different reports at once (the same report asked at once is computed once).
  const colleges = db
    .prepare(
      `SELECT c.id, c.name FROM OrgUnit c JOIN OrgUnit u ON u.path LIKE c.path || '%' JOIN Person p ON p.unitId = u.id
       WHERE c.parentId = ? AND p.disabledAt IS NULL GROUP BY c.id ORDER BY COUNT(*) DESC LIMIT 4`,
    )
    .all(ids.root) as { id: number; name: string }[];
  db.close();
  const college = figures(dbFile, ids.college, year);
  const school = figures(dbFile, ids.root, year);

  const secretary = new Client(url);
  expectStatus(await secretary.login("secretary", DEMO_PASSWORD), 302, "secretary's sign-in");
  const admin = new Client(url);
  expectStatus(await admin.login("admin", DEMO_PASSWORD), 302, "admin's sign-in");

  // The default unit of each: the secretary's college, the admin's whole school; both this year.
  const t0 = performance.now();
  const collegePage = await secretary.get("/manage/reports");
  const oneCollege = performance.now() - t0;
  expectStatus(collegePage, 200, "secretary's /manage/reports");
  const t1 = performance.now();
  const schoolPage = await admin.get("/manage/reports");
  const oneSchool = performance.now() - t1;
  expectStatus(schoolPage, 200, "admin's /manage/reports");
  const collegeShown = shown(collegePage.text, "secretary's /manage/reports");
  const schoolShown = shown(schoolPage.text, "admin's /manage/reports");
  const checks = [verify(collegeShown, college, "the college's dashboard"), verify(schoolShown, school, "the whole school's report")];
  const deep = Math.max(1, schoolShown.pages - 1);
  const deepPath = `/manage/reports?unitId=${ids.root}&year=${year}&page=${deep}`;
  const deepShown = shown((await admin.get(deepPath)).text, deepPath);
  if (deepShown.page !== deep) throw new Error(`${name}: ${deepPath} shows page ${deepShown.page}`);
  const collegeXlsx = `/manage/reports.xlsx?unitId=${ids.college}&year=${year}`;
  const schoolXlsx = `/manage/reports.xlsx?unitId=${ids.root}&year=${year}`;
  const collegeFile = await verifyExport(secretary, collegeXlsx, college, collegeShown.behind);
  const schoolFile = await verifyExport(admin, schoolXlsx, school, schoolShown.behind);
  console.info(`${name}: first requests ${oneCollege.toFixed(0)} ms (college), ${oneSchool.toFixed(0)} ms (whole school)\n  ${checks.join("\n  ")}`);

  const healthz = (r: Reply) => expectStatus(r, 200, "GET /healthz");
  const collegeData = `/manage/reports.data?_routes=${encodeURIComponent(ROUTE)}`;
  const series: (Series & { client: Client })[] = [
    { measure: "GET /healthz (reference)", path: "/healthz", count: 200, concurrency: 1, check: healthz, client: secretary },
    {
      measure: `college dashboard ${COLLEGE} (document)`,
      path: "/manage/reports",
      count: COLLEGE_C1,
      concurrency: 1,
      check: isPage(COLLEGE),
      client: secretary,
      ref: "c1",
    },
    {
      measure: "college dashboard .data (navigation)",
      path: collegeData,
      count: COLLEGE_C1,
      concurrency: 1,
      check: isData(COLLEGE),
      client: secretary,
      ref: "c1",
    },
    {
      measure: "whole school report (document)",
      path: "/manage/reports",
      count: SCHOOL_C1,
      concurrency: 1,
      check: isPage(school.unitName),
      client: admin,
      ref: "c1",
    },
    {
      measure: `whole school, behind page ${deep}/${schoolShown.pages}`,
      path: deepPath,
      count: SCHOOL_C1,
      concurrency: 1,
      check: isPage(school.unitName),
      client: admin,
      ref: "c1",
    },
    { measure: "GET /healthz (reference)", path: "/healthz", count: 200, concurrency: 4, check: healthz, client: secretary },
    {
      measure: "college dashboard (document)",
      path: "/manage/reports",
      count: COLLEGE_C4,
      concurrency: 4,
      check: isPage(COLLEGE),
      client: secretary,
      ref: "c4",
    },
    {
      measure: "whole school report (document)",
      path: "/manage/reports",
      count: SCHOOL_C4,
      concurrency: 4,
      check: isPage(school.unitName),
      client: admin,
      ref: "c4",
    },
    {
      measure: `four colleges' dashboards at once (${colleges.map((c) => c.name.replace(/党委|党总支/, "")).join("、")})`,
      path: (i) => `/manage/reports?unitId=${colleges[Math.abs(i) % colleges.length].id}&year=${year}`,
      count: COLLEGE_C4,
      concurrency: 4,
      check: isPage(...colleges.map((c) => c.name)),
      client: admin,
      ref: "c4",
    },
  ];
  const rows: Row[] = [];
  const refs: Partial<Record<"c1" | "c4", LoadResult>> = {};
  for (const s of series) {
    const stats = await drive(async (i) => s.check(await withCause(s.client.get(typeof s.path === "function" ? s.path(i) : s.path))), {
      count: s.count,
      concurrency: s.concurrency,
      warmup: s.ref ? 2 : 10,
      maxMs: 120_000,
    });
    if (!s.ref) refs[s.concurrency === 1 ? "c1" : "c4"] = stats;
    rows.push({
      scenario: name,
      measure: `${s.measure} (c=${s.concurrency})`,
      stats,
      ref: s.ref && refs[s.ref],
      note: stats.firstError && `first error: ${stats.firstError}`,
    });
  }
  rows[1].note = [rows[1].note, checks[0]].filter(Boolean).join("; ");
  rows[3].note = [rows[3].note, checks[1]].filter(Boolean).join("; ");

  const exports: [string, Client, string, string][] = [
    [`college export ${COLLEGE} .xlsx`, secretary, collegeXlsx, collegeFile],
    ["whole school export .xlsx", admin, schoolXlsx, schoolFile],
  ];
  for (const [measure, client, path, file] of exports) {
    const stats = await drive(() => download(client, path), { count: EXPORTS, concurrency: 1, warmup: 1, maxMs: 180_000 });
    const note = [file, stats.firstError && `first error: ${stats.firstError}`].filter(Boolean).join("; ");
    rows.push({ scenario: name, measure: `${measure} (c=1)`, stats, ref: refs.c1, note });
  }
  return rows;
}
