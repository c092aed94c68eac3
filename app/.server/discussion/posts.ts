import { AppError } from "~/lib/app-error";
import { type MdxNode, treeText } from "~/lib/mdx-tree";
import { mentionedNumbers, renderPostMarkdown } from "~/lib/post-markdown";
import { wordMatcher } from "~/lib/sensitive-words";
import { audit, auditOn } from "../audit";
import { prisma, sqlDb } from "../db";
import { mayStudyCourse } from "../learning/catalog";
import { syncSearchEntryOn } from "../search/site-entries";
import { type SqlTx, inList, notInList, sql } from "../sql";
import { POST_NOT_FOUND, type TopicAccess, type Viewer, moderates, topicAccess } from "./access";
import { notifyMentions } from "./mention-notices";

// Writing, editing, liking and reporting posts, and reading a thread page by page (decision 049).
// A post by a person marked for review, or one containing a listed sensitive word, is stored as
// written and held: its author sees it with "待审核", nobody else does until a moderator approves it.

/** Posts (and replies) one person may write in a minute: enough for a conversation, not for a flood. */
export const POSTS_PER_MINUTE = 5;
/** Times one post may be edited: each edit keeps the earlier text, so edits are bounded like posts are. */
export const EDITS_PER_POST = 20;
/** Top-level posts per page of a thread; each comes with its replies. */
export const POSTS_PER_PAGE = 20;
/** Replies shown under a post; the rest are counted. */
export const REPLIES_SHOWN = 50;

type Written = { id: number; state: "published" | "held"; heldFor: "review" | "words" | null };

function rendered(body: string): MdxNode[] {
  const r = renderPostMarkdown(body);
  if (!r.ok) throw new AppError("invalid", r.message, { field: "body" });
  return r.tree;
}

// Asked on every post and edit, so each is one prepared statement on the raw connection rather than a
// Prisma query compiled on the event loop (decision 049).
const reviewMarked = (personId: number) => sqlDb().get<{ personId: number }>(sql`SELECT "personId" FROM "DiscussionReviewMark" WHERE "personId" = ${personId}`);
// The school's word list changes rarely (a moderator at the root edits it) and every post is matched
// against all of it, so the folded list is kept here and read again only when the list's version
// changed: its count and highest id (ids are never reused, so every addition or removal changes the
// pair; words are never edited in place). The version is read on every post, so an edit made through
// another process is seen by the next post.
let wordList: { version: string; words: string[]; match: (text: string) => string[] } | null = null;
async function listedWords() {
  const db = sqlDb();
  const v = await db.get<{ n: number; last: number | null }>(sql`SELECT COUNT(*) AS "n", MAX("id") AS "last" FROM "SensitiveWord"`);
  const version = `${v?.n ?? 0}:${v?.last ?? 0}`;
  if (wordList?.version !== version) {
    const words = (await db.all<{ word: string }>(sql`SELECT "word" FROM "SensitiveWord" ORDER BY "id"`)).map((w) => w.word);
    wordList = { version, words, match: wordMatcher(words) };
  }
  return wordList;
}
const postsSince = async (authorId: number, since: Date) =>
  (await sqlDb().get<{ n: number }>(sql`SELECT COUNT(*) AS "n" FROM "DiscussionPost" WHERE "authorId" = ${authorId} AND "createdAt" > ${since}`))?.n ?? 0;

/**
 * What the word list is matched against, each on its own (so no word is made across the two): the
 * source as typed, and the text the page shows, where Markdown has decoded character references.
 */
const matchable = (body: string, tree: MdxNode[]) => [body, treeText(tree)];

async function holdReason(authorId: number, texts: readonly string[]): Promise<{ heldFor: "review" | "words" | null; words: string[] }> {
  const mark = await reviewMarked(authorId);
  const listed = await listedWords();
  const found = new Set(texts.flatMap((text) => listed.match(text)));
  const words = listed.words.filter((w) => found.has(w));
  return { heldFor: mark ? "review" : words.length ? "words" : null, words };
}

/**
 * Writes a post or a reply in a topic the viewer may read. `parentId` names the post replied to (a
 * reply to a reply hangs on the same post); `quotedId` a post in the same topic the viewer can see.
 */
export async function writePost(viewer: Viewer, topicId: number, input: { body: string; parentId?: number; quotedId?: number }): Promise<Written> {
  const access = await topicAccess(viewer, topicId);
  const tree = rendered(input.body);
  let parentId: number | null = null;
  if (input.parentId !== undefined) {
    const parent = await visiblePost(viewer, topicId, input.parentId);
    if (parent.state !== "published") throw new AppError("conflict", "这条内容不能回复");
    parentId = parent.parentId ?? parent.id;
    // A reply to a reply hangs on the first post: one hidden or held takes no reply by this way either.
    if (parent.parentId !== null) {
      const first = await prisma.discussionPost.findUnique({ where: { id: parent.parentId }, select: { state: true } });
      if (first?.state !== "published") throw new AppError("conflict", "这条内容不能回复");
    }
  }
  if (input.quotedId !== undefined) {
    const quoted = await visiblePost(viewer, topicId, input.quotedId);
    if (quoted.state === "hidden") throw new AppError("conflict", "已被隐藏的内容不能引用");
  }
  const since = new Date(Date.now() - 60_000);
  const recent = await postsSince(viewer.id, since);
  if (recent >= POSTS_PER_MINUTE) throw new AppError("throttled", `发言太频繁了：每分钟最多发 ${POSTS_PER_MINUTE} 条，请稍后再试`, { field: "body" });
  const { heldFor, words } = await holdReason(viewer.id, matchable(input.body, tree));
  const readers = await mentionedReaders(viewer, access, input.body);
  // The post, its mentions, its search entry and its audit rows are one transaction of the async data
  // layer: one commit instead of four, no query compiled on the event loop, and nothing of a post
  // stored without the rest (decision 049, amended; decision 074).
  const now = new Date();
  const id = await sqlDb().transaction(async (tx) => {
    const post = (await tx.get<{ id: number }>(
      sql`INSERT INTO "DiscussionPost" ("topicId", "authorId", "parentId", "quotedId", "body", "tree", "state", "heldFor", "matchedWords", "createdAt")
        VALUES (${topicId}, ${viewer.id}, ${parentId}, ${input.quotedId ?? null}, ${input.body}, ${JSON.stringify(tree)}, ${heldFor ? "held" : "published"},
          ${heldFor}, ${words.length ? JSON.stringify(words) : null}, ${now}) RETURNING "id"`,
    ))!;
    await storeMentions(tx, post.id, readers);
    if (!heldFor) await syncSearchEntryOn(tx, "post", post.id, now);
    await auditOn(tx, { actorId: viewer.id, action: "discussion.post", targetKind: "discussion_post", targetId: post.id, detail: { topicId, parentId } }, now);
    if (heldFor)
      await auditOn(tx, { actorId: viewer.id, action: "discussion.hold", targetKind: "discussion_post", targetId: post.id, detail: { heldFor, words } }, now);
    return post.id;
  });
  if (!heldFor && readers.length) await notifyMentions(id);
  return { id, state: heldFor ? "held" : "published", heldFor };
}

/**
 * The people a post's text mentions (`@number`) who may read its topic, the writer left out: in a
 * unit's topic the people of the unit's subtree, under a lesson those who may study its course. A
 * mention shows the name and will notify (issue 19), so nobody else is stored.
 */
async function mentionedReaders(viewer: Viewer, access: TopicAccess, body: string): Promise<number[]> {
  const numbers = mentionedNumbers(body);
  if (!numbers.length) return [];
  const mentioned = await prisma.person.findMany({
    where: {
      number: { in: numbers },
      disabledAt: null,
      id: { not: viewer.id },
      ...(access.topic.unitId ? { unit: { path: { startsWith: access.topicPath } } } : {}),
    },
    select: { id: true },
  });
  const ids = mentioned.map((p) => p.id);
  if (!access.topic.lessonId) return ids;
  const { courseId } = await prisma.lesson.findUniqueOrThrow({ where: { id: access.topic.lessonId }, select: { courseId: true } });
  const may = await Promise.all(ids.map((id) => mayStudyCourse(id, courseId)));
  return ids.filter((_, i) => may[i]);
}

/**
 * Makes a post's stored mentions those of its current text: new ones added (to be notified once),
 * ones the text no longer has removed, and the rest kept with their `notifiedAt`, so an edit never
 * notifies anybody twice. Inside the writer's transaction.
 */
async function storeMentions(tx: SqlTx, postId: number, personIds: readonly number[]) {
  await tx.run(sql`DELETE FROM "DiscussionMention" WHERE "postId" = ${postId} AND "personId" ${notInList(personIds)}`);
  for (const personId of personIds) {
    await tx.run(sql`INSERT INTO "DiscussionMention" ("postId", "personId") VALUES (${postId}, ${personId}) ON CONFLICT ("postId", "personId") DO NOTHING`);
  }
}

/** A post of the topic the viewer may see: published, their own, or one they moderate. */
async function visiblePost(viewer: Viewer, topicId: number, postId: number) {
  const post = Number.isSafeInteger(postId)
    ? await prisma.discussionPost.findFirst({
        where: { id: postId, topicId },
        select: { id: true, parentId: true, state: true, authorId: true, author: { select: { unit: { select: { path: true } } } } },
      })
    : null;
  if (!post) throw new AppError("not_found", POST_NOT_FOUND);
  if (post.state !== "published" && post.authorId !== viewer.id) {
    const access = await topicAccess(viewer, topicId);
    if (!moderates(viewer, access.topicPath, post.author.unit.path)) throw new AppError("not_found", POST_NOT_FOUND);
  }
  return post;
}

/** The topic a post is in, when the viewer may read that topic; not_found otherwise. */
export async function postTopicId(viewer: Viewer, postId: number): Promise<number> {
  return (await postAccess(viewer, postId)).topic.id;
}

async function postAccess(viewer: Viewer, postId: number): Promise<TopicAccess> {
  const post = Number.isSafeInteger(postId) ? await prisma.discussionPost.findUnique({ where: { id: postId }, select: { topicId: true } }) : null;
  if (!post) throw new AppError("not_found", POST_NOT_FOUND);
  return topicAccess(viewer, post.topicId);
}

/**
 * The author edits their post; the earlier text is kept for moderators, and the post's mentions become
 * those of the new text. A hidden post stays as it is.
 */
export async function editPost(viewer: Viewer, postId: number, body: string): Promise<Written> {
  const access = await postAccess(viewer, postId);
  const post = await prisma.discussionPost.findFirst({
    where: { id: postId, topicId: access.topic.id, authorId: viewer.id },
    select: { body: true, state: true, heldFor: true, createdAt: true, editedAt: true },
  });
  if (!post) throw new AppError("forbidden", "只能修改自己发表的内容");
  if (post.state === "hidden") throw new AppError("conflict", "已被隐藏的内容不能修改");
  const tree = rendered(body);
  if (body === post.body) return { id: postId, state: post.state as Written["state"], heldFor: post.heldFor as Written["heldFor"] };
  if ((await prisma.discussionPostVersion.count({ where: { postId } })) >= EDITS_PER_POST) {
    throw new AppError("exhausted", `每条内容最多修改 ${EDITS_PER_POST} 次，请发表新的内容`, { field: "body" });
  }
  const hold = await holdReason(viewer.id, matchable(body, tree));
  // A held post stays held for its first reason; a published one is held again when the new text needs it.
  const heldFor = post.state === "held" ? (post.heldFor as Written["heldFor"]) : hold.heldFor;
  const readers = await mentionedReaders(viewer, access, body);
  // As a new post: the text, the earlier version, the mentions, the search entry (re-indexed with the
  // new words, or out of search while it waits for review again) and the audit rows in one commit.
  const now = new Date();
  const changed = await sqlDb().transaction(async (tx) => {
    // A conditional update: of two edits from the same text (two tabs, two nodes), one changes the row.
    const updated = await tx.run(
      sql`UPDATE "DiscussionPost" SET "body" = ${body}, "tree" = ${JSON.stringify(tree)}, "editedAt" = ${now}, "state" = ${heldFor ? "held" : "published"},
          "heldFor" = ${heldFor}${hold.words.length ? sql`, "matchedWords" = ${JSON.stringify(hold.words)}` : sql``}
        WHERE "id" = ${postId} AND "body" = ${post.body} AND "state" <> 'hidden'`,
    );
    if (updated === 0) return false;
    await tx.run(sql`INSERT INTO "DiscussionPostVersion" ("postId", "body", "createdAt") VALUES (${postId}, ${post.body}, ${post.editedAt ?? post.createdAt})`);
    await storeMentions(tx, postId, readers);
    await syncSearchEntryOn(tx, "post", postId, now);
    await auditOn(tx, { actorId: viewer.id, action: "discussion.edit", targetKind: "discussion_post", targetId: postId }, now);
    if (heldFor && post.state !== "held") {
      await auditOn(
        tx,
        { actorId: viewer.id, action: "discussion.hold", targetKind: "discussion_post", targetId: postId, detail: { heldFor, words: hold.words } },
        now,
      );
    }
    return true;
  });
  if (!changed) throw new AppError("conflict", "这条内容刚被修改或隐藏，请刷新后再试");
  // People the edit newly mentions are told once; those already told keep their mark (storeMentions).
  if (!heldFor && readers.length) await notifyMentions(postId);
  return { id: postId, state: heldFor ? "held" : "published", heldFor };
}

/** Likes a published post, or takes the like back. Counts are shown per post; nobody is ranked by them. */
export async function toggleLike(viewer: Viewer, postId: number): Promise<boolean> {
  const topicId = await postTopicId(viewer, postId);
  const post = await visiblePost(viewer, topicId, postId);
  if (post.state !== "published") throw new AppError("conflict", "这条内容现在不能点赞");
  const key = { postId_personId: { postId, personId: viewer.id } };
  const removed = await prisma.discussionLike.deleteMany({ where: { postId, personId: viewer.id } });
  if (removed.count > 0) return false;
  await prisma.discussionLike.upsert({ where: key, create: { postId, personId: viewer.id }, update: {} });
  return true;
}

/** Reports a post to its moderators, once per person. */
export async function reportPost(viewer: Viewer, postId: number, reason: string) {
  const topicId = await postTopicId(viewer, postId);
  const post = await visiblePost(viewer, topicId, postId);
  if (post.authorId === viewer.id) throw new AppError("invalid", "不能举报自己发表的内容");
  if (post.state !== "published") throw new AppError("conflict", "这条内容已在审核或已被隐藏");
  try {
    await prisma.discussionReport.create({ data: { postId, personId: viewer.id, reason } });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new AppError("already_done", "您已举报过这条内容，管理员会尽快处理");
    throw e;
  }
  await audit({ actorId: viewer.id, action: "discussion.report", targetKind: "discussion_post", targetId: postId, detail: { reason } });
}

// ---------- reading a thread ----------

export type ThreadPost = {
  id: number;
  author: string;
  mine: boolean;
  createdAt: Date;
  editedAt: Date | null;
  state: "published" | "held" | "hidden";
  /** The tree to render; null when the viewer sees the placeholder only. */
  tree: MdxNode[] | null;
  /** The source, for the author's edit box. */
  body: string | null;
  heldFor: string | null;
  hiddenReason: string | null;
  likes: number;
  liked: boolean;
  moderator: boolean;
  quoted: { id: number; author: string; text: string | null } | null;
  mentions: string[];
  replies: ThreadPost[];
  moreReplies: number;
};

/** A post as the thread page reads it: one row with its author, its quoted post and its like counts. */
type PostRow = {
  id: number;
  authorId: number;
  parentId: number | null;
  body: string;
  tree: string;
  state: string;
  heldFor: string | null;
  hiddenReason: string | null;
  createdAt: string | Date;
  editedAt: string | Date | null;
  authorName: string;
  authorPath: string;
  /** A bigint on PostgreSQL. */
  likes: number | bigint;
  liked: number;
  qId: number | null;
  qState: string | null;
  qAuthorId: number | null;
  qBody: string | null;
  qAuthorName: string | null;
  qAuthorPath: string | null;
};

// The page runs on every visit to a thread, so it is four raw statements (sqlDb()): the count, the
// posts of the page, their replies, their mentions. Through Prisma's nested select (every relation of it,
// for the page and again for the replies) the query compiler alone was about a fifth of the server's CPU
// under the discussion bench, more than the rendering (decision 049).
const postColumns = (viewerId: number) => sql`
  p."id", p."authorId", p."parentId", p."body", p."tree", p."state", p."heldFor", p."hiddenReason", p."createdAt", p."editedAt",
  a."name" AS "authorName", au."path" AS "authorPath",
  (SELECT COUNT(*) FROM "DiscussionLike" l WHERE l."postId" = p."id") AS "likes",
  CASE WHEN EXISTS (SELECT 1 FROM "DiscussionLike" l WHERE l."postId" = p."id" AND l."personId" = ${viewerId}) THEN 1 ELSE 0 END AS "liked",
  q."id" AS "qId", q."state" AS "qState", q."authorId" AS "qAuthorId", q."body" AS "qBody", qa."name" AS "qAuthorName", qau."path" AS "qAuthorPath"
  FROM "DiscussionPost" p
  JOIN "Person" a ON a."id" = p."authorId"
  JOIN "OrgUnit" au ON au."id" = a."unitId"
  LEFT JOIN "DiscussionPost" q ON q."id" = p."quotedId"
  LEFT JOIN "Person" qa ON qa."id" = q."authorId"
  LEFT JOIN "OrgUnit" qau ON qau."id" = qa."unitId"`;

/** One page of a thread as the viewer may see it: held posts of others left out, hidden ones as a placeholder. */
export async function threadPage(viewer: Viewer, topicId: number, page: number) {
  const access = await topicAccess(viewer, topicId);
  // A moderator of the topic sees everything; otherwise held posts are the author's own or those the viewer moderates.
  const heldVisible = access.moderator ? sql`1 = 1` : sql`(p."state" <> 'held' OR p."authorId" = ${viewer.id})`;
  const db = sqlDb();
  const total =
    (
      await db.get<{ n: number }>(
        sql`SELECT COUNT(*) AS "n" FROM "DiscussionPost" p WHERE p."topicId" = ${topicId} AND p."parentId" IS NULL AND ${heldVisible}`,
      )
    )?.n ?? 0;
  const pages = Math.max(1, Math.ceil(total / POSTS_PER_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  const top = await db.all<PostRow>(
    sql`SELECT ${postColumns(viewer.id)} WHERE p."topicId" = ${topicId} AND p."parentId" IS NULL AND ${heldVisible}
      ORDER BY p."id" LIMIT ${POSTS_PER_PAGE} OFFSET ${(current - 1) * POSTS_PER_PAGE}`,
  );
  const replies = top.length
    ? await db.all<PostRow>(
        sql`SELECT ${postColumns(viewer.id)} WHERE p."topicId" = ${topicId} AND p."parentId" ${inList(top.map((p) => p.id))} AND ${heldVisible} ORDER BY p."id"`,
      )
    : [];
  const ids = [...top, ...replies].map((p) => p.id);
  const mentions = new Map<number, string[]>();
  const mentionRows = ids.length
    ? await db.all<{ postId: number; name: string }>(
        sql`SELECT m."postId", pe."name" FROM "DiscussionMention" m JOIN "Person" pe ON pe."id" = m."personId"
          WHERE m."postId" ${inList(ids)} ORDER BY m."postId", m."personId"`,
      )
    : [];
  for (const m of mentionRows) {
    const names = mentions.get(m.postId);
    if (names) names.push(m.name);
    else mentions.set(m.postId, [m.name]);
  }
  const show = (p: PostRow): ThreadPost | null => {
    const mine = p.authorId === viewer.id;
    const moderator = moderates(viewer, access.topicPath, p.authorPath);
    if (p.state === "held" && !mine && !moderator) return null;
    const full = p.state === "published" || mine || moderator;
    const quotedVisible = p.qId !== null && (p.qState === "published" || p.qAuthorId === viewer.id || moderates(viewer, access.topicPath, p.qAuthorPath ?? ""));
    return {
      id: p.id,
      author: p.authorName,
      mine,
      createdAt: new Date(p.createdAt),
      editedAt: p.editedAt === null ? null : new Date(p.editedAt),
      state: p.state as ThreadPost["state"],
      tree: full ? (JSON.parse(p.tree) as MdxNode[]) : null,
      body: mine && p.state !== "hidden" ? p.body : null,
      heldFor: mine || moderator ? p.heldFor : null,
      hiddenReason: mine || moderator ? p.hiddenReason : null,
      likes: Number(p.likes),
      liked: Boolean(p.liked),
      moderator,
      quoted: p.qId !== null ? { id: p.qId, author: p.qAuthorName ?? "", text: quotedVisible ? excerpt(p.qBody ?? "") : null } : null,
      mentions: full ? (mentions.get(p.id) ?? []) : [],
      replies: [],
      moreReplies: 0,
    };
  };
  const repliesOf = new Map<number, PostRow[]>();
  for (const r of replies) {
    const under = repliesOf.get(r.parentId!);
    if (under) under.push(r);
    else repliesOf.set(r.parentId!, [r]);
  }
  const posts = top.flatMap((p) => {
    const shown = show(p);
    if (!shown) return [];
    const under = repliesOf.get(p.id) ?? [];
    shown.replies = under.slice(0, REPLIES_SHOWN).flatMap((r) => show(r) ?? []);
    shown.moreReplies = Math.max(0, under.length - REPLIES_SHOWN);
    return [shown];
  });
  return { access, posts, page: current, pages };
}

function excerpt(body: string): string {
  const text = body.replace(/\s+/g, " ").trim();
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

// ---------- a person's own data (decision 033) ----------

const STATE_LABELS: Record<string, string> = { published: "已公开", held: "待审核", hidden: "已隐藏" };

/** What a person wrote and reported in discussions, for their personal-data export. */
export async function discussionOf(personId: number) {
  const [posts, reports] = await Promise.all([
    prisma.discussionPost.findMany({
      where: { authorId: personId },
      select: {
        body: true,
        state: true,
        hiddenReason: true,
        createdAt: true,
        editedAt: true,
        topic: { select: { title: true } },
        _count: { select: { versions: true } },
      },
      orderBy: { id: "asc" },
    }),
    prisma.discussionReport.findMany({ where: { personId }, select: { postId: true, reason: true, createdAt: true }, orderBy: { id: "asc" } }),
  ]);
  return {
    posts: posts.map((p) => ({
      topic: p.topic.title,
      body: p.body,
      state: STATE_LABELS[p.state] ?? p.state,
      hiddenReason: p.hiddenReason,
      createdAt: p.createdAt,
      editedAt: p.editedAt,
      earlierVersions: p._count.versions,
    })),
    reports,
  };
}
