import { AppError } from "~/lib/app-error";
import { type MdxNode } from "~/lib/mdx-tree";
import { scopePaths } from "~/lib/permissions";
import { normaliseListedWord } from "~/lib/sensitive-words";
import { audit } from "../audit";
import { prisma } from "../db";
import { syncSearchEntry } from "../search/site-entries";
import { type Viewer, requireModeratorOf } from "./access";
import { notifyMentions } from "./mention-notices";

// The moderators' side (decision 049): the queue of held and reported posts in their scope, approve,
// hide with a reason, restore, dismiss reports; people whose posts need review; the school's
// sensitive-word list. Every decision is a conditional update on the post's state, so two
// moderators deciding at once (on two processes) cannot both win, and each decision is audited.

/** Where a moderator's queue looks: posts whose topic (or lesson's course) unit or author's unit is in scope. */
function inScope(viewer: Viewer) {
  return scopePaths(viewer.grants, "discussion:moderate").flatMap((path) => [
    { topic: { unit: { path: { startsWith: path } } } },
    { topic: { lesson: { course: { unit: { path: { startsWith: path } } } } } },
    { author: { unit: { path: { startsWith: path } } } },
  ]);
}

/** The posts waiting for a moderator in the viewer's scope: held, or reported and not yet resolved. */
function waitingWhere(scope: ReturnType<typeof inScope>) {
  return { AND: [{ OR: scope }, { OR: [{ state: "held" }, { reports: { some: { resolvedAt: null } } }] }] };
}

/** How many posts `moderationQueue` holds for the viewer, counted by the database and not capped (the home page's duty line). */
export async function moderationCount(viewer: Viewer): Promise<number> {
  const scope = inScope(viewer);
  return scope.length ? prisma.discussionPost.count({ where: waitingWhere(scope) }) : 0;
}

export async function moderationQueue(viewer: Viewer) {
  const scope = inScope(viewer);
  if (!scope.length) return [];
  const posts = await prisma.discussionPost.findMany({
    where: waitingWhere(scope),
    select: {
      id: true,
      topicId: true,
      state: true,
      heldFor: true,
      matchedWords: true,
      hiddenReason: true,
      tree: true,
      createdAt: true,
      editedAt: true,
      author: { select: { name: true, unit: { select: { name: true } } } },
      topic: { select: { title: true } },
      reports: { where: { resolvedAt: null }, select: { reason: true }, orderBy: { id: "asc" } },
      _count: { select: { versions: true } },
    },
    orderBy: { id: "asc" },
    take: 100,
  });
  return posts.map((p) => ({
    id: p.id,
    topicId: p.topicId,
    topic: p.topic.title,
    author: p.author.name,
    authorUnit: p.author.unit.name,
    state: p.state,
    heldFor: p.heldFor,
    words: p.matchedWords ? (JSON.parse(p.matchedWords) as string[]) : [],
    tree: JSON.parse(p.tree) as MdxNode[],
    createdAt: p.createdAt,
    edited: p.editedAt !== null,
    versions: p._count.versions,
    reports: p.reports.map((r) => r.reason),
  }));
}

/** A post with its earlier versions and reports, for a moderator. */
export async function postForModerator(viewer: Viewer, postId: number) {
  await requireModeratorOf(viewer, postId);
  return prisma.discussionPost.findUniqueOrThrow({
    where: { id: postId },
    select: {
      id: true,
      topicId: true,
      body: true,
      state: true,
      heldFor: true,
      hiddenReason: true,
      createdAt: true,
      editedAt: true,
      moderatedAt: true,
      author: { select: { name: true } },
      moderatedBy: { select: { name: true } },
      topic: { select: { title: true } },
      versions: { select: { id: true, body: true, createdAt: true }, orderBy: { id: "desc" } },
      reports: { select: { reason: true, createdAt: true, resolvedAt: true }, orderBy: { id: "asc" } },
    },
  });
}

type Decision = "approve" | "hide" | "restore" | "dismiss";

const FROM: Record<Decision, string[]> = { approve: ["held"], hide: ["published", "held"], restore: ["hidden"], dismiss: ["published"] };
const DONE: Record<Decision, string> = { approve: "已审核通过", hide: "已隐藏", restore: "已恢复", dismiss: "已驳回举报" };

/** A moderator's decision on a post. `reason` is required to hide and shown to the author. */
export async function moderatePost(viewer: Viewer, postId: number, decision: Decision, reason?: string): Promise<string> {
  await requireModeratorOf(viewer, postId);
  // A moderator's own post waits for someone else: approving or restoring it would undo a hold or a hide from above.
  if (await prisma.discussionPost.count({ where: { id: postId, authorId: viewer.id } })) throw new AppError("forbidden", "不能审核自己发表的内容");
  if (decision === "hide" && !reason?.trim()) throw new AppError("invalid", "请填写隐藏的原因，作者会看到它", { field: "reason" });
  const now = new Date();
  const state = decision === "hide" ? "hidden" : "published";
  const ok = await prisma.$transaction(async (tx) => {
    const updated = await tx.discussionPost.updateMany({
      where: { id: postId, state: { in: FROM[decision] }, ...(decision === "dismiss" ? { reports: { some: { resolvedAt: null } } } : {}) },
      data: {
        state,
        moderatedById: viewer.id,
        moderatedAt: now,
        ...(decision === "hide" ? { hiddenReason: reason!.trim() } : decision === "restore" ? { hiddenReason: null } : {}),
        ...(decision === "approve" ? { heldFor: null } : {}),
      },
    });
    if (updated.count === 0) return false;
    await tx.discussionReport.updateMany({ where: { postId, resolvedAt: null }, data: { resolvedAt: now } });
    return true;
  });
  if (!ok) throw new AppError("conflict", "这条内容的状态已经变了，请刷新后再看");
  await syncSearchEntry("post", postId);
  if (decision === "approve") await notifyMentions(postId);
  await audit({
    actorId: viewer.id,
    action: `discussion.${decision}`,
    targetKind: "discussion_post",
    targetId: postId,
    ...(reason?.trim() ? { detail: { reason: reason.trim() } } : {}),
  });
  return DONE[decision];
}

// ---------- people whose posts need review ----------

/** The marked people in the moderator's scope. */
export async function reviewMarks(viewer: Viewer) {
  const paths = scopePaths(viewer.grants, "discussion:moderate");
  if (!paths.length) return [];
  const marks = await prisma.discussionReviewMark.findMany({
    where: { person: { OR: paths.map((path) => ({ unit: { path: { startsWith: path } } })) } },
    select: { personId: true, markedAt: true, person: { select: { name: true, number: true, unit: { select: { name: true } } } } },
    orderBy: { markedAt: "desc" },
    take: 200,
  });
  return marks.map((m) => ({ personId: m.personId, name: m.person.name, number: m.person.number, unit: m.person.unit.name, markedAt: m.markedAt }));
}

/** The person with this number when they are in the moderator's scope; the same refusal when they do not exist. */
export async function personToMark(viewer: Viewer, number: string) {
  const paths = scopePaths(viewer.grants, "discussion:moderate");
  const person = await prisma.person.findFirst({
    where: { number, OR: paths.map((path) => ({ unit: { path: { startsWith: path } } })) },
    select: { id: true },
  });
  if (!person || !paths.length) throw new AppError("not_found", "您管理的组织中没有这个学号/工号的人员", { field: "number" });
  return person.id;
}

export async function setReviewMark(viewer: Viewer, personId: number, marked: boolean) {
  // A mark set from above is not lifted by the person it marks, whatever they moderate.
  if (personId === viewer.id) throw new AppError("forbidden", "不能为本人设置或取消发言审核");
  if (marked) {
    await prisma.discussionReviewMark.upsert({ where: { personId }, create: { personId, markedById: viewer.id }, update: {} });
  } else {
    await prisma.discussionReviewMark.deleteMany({ where: { personId } });
  }
  await audit({ actorId: viewer.id, action: marked ? "discussion.review_mark" : "discussion.review_unmark", targetKind: "person", targetId: personId });
}

// ---------- the school's sensitive-word list ----------

export async function sensitiveWords() {
  return prisma.sensitiveWord.findMany({ select: { id: true, word: true, createdAt: true, addedBy: { select: { name: true } } }, orderBy: { id: "asc" } });
}

export async function addSensitiveWord(actorId: number, raw: string) {
  const checked = normaliseListedWord(raw);
  if (!checked.ok) throw new AppError("invalid", checked.message, { field: "word" });
  const existing = await prisma.sensitiveWord.findUnique({ where: { word: checked.word }, select: { id: true } });
  if (existing) throw new AppError("already_done", `“${checked.word}”已在词表中`, { field: "word" });
  const row = await prisma.sensitiveWord.upsert({
    where: { word: checked.word },
    create: { word: checked.word, addedById: actorId },
    update: {},
    select: { id: true },
  });
  await audit({ actorId, action: "discussion.word_add", targetKind: "sensitive_word", targetId: row.id, detail: { word: checked.word } });
}

export async function removeSensitiveWord(actorId: number, wordId: number) {
  const row = await prisma.sensitiveWord.findUnique({ where: { id: wordId }, select: { word: true } });
  if (!row) throw new AppError("not_found", "词表中没有这个词");
  await prisma.sensitiveWord.deleteMany({ where: { id: wordId } });
  await audit({ actorId, action: "discussion.word_remove", targetKind: "sensitive_word", targetId: wordId, detail: { word: row.word } });
}
