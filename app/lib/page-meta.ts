import { type MetaDescriptor } from "@remix-run/react";

// A page's title and description for its <head> (Remix `meta`). Every page has a description: what
// a search result or a shared link shows under the title, and what Lighthouse checks for. Pages
// people reach from outside say what they hold; the rest say what the site is.

export const SITE_DESCRIPTION = "网上党校：在线学习党的理论与党史课程，参加测试与知识竞赛，记录学时，办理组织生活与党员发展事务。";

export function pageMeta(title: string, description: string = SITE_DESCRIPTION): MetaDescriptor[] {
  return [{ title }, { name: "description", content: description }];
}
