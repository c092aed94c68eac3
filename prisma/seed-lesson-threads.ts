import { renderPostMarkdown } from "../app/lib/post-markdown";
import { all, get, inList, run, sql } from "../app/.server/sql";
import { openRecordWriter } from "../scripts/lib/record-writer";

// The demo's discussion under lessons (decision 049): lessons exist only once `npm start` has synced
// content/courses, after the seed, so this runs after that sync (scripts/start.ts) and writes a few
// threads under lessons of the three shipped courses, each by people who may study the course (members
// under 两学一做, activists under the activists' course, development targets under theirs), with
// replies, a quote, a mention and likes. Once: a lesson whose thread already has posts is left alone,
// so a restart writes nothing and a thread someone has already opened (empty) is filled.

type Id = { id: number };
type DemoPost = { by: number; body: string; replies?: { by: number; body: string; quotes?: boolean }[]; likedBy?: number[] };
type DemoThread = { slug: string; position: number; daysAgo: number; posts: DemoPost[] };

/** Writes the demo's lesson threads; returns how many threads it filled (0 when there was nothing to do). */
export function seedDemoLessonThreads(dbFile: string, now = new Date()): number {
  const f = openRecordWriter(dbFile);
  try {
    const db = f.db;
    const account = (number: string) => get<Id>(db, sql`SELECT "id" FROM "Person" WHERE "number" = ${number}`)?.id;
    const [member, branchsec, activist, target] = ["member", "branchsec", "activist", "target"].map(account);
    if (!member || !branchsec || !activist || !target) return 0;
    const branch = get<Id>(db, sql`SELECT "unitId" AS "id" FROM "Person" WHERE "id" = ${member}`)!.id;
    const others = (statuses: string[], besides: number, where: "branch" | "school") =>
      all<Id>(
        db,
        sql`SELECT "id" FROM "Person" WHERE "politicalStatus" ${inList(statuses)}
          AND "disabledAt" IS NULL AND "id" <> ${besides} ${where === "branch" ? sql`AND "unitId" = ${branch}` : sql``} ORDER BY "id" LIMIT 3`,
      ).map((p) => p.id);
    const [m1, m2, m3] = others(["member", "probationary"], member, "branch");
    const [a1, a2] = others(["activist", "applicant"], activist, "school");
    const [t1, t2] = others(["target"], target, "school");
    if (!m3 || !a2 || !t2) return 0;
    const memberNumber = get<{ number: string }>(db, sql`SELECT "number" FROM "Person" WHERE "id" = ${m2}`)!.number;

    const threads: DemoThread[] = [
      {
        slug: "liangxue-yizuo",
        position: 2,
        daysAgo: 24,
        posts: [
          {
            by: member,
            body: "分享一个通读党章的小方法：每天读一章，读完在笔记本上写下**一句话体会**。坚持了一个月，对党章的理解深了不少。",
            likedBy: [m1, m2, branchsec],
            replies: [
              { by: m1, body: "这个方法好，我打算和宿舍的同学一起试试，互相监督。" },
              { by: branchsec, body: "支部下周的主题党日就安排“对照党章找差距”，欢迎大家把读书笔记带来交流。", quotes: true },
            ],
          },
          {
            by: m2,
            body: "以前只把党章当成入党时要背的材料，学了这一课才明白它是*立党治党管党的总章程*，更应该经常对照。",
            likedBy: [member],
            replies: [{ by: m3, body: "同感。党员义务那八条，每一条都可以对照自己的学习和工作。" }],
          },
        ],
      },
      {
        slug: "liangxue-yizuo",
        position: 5,
        daysAgo: 12,
        posts: [
          {
            by: m3,
            body: "“四讲四有”里我最有感触的是**讲道德、有品行**：做人做事先立德。",
            likedBy: [m1],
            replies: [
              { by: m1, body: `补充一点：讲奉献、有作为，落到学生党员身上就是学业上当表率、活动中冲在前。@${memberNumber} 你们班是怎么做的？`, quotes: true },
              { by: m2, body: "我们班党员每人结对帮扶一名学业有困难的同学，期末一起复习。" },
            ],
          },
        ],
      },
      {
        slug: "jijifenzi-peixun",
        position: 5,
        daysAgo: 18,
        posts: [
          {
            by: activist,
            body: "请问递交入党申请书之后，一般多久会有党组织派人谈话？",
            replies: [
              { by: a1, body: "课里讲了：党组织应当在一个月内派人同入党申请人谈话。我递交后第三周就谈过了。", quotes: true },
              { by: a2, body: "谈话前可以把自己对党的认识理一理，谈话时实事求是地讲就好。" },
            ],
            likedBy: [a1],
          },
        ],
      },
      {
        slug: "fazhan-duixiang",
        position: 8,
        daysAgo: 9,
        posts: [
          {
            by: target,
            body: "填写入党志愿书时，“本人经历”要从什么时候写起？",
            replies: [
              { by: t1, body: "从上小学时写起，起止时间要前后衔接、不能断档，每段都要写证明人。", quotes: true },
              { by: t2, body: "另外字迹要工整，不要涂改；拿不准的地方先问支部，别自己猜。" },
            ],
            likedBy: [t1, t2],
          },
        ],
      },
    ];

    let filled = 0;
    f.transaction(() => {
      for (const t of threads) {
        const lesson = get<{ id: number; title: string }>(
          db,
          sql`SELECT l."id", l."title" FROM "Lesson" l JOIN "Course" c ON c."id" = l."courseId"
            WHERE c."slug" = ${t.slug} AND c."status" = 'published' AND l."position" = ${t.position} AND l."archivedAt" IS NULL`,
        );
        if (!lesson) continue;
        const start = new Date(now.getTime() - t.daysAgo * 86_400_000);
        // The thread is the one a first visit would make (lessonId is unique); a visit may have made it already.
        run(
          db,
          sql`INSERT INTO "DiscussionTopic" ("lessonId", "title", "createdAt") VALUES (${lesson.id}, ${lesson.title}, ${start}) ON CONFLICT ("lessonId") DO NOTHING`,
        );
        const topicId = get<Id>(db, sql`SELECT "id" FROM "DiscussionTopic" WHERE "lessonId" = ${lesson.id}`)!.id;
        if (get<Id>(db, sql`SELECT "id" FROM "DiscussionPost" WHERE "topicId" = ${topicId} LIMIT 1`)) continue;
        let minutes = 0;
        const at = () => new Date(start.getTime() + (minutes += 97) * 60_000);
        const write = (by: number, body: string, parentId: number | null, quotedId: number | null): number => {
          const rendered = renderPostMarkdown(body);
          if (!rendered.ok) throw new Error(`demo post refused: ${rendered.message}`);
          return get<Id>(
            db,
            sql`INSERT INTO "DiscussionPost" ("topicId", "authorId", "parentId", "quotedId", "body", "tree", "state", "createdAt")
              VALUES (${topicId}, ${by}, ${parentId}, ${quotedId}, ${body}, ${JSON.stringify(rendered.tree)}, 'published', ${at()}) RETURNING "id"`,
          )!.id;
        };
        for (const p of t.posts) {
          const id = write(p.by, p.body, null, null);
          for (const r of p.replies ?? []) {
            const reply = write(r.by, r.body, id, r.quotes ? id : null);
            if (r.body.includes(`@${memberNumber}`)) run(db, sql`INSERT INTO "DiscussionMention" ("postId", "personId") VALUES (${reply}, ${m2})`);
          }
          for (const who of p.likedBy ?? []) {
            run(db, sql`INSERT INTO "DiscussionLike" ("postId", "personId", "createdAt") VALUES (${id}, ${who}, ${at()})`);
          }
        }
        filled++;
      }
    });
    return filled;
  } finally {
    f.close();
  }
}
