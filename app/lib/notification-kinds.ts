// What the app notifies about, as data: each kind's Chinese label and the channels it uses when a
// person has not chosen (a NotificationPreference row overrides one kind on one channel). The inbox
// row is always written; channels only decide what leaves the server (decision 054).

export const NOTIFICATION_CHANNELS = ["push", "email"] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export const CHANNEL_LABELS: Record<NotificationChannel, string> = { push: "手机/浏览器推送", email: "电子邮件" };

export const NOTIFICATION_KINDS = {
  mention: { label: "讨论中有人提到我", channels: ["push"] },
  letter_reply: { label: "书记信箱来信得到回复", channels: ["push", "email"] },
  pinned_notice: { label: "上级党组织置顶通知", channels: ["push"] },
  meeting: { label: "组织生活会议提醒", channels: ["push", "email"] },
  deadline: { label: "学习任务截止提醒", channels: ["push"] },
  grading: { label: "作业、测试评阅结果", channels: ["push"] },
} as const satisfies Record<string, { label: string; channels: readonly NotificationChannel[] }>;

export type NotificationKind = keyof typeof NOTIFICATION_KINDS;
export const NOTIFICATION_KIND_KEYS = Object.keys(NOTIFICATION_KINDS) as NotificationKind[];

export function isNotificationKind(k: string): k is NotificationKind {
  return Object.hasOwn(NOTIFICATION_KINDS, k);
}

/** Whether `kind` goes out on `channel` for a person whose own choices are `overrides` ("kind:channel" → on/off). */
export function channelEnabled(kind: NotificationKind, channel: NotificationChannel, overrides: ReadonlyMap<string, boolean>): boolean {
  return overrides.get(`${kind}:${channel}`) ?? (NOTIFICATION_KINDS[kind].channels as readonly NotificationChannel[]).includes(channel);
}

/** Bounds of what a source may put in a notification: a push payload must stay small (about 4 KB encrypted). */
export const NOTIFICATION_TITLE_MAX = 80;
export const NOTIFICATION_BODY_MAX = 300;
