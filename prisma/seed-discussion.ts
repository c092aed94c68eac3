import type Database from "better-sqlite3";
import { all, get, run, sql } from "../app/.server/sql";
import { renderPostMarkdown } from "../app/lib/post-markdown";

// The demo's discussion (decision 049): three 大家谈 topics (the committee's, the 计算机学院's and
// its 本科生第一党支部's) with posts and replies from the branch's members over the past months, a
// few likes, the school's sensitive-word list, one person marked for review with a held post, one post
// held by the word list, one hidden with its reason and one reported, so `/manage/discussion` has a
// queue. A few dozen rows: the seed stays fast.

type Id = { id: number };

export function seedDemoDiscussion(db: Database.Database, now: Date): void {
  const account = (number: string) => get<Id>(db, sql`SELECT "id" FROM "Person" WHERE "number" = ${number}`)?.id;
  const [admin, secretary, branchsec, member] = ["admin", "secretary", "branchsec", "member"].map(account);
  if (!admin || !secretary || !branchsec || !member) return;
  const unitOf = (personId: number) => get<Id>(db, sql`SELECT "unitId" AS "id" FROM "Person" WHERE "id" = ${personId}`)!.id;
  const root = get<Id>(db, sql`SELECT "id" FROM "OrgUnit" WHERE "parentId" IS NULL ORDER BY "id" LIMIT 1`)!.id;
  const college = get<Id>(db, sql`SELECT "unitId" AS "id" FROM "RoleGrant" WHERE "personId" = ${secretary} AND "role" = 'secretary'`)!.id;
  const branch = unitOf(branchsec);
  const members = all<Id>(
    db,
    sql`SELECT "id" FROM "Person" WHERE "unitId" = ${branch} AND "politicalStatus" IN ('member', 'probationary') AND "id" <> ${branchsec} ORDER BY "id" LIMIT 6`,
  ).map((p) => p.id);
  if (members.length < 6) return;
  const day = 86_400_000;
  const ago = (days: number, hours = 0) => new Date(now.getTime() - days * day - hours * 3_600_000);

  const topic = (unitId: number, title: string, createdById: number, createdAt: Date) =>
    get<Id>(
      db,
      sql`INSERT INTO "DiscussionTopic" ("unitId", "title", "createdById", "createdAt") VALUES (${unitId}, ${title}, ${createdById}, ${createdAt}) RETURNING "id"`,
    )!.id;
  const post = (p: {
    topicId: number;
    authorId: number;
    body: string;
    at: Date;
    parentId?: number;
    state?: string;
    heldFor?: string;
    words?: string[];
    hiddenReason?: string;
  }) => {
    const rendered = renderPostMarkdown(p.body);
    if (!rendered.ok) throw new Error(`demo post refused: ${rendered.message}`);
    return get<Id>(
      db,
      sql`INSERT INTO "DiscussionPost" ("topicId", "authorId", "parentId", "body", "tree", "state", "heldFor", "matchedWords", "hiddenReason", "moderatedById", "moderatedAt", "createdAt")
        VALUES (${p.topicId}, ${p.authorId}, ${p.parentId ?? null}, ${p.body}, ${JSON.stringify(rendered.tree)}, ${p.state ?? "published"}, ${p.heldFor ?? null},
          ${p.words ? JSON.stringify(p.words) : null}, ${p.hiddenReason ?? null}, ${p.hiddenReason ? branchsec : null}, ${p.hiddenReason ? p.at : null}, ${p.at}) RETURNING "id"`,
    )!.id;
  };
  const like = (postId: number, personId: number, at: Date) =>
    run(db, sql`INSERT INTO "DiscussionLike" ("postId", "personId", "createdAt") VALUES (${postId}, ${personId}, ${at})`);
  const [a, b, c, d, e, f] = members;

  for (const word of ["代考", "刷学时", "赌博"]) {
    run(db, sql`INSERT INTO "SensitiveWord" ("word", "addedById", "createdAt") VALUES (${word}, ${admin}, ${ago(200)})`);
  }

  const school = topic(root, "学习贯彻党的二十届三中全会精神大家谈", admin, ago(150));
  const s1 = post({
    topicId: school,
    authorId: member,
    at: ago(149),
    body: "结合岗位谈体会：\n\n1. 把**学习成果**转化为做好本职工作的实际行动；\n2. 多读原文、悟原理。\n\n> 学而不思则罔，思而不学则殆。",
  });
  post({ topicId: school, authorId: a, parentId: s1, at: ago(148), body: "赞同！我们支部准备结合主题党日开展一次专题研讨。" });
  post({ topicId: school, authorId: secretary, parentId: s1, at: ago(147), body: "说得好。推荐阅读学习强国上的专题解读：[学习专题](https://www.xuexi.cn/)" });
  like(s1, a, ago(148));
  like(s1, b, ago(146));
  post({ topicId: school, authorId: b, at: ago(90), body: "学生党员要在学业上当表率，期末复习期间我们宿舍组织了*互助学习小组*。" });

  const cs = topic(college, "如何在科研和学习中发挥党员先锋模范作用", secretary, ago(120));
  const c1 = post({ topicId: cs, authorId: c, at: ago(119), body: "实验室里党员主动承担值日和安全检查，这是最朴素的先锋作用。" });
  post({ topicId: cs, authorId: d, parentId: c1, at: ago(118), body: "@branchsec 支部能不能把实验室安全纳入党员承诺践诺？" });
  like(c1, d, ago(118));
  post({ topicId: cs, authorId: e, at: ago(60), body: "建议学院组织一次**党员科研骨干**经验分享会。" });
  // Held by the word list: stored as written, waiting for a moderator.
  post({ topicId: cs, authorId: f, at: ago(2), body: "听说有人在群里帮别人刷学时，这种风气要坚决抵制。", state: "held", heldFor: "words", words: ["刷学时"] });

  const br = topic(branch, "本科生第一党支部：主题党日心得交流", branchsec, ago(40));
  const b1 = post({ topicId: br, authorId: branchsec, at: ago(39), body: "上周主题党日参观了校史馆，请大家在这里交流心得，**每人至少一条**。" });
  for (const [i, who] of [a, b, c, d].entries()) {
    post({
      topicId: br,
      authorId: who,
      parentId: b1,
      at: ago(38 - i),
      body: ["校史馆里老一辈的故事很感人。", "要把爱校荣校落实到行动上。", "希望以后多组织这样的活动。", "深受教育，会写进思想汇报。"][i],
    });
  }
  like(b1, a, ago(38));
  like(b1, c, ago(37));
  post({ topicId: br, authorId: e, at: ago(20), body: "这条与主题无关的广告内容已经被隐藏。", state: "hidden", hiddenReason: "与主题无关的广告" });
  const reported = post({ topicId: br, authorId: d, at: ago(3), body: "活动通知发得太晚了，下次能不能提前一周？" });
  run(db, sql`INSERT INTO "DiscussionReport" ("postId", "personId", "reason", "createdAt") VALUES (${reported}, ${c}, ${"语气不太友好"}, ${ago(2)})`);
  // A member the branch secretary marked for review: their latest post waits for approval.
  run(db, sql`INSERT INTO "DiscussionReviewMark" ("personId", "markedById", "markedAt") VALUES (${f}, ${branchsec}, ${ago(30)})`);
  post({ topicId: br, authorId: f, at: ago(1), body: "我也想分享一下参观的感受：要珍惜今天的学习条件。", state: "held", heldFor: "review" });
  const mentioned = get<Id>(db, sql`SELECT "id" FROM "DiscussionPost" WHERE "body" LIKE ${"@branchsec%"}`);
  if (mentioned) run(db, sql`INSERT INTO "DiscussionMention" ("postId", "personId") VALUES (${mentioned.id}, ${branchsec})`);
}
