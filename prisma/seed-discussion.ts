import type Database from "better-sqlite3";
import { type SqlValue, all, get, run, sql } from "../app/.server/sql";
import { rng } from "./seed";
import { insertRows } from "./seed-rows";
import { renderPostMarkdown } from "../app/lib/post-markdown";

// The demo's discussion (decision 049): three 大家谈 topics (the committee's, the 计算机学院's and
// its 本科生第一党支部's) with posts and replies from the branch's members over the past months, a
// few likes, the school's sensitive-word list, one person marked for review with a held post, one post
// held by the word list, one hidden with its reason and one reported, so `/manage/discussion` has a
// queue; then a year of topics and posts (seedDiscussionYear), written by batch so the seed stays fast.

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
  seedDiscussionYear(db, now, { admin, secretary, branchsec, college, branch, root });
}

/**
 * A year of 大家谈 (issue 18): topics of the committee, four colleges and six branches, each with
 * posts and replies from its members spread over the months after it opened, likes, some edits (their
 * earlier text kept), a few hidden with reasons, held by the word list or for review, and reports,
 * most of them resolved. Ids are given here so every row goes in by batch; every tree is made by
 * `renderPostMarkdown` from the post's source, once per distinct text.
 */
function seedDiscussionYear(
  db: Database.Database,
  now: Date,
  who: { admin: number; secretary: number; branchsec: number; college: number; branch: number; root: number },
): void {
  const rand = rng(20_261_206);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const day = 86_400_000;
  const trees = new Map<string, string>();
  const treeOf = (body: string) => {
    let t = trees.get(body);
    if (t === undefined) {
      const rendered = renderPostMarkdown(body);
      if (!rendered.ok) throw new Error(`demo post refused: ${rendered.message}`);
      t = JSON.stringify(rendered.tree);
      trees.set(body, t);
    }
    return t;
  };
  type Unit = { id: number; path: string; kind: string };
  const unit = (id: number) => get<Unit>(db, sql`SELECT "id", "path", "kind" FROM "OrgUnit" WHERE "id" = ${id}`)!;
  const colleges = all<Unit>(
    db,
    sql`SELECT "id", "path", "kind" FROM "OrgUnit" WHERE "kind" = 'college' AND "id" <> ${who.college} ORDER BY "sortOrder", "id" LIMIT 3`,
  );
  const branchesOf = (collegeId: number, n: number) =>
    all<Unit>(db, sql`SELECT "id", "path", "kind" FROM "OrgUnit" WHERE "parentId" = ${collegeId} AND "kind" = 'branch' ORDER BY "sortOrder", "id" LIMIT ${n}`);
  const csCollege = unit(who.college);
  const places: { unit: Unit; title: string; moderator: number }[] = [
    { unit: unit(who.root), title: "“两学一做”学习教育大家谈", moderator: who.admin },
    { unit: unit(who.root), title: "我为网上党校建设献一策", moderator: who.admin },
    { unit: csCollege, title: "计算机学院：党员先锋岗经验交流", moderator: who.secretary },
    ...colleges.map((c, i) => ({ unit: c, title: ["学院党建工作交流", "学习强国学习心得分享", "党员教师立德树人大家谈"][i], moderator: who.admin })),
    ...branchesOf(who.college, 4)
      .filter((b) => b.id !== who.branch)
      .map((b) => ({ unit: b, title: "支部组织生活交流", moderator: who.secretary })),
    { unit: unit(who.branch), title: "重温入党誓词 交流入党初心", moderator: who.branchsec },
    ...colleges.map((c) => ({ unit: branchesOf(c.id, 1)[0], title: "支部主题党日心得", moderator: who.admin })),
  ];
  // The year's held posts match the other words: the demo's one post held for 刷学时 stays the one a moderator finds by it.
  const words = all<{ word: string }>(db, sql`SELECT "word" FROM "SensitiveWord" ORDER BY "id"`)
    .map((w) => w.word)
    .filter((w) => w !== "刷学时");
  let nextId = (get<{ id: number | null }>(db, sql`SELECT MAX("id") AS "id" FROM "DiscussionPost"`)?.id ?? 0) + 1;
  let nextTopic = (get<{ id: number | null }>(db, sql`SELECT MAX("id") AS "id" FROM "DiscussionTopic"`)?.id ?? 0) + 1;
  const topics: SqlValue[][] = [];
  const posts: SqlValue[][] = [];
  const versions: SqlValue[][] = [];
  const likes: SqlValue[][] = [];
  const reports: SqlValue[][] = [];
  const hour = 3_600_000;
  for (const place of places) {
    if (!place.unit) continue;
    const members = all<{ id: number }>(
      db,
      sql`SELECT p."id" FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId" WHERE u."path" LIKE ${`${place.unit.path}%`}
          AND p."politicalStatus" IN ('member', 'probationary') ORDER BY p."id"`,
    ).map((p) => p.id);
    if (members.length < 5) continue;
    // The voices of a topic: a few dozen of its members write, more of them like.
    const voices = Array.from({ length: Math.min(members.length, 40) }, () => pick(members));
    const opened = now.getTime() - Math.floor(300 + rand() * 60) * day;
    const topicId = nextTopic++;
    topics.push([topicId, place.unit.id, place.title, place.moderator, new Date(opened)]);
    const threads = place.unit.kind === "branch" ? 18 + Math.floor(rand() * 15) : 35 + Math.floor(rand() * 25);
    for (let t = 0; t < threads; t++) {
      const at = opened + Math.floor(rand() * (now.getTime() - opened - 2 * day));
      const head = writePost(topicId, pick(voices), null, `${pick(OPENINGS)}${pick(POINTS)}`, at);
      const replies = Math.floor(rand() * rand() * 9);
      for (let r = 0, rt = at; r < replies; r++) {
        rt += Math.floor((0.2 + rand() * 30) * hour);
        if (rt >= now.getTime()) break;
        writePost(topicId, pick(voices), head, pick(REPLIES), rt);
      }
    }
    function writePost(topicId: number, authorId: number, parentId: number | null, source: string, at: number): number {
      const id = nextId++;
      const r = rand();
      let body = source;
      let state = "published";
      let heldFor: string | null = null;
      let matched: string | null = null;
      let hiddenReason: string | null = null;
      let moderatedAt: Date | null = null;
      let editedAt: Date | null = null;
      if (r < 0.012) {
        state = "hidden";
        hiddenReason = pick(HIDE_REASONS);
        moderatedAt = new Date(at + 5 * hour);
        body = pick(OFF_TOPIC);
      } else if (r < 0.03 && now.getTime() - at < 40 * day) {
        // Held by the word list, still waiting for a moderator.
        const word = pick(words);
        body = `${source}（有人在群里说可以${word}，大家不要相信。）`;
        state = "held";
        heldFor = "words";
        matched = JSON.stringify([word]);
      } else if (r < 0.05 && at + 3 * hour < now.getTime()) {
        // Edited by its author a little later; the earlier text is kept for moderators.
        editedAt = new Date(at + Math.floor((0.2 + rand() * 2.8) * hour));
        versions.push([id, source, new Date(at)]);
        body = `${source}\n\n（补充：${pick(ADDENDA)}）`;
      }
      posts.push([
        id,
        topicId,
        authorId,
        parentId,
        body,
        treeOf(body),
        state,
        heldFor,
        matched,
        hiddenReason,
        hiddenReason ? place.moderator : null,
        moderatedAt,
        editedAt,
        new Date(at),
      ]);
      if (state === "published") {
        const n = Math.floor(rand() * rand() * 14);
        const likers = new Set<number>();
        for (let k = 0; k < n; k++) likers.add(members[Math.floor(rand() * members.length)]);
        likers.delete(authorId);
        for (const l of likers) likes.push([id, l, new Date(Math.min(at + Math.floor(rand() * 72 * hour), now.getTime()))]);
        if (rand() < 0.006) {
          // Reported; a moderator looked and kept it (resolved), except in the last days.
          const reportedAt = at + 6 * hour;
          const resolved = now.getTime() - reportedAt > 3 * day ? new Date(reportedAt + day) : null;
          reports.push([id, pick(members.filter((m) => m !== authorId)), pick(REPORT_REASONS), new Date(reportedAt), resolved]);
        }
      }
      if (state === "hidden") reports.push([id, pick(members.filter((m) => m !== authorId)), "广告或无关内容", new Date(at + 2 * hour), moderatedAt]);
      return id;
    }
  }
  insertRows(db, "DiscussionTopic", ["id", "unitId", "title", "createdById", "createdAt"], topics);
  insertRows(
    db,
    "DiscussionPost",
    [
      "id",
      "topicId",
      "authorId",
      "parentId",
      "body",
      "tree",
      "state",
      "heldFor",
      "matchedWords",
      "hiddenReason",
      "moderatedById",
      "moderatedAt",
      "editedAt",
      "createdAt",
    ],
    posts,
  );
  insertRows(db, "DiscussionPostVersion", ["postId", "body", "createdAt"], versions);
  insertRows(db, "DiscussionLike", ["postId", "personId", "createdAt"], likes);
  insertRows(db, "DiscussionReport", ["postId", "personId", "reason", "createdAt", "resolvedAt"], reports);
}

const OPENINGS = ["谈谈我的体会：", "结合本职工作说几句。", "这段时间学习下来，", "**学习心得**\n\n", "分享一点想法：", "参加完这次活动，", ""];
const POINTS = [
  "把学习成果转化为做好本职工作的实际行动，比写多少心得都重要。",
  "多读原文、悟原理，不能只看别人的解读。\n\n> 学而不思则罔，思而不学则殆。",
  "学生党员首先要在学业上当表率，期末我们宿舍组织了*互助学习小组*。",
  "建议支部每月固定一个时间开展集中学习，大家提前把材料读完。",
  "实验室里党员主动承担值日和安全检查，这是最朴素的先锋作用。",
  "我觉得做到三点：\n\n1. 按时参加组织生活；\n2. 主动向党组织汇报思想；\n3. 在班级里帮一把有困难的同学。",
  "参观校史馆后很受触动，老一辈师生在艰苦条件下办学的精神值得我们学习。",
  "网上党校的课程可以在手机上学，利用碎片时间很方便，建议再多一些案例课。",
  "志愿服务不在于做了多少小时，而在于有没有真正帮到人。",
  "党员教师要把立德树人落实到每一堂课，课程思政不能生硬地贴标签。",
  "重温入党誓词的时候，想起了自己写入党申请书时的心情，要不忘初心。",
  "推荐大家看看[学习强国](https://www.xuexi.cn/)上的专题解读，讲得很透。",
  "批评和自我批评要真诚，不能变成互相表扬会。",
  "毕业季快到了，希望毕业生党员及时办理组织关系转接，不做“口袋党员”。",
  "结合专业谈一点：**科技自立自强**需要我们每一个人在自己的岗位上钻研。",
  "这次主题党日去社区做义务维修，居民的笑脸是最好的鼓励。",
];
const REPLIES = [
  "赞同！",
  "说得很实在，受教了。",
  "我们支部也在这样做，效果不错。",
  "同感，尤其是第二点。",
  "建议把这个做法推广到全院。",
  "谢谢分享，我也去读一读原文。",
  "补充一点：*学习*要和实践结合起来。",
  "这个想法好，下次组织生活可以试试。",
  "点赞，期待更多这样的交流。",
  "有道理，不过时间安排上还要再考虑一下同学们的课表。",
  "> 不忘初心\n\n共勉！",
  "支持，我报名参加。",
];
const ADDENDA = ["活动照片已发到支部群。", "刚才有个错别字，已改正。", "忘了说时间，是每周四晚上。", "材料链接在支部通知里。"];
const OFF_TOPIC = ["低价代办各类证书，有意者私聊。", "出二手教材，价格优惠，加我微信。", "转发抽奖送手机，快来参加！"];
const HIDE_REASONS = ["与主题无关的广告", "广告信息，已隐藏", "与话题无关"];
const REPORT_REASONS = ["语气不太友好", "内容与主题无关", "疑似广告"];
