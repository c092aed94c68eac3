// What discussion pages tell people about a post's state, shared by the server's replies and the pages.

/** What everyone but the author and the moderators sees in place of a hidden post. */
export const HIDDEN_PLACEHOLDER = "该内容已被隐藏";

/** Why a held post is not yet public, as its author is told. */
export function heldMessage(heldFor: string | null): string | null {
  if (heldFor === "words") return "内容包含需要审核的词语，已提交审核，审核通过后其他人才能看到";
  if (heldFor === "review") return "您的发言需经审核，审核通过后其他人才能看到";
  return null;
}
