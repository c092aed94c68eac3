import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { Client, type Reply } from "../../tests/support/client";
import { drive, expectStatus } from "../lib/load";
import { type BenchContext, type Row } from "../lib/report";

// A learner's course page and lesson page, whose MDX was compiled by the content sync before the
// server started (scripts/bench.ts): the pages read the compiled tree from the cache and never
// compile. Each page is measured as a document (the HTML of a first visit) and as the single-fetch
// data a client-side navigation asks for. The reference is GET /healthz on the same server at the
// same concurrency.

export const name = "course-page";

const REQUESTS = 400;
const CONCURRENCY = 8;
const LEARNER = "activist"; // the course's audience is applicants and activists
const COURSE = "jijifenzi-peixun";
// A navigation does not revalidate the root loader (its params do not change), so the router names
// the one route it loads; the route id is the file name under app/routes.
const COURSE_ROUTE = "routes/courses.$slug";
const LESSON_ROUTE = "routes/courses.$slug_.$lesson";

type Page = { bodyHash: string; body: string };

/** The course and its longest lesson (the most MDX to render), with their compiled trees' cache keys. */
function pages(dbFile: string): { course: Page; lesson: Page & { key: string } } {
  const db = new Database(dbFile, { readonly: true });
  try {
    const course = db.prepare("SELECT id, body, bodyHash FROM Course WHERE slug = ? AND status = 'published'").get(COURSE) as
      (Page & { id: number }) | undefined;
    if (!course) throw new Error(`${name}: course ${COURSE} was not synced`);
    const lesson = db
      .prepare("SELECT key, body, bodyHash FROM Lesson WHERE courseId = ? AND archivedAt IS NULL ORDER BY length(body) DESC, position LIMIT 1")
      .get(course.id) as Page & { key: string };
    return { course, lesson };
  } finally {
    db.close();
  }
}

/** Text the compiled tree holds and the fallback does not: the body's first heading, markup removed. */
function headingOf(body: string): string {
  const m = /^#{1,6}\s+(.+)$/m.exec(body);
  if (!m) throw new Error(`${name}: no heading in the MDX body to recognise the page by`);
  return m[1].replace(/[*_`]/g, "").trim();
}

/**
 * Before measuring: the sync wrote both trees into the cache the server reads (the same DATA_DIR),
 * and each of the four requests answers with the compiled content, not the "being prepared" fallback.
 */
async function checkCached(client: Client, series: { path: string; heading: string; hash: string }[]) {
  const dir = path.join(path.resolve(process.env.DATA_DIR ?? "./data"), "cache", "mdx");
  for (const s of series) {
    if (!fs.existsSync(path.join(dir, `${s.hash}.json`))) throw new Error(`${name}: no compiled tree ${s.hash} in ${dir}`);
    const reply = await client.get(s.path);
    expectStatus(reply, 200, `GET ${s.path}`);
    if (!reply.text.includes(s.heading)) throw new Error(`${name}: GET ${s.path} does not show the compiled MDX (no “${s.heading}”)`);
  }
}

export async function run({ url, dbFile }: BenchContext): Promise<Row[]> {
  const { course, lesson } = pages(dbFile);
  const learner = new Client(url);
  expectStatus(await learner.login(LEARNER, DEMO_PASSWORD), 302, `${LEARNER}'s sign-in`);

  const coursePath = `/courses/${COURSE}`;
  const lessonPath = `${coursePath}/${lesson.key}`;
  const data = (p: string, route: string) => `${p}.data?_routes=${encodeURIComponent(route)}`;
  const series: { measure: string; path: string; type: string; heading?: string; hash?: string }[] = [
    { measure: "GET /healthz (reference)", path: "/healthz", type: "application/json" },
    { measure: `course page ${coursePath} (document)`, path: coursePath, type: "text/html", heading: headingOf(course.body), hash: course.bodyHash },
    {
      measure: "course page .data (navigation)",
      path: data(coursePath, COURSE_ROUTE),
      type: "text/x-script",
      heading: headingOf(course.body),
      hash: course.bodyHash,
    },
    { measure: `lesson page …/${lesson.key} (document)`, path: lessonPath, type: "text/html", heading: headingOf(lesson.body), hash: lesson.bodyHash },
    {
      measure: "lesson page .data (navigation)",
      path: data(lessonPath, LESSON_ROUTE),
      type: "text/x-script",
      heading: headingOf(lesson.body),
      hash: lesson.bodyHash,
    },
  ];
  await checkCached(
    learner,
    series.flatMap((s) => (s.heading && s.hash ? [{ path: s.path, heading: s.heading, hash: s.hash }] : [])),
  );

  const expectPage = (reply: Reply, p: string, type: string) => {
    expectStatus(reply, 200, `GET ${p}`);
    const got = reply.headers.get("content-type") ?? "";
    if (!got.startsWith(type)) throw new Error(`GET ${p} → ${got}, not ${type}`);
  };
  const rows: Row[] = [];
  for (const s of series) {
    const stats = await drive(async () => expectPage(await learner.get(s.path), s.path, s.type), {
      count: REQUESTS,
      concurrency: CONCURRENCY,
      warmup: 10,
      maxMs: 120_000,
    });
    const size = s.heading ? `${(await learner.get(s.path)).text.length.toLocaleString("en")} characters` : undefined;
    const note = [size, stats.firstError && `first error: ${stats.firstError}`].filter(Boolean).join("; ");
    rows.push({ scenario: name, measure: `${s.measure} (c=${CONCURRENCY})`, stats, ref: rows[0]?.stats, note: note || undefined });
  }
  return rows;
}
