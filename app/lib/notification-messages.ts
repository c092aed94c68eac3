import { type NotificationKind } from "./notification-kinds";

// What each source's notification says, where it leads and its dedupe key (decision 054), in one
// place: the sources (a pinned notice, a letter's reply, a mention, a leave decided) and the demo seed
// write the same words, so a demo inbox reads as the app's own.

export type NotificationMessage = { kind: NotificationKind; title: string; body: string; url: string; dedupeKey: string };

export function pinnedNoticeMessage(notice: { id: number; title: string; unitName: string }): NotificationMessage {
  return { kind: "pinned_notice", title: `${notice.unitName}置顶通知`, body: notice.title, url: "/", dedupeKey: `notice:${notice.id}` };
}

export function letterReplyMessage(letter: { id: number; subject: string }, entryId: number): NotificationMessage {
  return {
    kind: "letter_reply",
    title: "您的来信有了回复",
    body: `“${letter.subject}”已有答复，请查看。`,
    url: `/mailbox/letters/${letter.id}`,
    dedupeKey: `letter:${letter.id}:reply:${entryId}`,
  };
}

export function mentionMessage(post: { id: number; authorName: string; topicId: number; topicTitle: string; lessonPath: string | null }): NotificationMessage {
  return {
    kind: "mention",
    title: `${post.authorName} 在讨论中提到了你`,
    body: `“${post.topicTitle}”`,
    url: post.lessonPath ? `${post.lessonPath}/discussion#post-${post.id}` : `/discuss/${post.topicId}#post-${post.id}`,
    dedupeKey: `mention:post:${post.id}`,
  };
}

/** A 请假 decided: once per decision (asking again after a refusal and being decided again is a new notice). */
export function leaveDecisionMessage(
  leave: { activityId: number; activityTitle: string; approved: boolean; reason: string | null; decidedAt: Date },
  personId: number,
): NotificationMessage {
  return {
    kind: "meeting",
    title: leave.approved ? "请假已批准" : "请假未获批准",
    body: `“${leave.activityTitle}”${leave.reason ? `：${leave.reason}` : ""}`,
    url: `/meetings/${leave.activityId}`,
    dedupeKey: `leave:${leave.activityId}:${personId}:${leave.decidedAt.getTime()}`,
  };
}
