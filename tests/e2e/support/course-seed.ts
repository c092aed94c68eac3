import crypto from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import { openCourseFactory } from "../../course-factories";
import { type Checkpoint } from "~/lib/course-format";
import { type MdxNode } from "~/lib/mdx-tree";
import { storedTimestamp } from "~/lib/timestamp";
import { type PoliticalStatus } from "~/lib/vocabulary";
import { E2E_DB } from "./paths";
import { uniqueSuffix } from "./quiz-seed";

// Per-test courses for the end-to-end study specs, written into the shared e2e database while the
// server runs (the repository's courses are synced only by scripts/start.ts, never into the e2e
// database). Every call makes its own course under a unique slug and title.
//
// Two things differ from what content sync would write, both because of where the e2e server runs
// (a snapshot of build/ in tests/.tmp/e2e-app, which is also its working directory):
// - a "content" media file's path is relative to the project root, which the server is told
//   (CONTENT_ROOT in E2E_CONTENT_ENV): its working directory is the build snapshot;
// - a lesson's compiled body is written straight into that server's MDX cache
//   (its MdxCache table, decision 082), under a key made up here: the lesson page reads the cache by
//   the stored `bodyHash` and never compiles, so the test states the tree it wants to see.

export const MEDIA = {
  /** 2.0 s, 64×64 H.264, no sound. */
  tiny: { file: "tests/fixtures/media/tiny.mp4", mime: "video/mp4", durationSec: 2 },
  /** 40.0 s, H.264 with AAC sound: a real content video. */
  weidangke: { file: "content/courses/liangxue-yizuo/media/weidangke.mp4", mime: "video/mp4", durationSec: 40 },
} as const;

export type SeedLesson = {
  key: string;
  title: string;
  /** Hundredths of a 学时. */
  credit: number;
  minutes: number;
  video?: (typeof MEDIA)[keyof typeof MEDIA];
  checkpoints?: Checkpoint[];
  /** The compiled body as the lesson page renders it. */
  tree: MdxNode[];
};

export type SeedCourse = {
  titlePrefix: string;
  /** Political statuses the course is for; null: everybody. */
  audienceStatuses?: PoliticalStatus[] | null;
  completionPermille?: number;
  lessons: SeedLesson[];
  /** A cover image (a file under the project root), stored as the course's media/cover.<ext>. */
  cover?: { file: string; mime: string };
  /** Required of the people of these units (by a learner's sign-in name: "that learner's unit"). */
  assignments?: { unitOf: string; politicalStatus?: PoliticalStatus | null; dueAt?: Date | null }[];
};

export type SeededCourse = {
  courseId: number;
  slug: string;
  title: string;
  lessons: Record<string, { id: number; url: string; title: string }>;
};

function withWritableDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(E2E_DB, { timeout: 5000, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

function writeCachedTree(key: string, tree: MdxNode[]) {
  withWritableDb((db) =>
    db.prepare(`INSERT INTO "MdxCache" ("hash", "tree", "createdAt") VALUES (?, ?, ?)`).run(key, JSON.stringify(tree), storedTimestamp(new Date())),
  );
}

/** A published course made by the unit at the root (where the trainers' grant sits), with its lessons and media. */
export function seedCourse(input: SeedCourse): SeededCourse {
  const slug = `e2e-${uniqueSuffix()}`;
  const title = `${input.titlePrefix}-${slug}`;
  const bodies: { key: string; tree: MdxNode[] }[] = [];
  const seeded = withWritableDb((db) => {
    const root = db.prepare("SELECT id FROM OrgUnit WHERE parentId IS NULL ORDER BY id LIMIT 1").get() as { id: number };
    const cf = openCourseFactory(db);
    return db
      .transaction(() => {
        const courseId = cf.course({
          slug,
          unitId: root.id,
          title,
          status: "published",
          audienceStatuses: input.audienceStatuses ?? null,
          completionPermille: input.completionPermille ?? 950,
        });
        if (input.cover) {
          const coverPath = `media/cover${path.extname(input.cover.file)}`;
          cf.media({ courseId, path: coverPath, file: input.cover.file, mime: input.cover.mime });
          db.prepare("UPDATE Course SET coverPath = ? WHERE id = ?").run(coverPath, courseId);
        }
        const lessons: SeededCourse["lessons"] = {};
        input.lessons.forEach((l, i) => {
          const videoPath = l.video ? `media/${l.key}${path.extname(l.video.file)}` : null;
          if (l.video) {
            cf.media({ courseId, path: videoPath!, file: l.video.file, mime: l.video.mime, durationSec: l.video.durationSec });
          }
          const body = `${l.title}（端到端测试课时）`;
          const bodyHash = crypto.createHash("sha256").update(`e2e\0${slug}\0${l.key}\0${body}`).digest("hex");
          bodies.push({ key: bodyHash, tree: l.tree });
          const id = cf.lesson({
            courseId,
            key: l.key,
            position: i + 1,
            title: l.title,
            credit: l.credit,
            minutes: l.minutes,
            videoPath,
            checkpoints: l.checkpoints ?? [],
            body,
            bodyHash,
          });
          lessons[l.key] = { id, url: `/courses/${slug}/${l.key}`, title: l.title };
        });
        for (const a of input.assignments ?? []) {
          const { unitId } = db.prepare("SELECT unitId FROM Person WHERE number = ?").get(a.unitOf) as { unitId: number };
          cf.assignment({ courseId, unitId, politicalStatus: a.politicalStatus ?? null, dueAt: a.dueAt ?? null });
        }
        return { courseId, slug, title, lessons };
      })
      .immediate();
  });
  for (const b of bodies) writeCachedTree(b.key, b.tree);
  return seeded;
}

export type SeededLearner = { number: string; name: string };

/**
 * A learner of this test's own, copied from a demo account (same unit, status and password). A study
 * session is one per person and so is its allowance of seconds (app/lib/watch-credit.ts), so two specs
 * studying as the same demo account at once take each other's study time over, or one spends the
 * allowance the other's heartbeat needed: a two-second video credited 90 % in CI. A test that opens a
 * lesson uses an account no other test does.
 */
export function seedLearnerLike(demoNumber: string, namePrefix: string): SeededLearner {
  const suffix = uniqueSuffix();
  const learner = { number: `e2e-${suffix}`, name: `${namePrefix}${suffix.slice(0, 4)}` };
  withWritableDb((db) =>
    db.transaction(() => {
      // Stored as the server stores a DateTime (tests/course-factories.ts does the same).
      const now = storedTimestamp(new Date());
      const { id } = db
        .prepare(
          `INSERT INTO "Person" ("number", "name", "gender", "category", "unitId", "politicalStatus", "statusSince", "cadreLevel", "createdAt", "updatedAt")
           SELECT ?, ?, "gender", "category", "unitId", "politicalStatus", "statusSince", "cadreLevel", ?, ? FROM "Person" WHERE "number" = ?
           RETURNING "id"`,
        )
        .get(learner.number, learner.name, now, now, demoNumber) as { id: number };
      db.prepare(
        `INSERT INTO "Password" ("personId", "hash", "mustChange", "updatedAt") SELECT ?, "hash", 0, ? FROM "Password" p JOIN "Person" x ON x."id" = p."personId" WHERE x."number" = ?`,
      ).run(id, now, demoNumber);
    })(),
  );
  return learner;
}
