import { prisma } from "../db";
import { notify } from "../notify/notify";

// A published post tells the people it mentions, once (decision 054): when it is written published,
// or when a moderator approves it. `notifiedAt` marks the mentions told; the dedupe key makes a second
// call harmless anyway.

export async function notifyMentions(postId: number): Promise<void> {
  const post = await prisma.discussionPost.findUnique({
    where: { id: postId },
    select: {
      state: true,
      topicId: true,
      author: { select: { name: true } },
      topic: { select: { title: true, lesson: { select: { key: true, course: { select: { slug: true } } } } } },
      mentions: { where: { notifiedAt: null }, select: { personId: true } },
    },
  });
  if (!post || post.state !== "published" || !post.mentions.length) return;
  const lesson = post.topic.lesson;
  await notify(undefined, {
    personIds: post.mentions.map((m) => m.personId),
    kind: "mention",
    title: `${post.author.name} 在讨论中提到了你`,
    body: `“${post.topic.title}”`,
    url: lesson ? `/courses/${lesson.course.slug}/${lesson.key}/discussion#post-${postId}` : `/discuss/${post.topicId}#post-${postId}`,
    dedupeKey: `mention:post:${postId}`,
  });
  await prisma.discussionMention.updateMany({ where: { postId, notifiedAt: null }, data: { notifiedAt: new Date() } });
}
