import { Form } from "@remix-run/react";
import { secondaryButtonClass } from "~/components/ui/form";

// The learner's control over their catalogue search history (decision 033), on /account and /courses.

const DONE: Record<string, string> = {
  on: "已开启搜索记录：之后的搜索会用于推荐选修课程。",
  off: "已关闭搜索记录：不再记录搜索，推荐也不再参考已有记录。",
  clear: "已清除全部搜索记录。",
};

/** The sentence for `?searches=` after the form was sent, or null. */
export function searchHistoryNotice(params: URLSearchParams): string | null {
  return DONE[params.get("searches") ?? ""] ?? null;
}

export function SearchHistoryForm({ keep, count, back }: { keep: boolean; count: number; back: "/courses" | "/account" }) {
  return (
    <Form method="post" action="/account/search-history" className="space-y-2 text-sm" data-testid="search-history">
      <input type="hidden" name="back" value={back} />
      <p className="text-stone-600">
        {keep ? "搜索记录已开启：您在课程目录中的搜索会被保存，用于推荐选修课程。" : "搜索记录已关闭：您的搜索不会被保存，推荐不参考搜索。"}
        {count > 0 ? `目前保存了 ${count} 条。` : "目前没有保存的搜索。"}
      </p>
      <div className="flex flex-wrap gap-2">
        <button type="submit" name="intent" value={keep ? "off" : "on"} className={secondaryButtonClass}>
          {keep ? "关闭搜索记录" : "开启搜索记录"}
        </button>
        {count > 0 ? (
          <button type="submit" name="intent" value="clear" className={secondaryButtonClass}>
            清除搜索记录
          </button>
        ) : null}
      </div>
    </Form>
  );
}
