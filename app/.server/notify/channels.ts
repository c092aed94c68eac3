import { type NotificationChannel } from "~/lib/notification-kinds";
import { createEmailChannel } from "./email-channel";
import { createPushChannel } from "./push-channel";

// A channel takes one outbox row out of the server (decision 054). Adding one (a WeChat 服务号
// template message) is a module with this shape, a name in NOTIFICATION_CHANNELS, and a line below.

/** What a channel sends: the notification as the inbox holds it. */
export type DeliveryMessage = { deliveryId: number; kind: string; title: string; body: string; url: string | null; dedupeKey: string };
export type Recipient = { id: number; name: string; email: string | null };

/** Sent, or nothing to send to (the reason is kept on the row); a thrown error is retried later. */
export type SendOutcome = { outcome: "sent" } | { outcome: "skipped"; reason: string };

export type Channel = {
  name: NotificationChannel;
  /** Whether the server is set up for it (no outbox rows are written for a channel that is not). */
  configured(): boolean;
  /** `signal` fires at the delivery's time limit: a channel stops what it still has in flight (decision 060). */
  send(message: DeliveryMessage, person: Recipient, signal?: AbortSignal): Promise<SendOutcome>;
};

let defaults: Channel[] | undefined;

/** The channels of this process, from its environment. */
export function channels(): Channel[] {
  return (defaults ??= [createPushChannel(), createEmailChannel()]);
}

export function configuredChannelNames(): NotificationChannel[] {
  return channels()
    .filter((c) => c.configured())
    .map((c) => c.name);
}
