import { type ShouldRevalidateFunction } from "@remix-run/react";

// Posts after which no loader on the page runs again: a quiz answer saved as it is given (`intent=save`,
// when it succeeded) and a studio preview (`intent=preview`, which only compiles) change nothing a
// loader shows; an action that answers with the page's data itself (PAGE_IN_REPLY) has brought it.
// Without this, each of them would cost a second request that reloads the whole page's data.

export const AUTOSAVE_INTENT = "save";
/** A quiz question's 标记 set or cleared as it is ticked (it changes nothing a loader shows either). */
export const MARK_INTENT = "mark";

/**
 * An autosave that never reached the server (offline, or the network failed mid-request): the page
 * says so beside the answer, and nothing is reloaded (a reload would fail the same way and put an
 * error page in place of the answers). No answer is ever held back to be sent later (decision 055).
 */
export const UNSENT_SAVE = { code: "unsent", error: "网络已断开，这个答案没有保存。请恢复网络后重新作答此题。" } as const;
export const PREVIEW_INTENT = "preview";

/**
 * A form the script sends asks with this field for the page's new data in the action's reply (the
 * contest's 开始答题: the paper), so that no loader runs again after it: one request where a redirect and
 * the page's reload took two, for each of a contest morning's thousands. Without the script the field is
 * not there, and the action redirects as before (a reload then does not post the form again).
 */
export const PAGE_IN_REPLY = { name: "reply", value: "page" } as const;

/** What JSON holds as it is: a page's data that comes back from `JSON.parse` the same. */
type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/**
 * A page's data as one JSON text (decision 104). Single fetch's encoder (turbo-stream) walks every value
 * of what an action returns, and 开始's paper is about 300 of them: as one string it encodes one, and the
 * phone parses it with `JSON.parse`, which is faster than turbo-stream's decoder too. The type remembers
 * the page's shape for `pageInReply`.
 */
export type PageText<Page> = string & { readonly page?: Page };

/** The reply of an action asked for PAGE_IN_REPLY: `{ page: pageText(data) }`. */
export function pageText<Page extends Json>(page: Page): PageText<Page> {
  return JSON.stringify(page) as PageText<Page>;
}

/** Each reply's page, parsed once (a page reads it on every render). */
const parsed = new WeakMap<object, unknown>();

/** The page's data a reply of an action asked for PAGE_IN_REPLY brought (`pageText`), or undefined. */
export function pageInReply<Page>(reply: unknown): Page | undefined {
  if (typeof reply !== "object" || reply === null || !("page" in reply) || typeof reply.page !== "string") return undefined;
  if (!parsed.has(reply)) parsed.set(reply, JSON.parse(reply.page));
  return parsed.get(reply) as Page;
}

export function changesNoLoaderData({ formData, actionResult }: Parameters<ShouldRevalidateFunction>[0]): boolean {
  const intent = formData?.get("intent");
  if (intent === PREVIEW_INTENT) return true;
  if (formData?.get(PAGE_IN_REPLY.name) === PAGE_IN_REPLY.value && pageInReply(actionResult) !== undefined) return true;
  const result = actionResult as { ok?: unknown; code?: unknown } | undefined;
  return (intent === AUTOSAVE_INTENT || intent === MARK_INTENT) && (result?.ok === true || result?.code === UNSENT_SAVE.code);
}
