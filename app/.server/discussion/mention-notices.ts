import { prisma } from "../db";
import { mentionMessage } from "~/lib/notification-messages";
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
    ...mentionMessage({
      id: postId,
      authorName: post.author.name,
      topicId: post.topicId,
      topicTitle: post.topic.title,
      lessonPath: lesson ? `/courses/${lesson.course.slug}/${lesson.key}` : null,
    }),
  });
  await prisma.discussionMention.updateMany({ where: { postId, notifiedAt: null }, data: { notifiedAt: new Date() } });
}
