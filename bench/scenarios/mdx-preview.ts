import Database from "better-sqlite3";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { WORST_PREVIEW } from "../../tests/fixtures/pathological-mdx";
import { Client } from "../../tests/support/client";
import { drive, expectStatus } from "../lib/load";
import { type BenchContext, type Row } from "../lib/report";

// Does one lesson preview stall the server? The trainer previews the worst body of
// tests/fixtures/pathological-mdx.ts (`- ` 10,000 times, 20 KB), which keeps an MDX parser busy
// past the compiler's time limit (decision 027); meanwhile GET /healthz is requested one
// at a time until the previews are answered. The reference is GET /healthz the same way with nothing
// else running, on the same server, in the same run. The goal is a p99 under 100 ms.

export const name = "mdx-preview";

const PREVIEWS = 2;
const COURSE = "jijifenzi-peixun";

function lessonPath(dbFile: string): string {
  const db = new Database(dbFile, { readonly: true });
  try {
    const lesson = db
      .prepare(
        'SELECT c."id" AS "courseId", l."key" AS "key" FROM "Lesson" l JOIN "Course" c ON c."id" = l."courseId" WHERE c."slug" = ? AND l."archivedAt" IS NULL ORDER BY l."position" LIMIT 1',
      )
      .get(COURSE) as { courseId: number; key: string } | undefined;
    if (!lesson) throw new Error(`${name}: course ${COURSE} was not synced`);
    return `/manage/courses/${lesson.courseId}/lessons/${lesson.key}.data`;
  } finally {
    db.close();
  }
}

export async function run({ url, dbFile }: BenchContext): Promise<Row[]> {
  const trainer = new Client(url);
  expectStatus(await trainer.login("trainer", DEMO_PASSWORD), 302, "trainer's sign-in");
  const preview = lessonPath(dbFile);
  const health = async () => expectStatus(await trainer.get("/healthz"), 200, "GET /healthz");

  // A normal preview first, so the compiler's thread is up before anything is measured.
  const warm = await trainer.post(preview, { intent: "preview", body: "## 预热\n\n正文", checkpoints: "" });
  if (!warm.text.includes("预热")) throw new Error(`${name}: the warm-up preview did not compile`);

  const idle = await drive(health, { count: 300, concurrency: 1, warmup: 20, maxMs: 30_000 });

  let previewsDone = false;
  const outcomes: string[] = [];
  const previews = (async () => {
    for (let i = 0; i < PREVIEWS; i++) {
      const started = performance.now();
      const res = await trainer.post(preview, { intent: "preview", body: WORST_PREVIEW, checkpoints: "" });
      const said = /课件内容[^"\\]*/.exec(res.text)?.[0] ?? (res.text.includes('"tree":[') ? "compiled" : `HTTP ${res.status}`);
      outcomes.push(`${said} after ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  })().finally(() => (previewsDone = true));
  const during = await drive(health, { count: 100_000, concurrency: 1, maxMs: 120_000, stop: () => previewsDone });
  await previews;

  return [
    { scenario: name, measure: "GET /healthz, nothing else running (reference)", stats: idle },
    {
      scenario: name,
      measure: `GET /healthz while ${PREVIEWS} worst previews compile`,
      stats: during,
      ref: idle,
      note: `previews (${Math.round(WORST_PREVIEW.length / 1000)} KB each): ${outcomes.join("; ")}`,
    },
  ];
}
