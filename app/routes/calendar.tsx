import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { readForm } from "~/.server/http/form-body";
import { publicOrigin } from "~/.server/http/public-link";
import { searchParamsOf } from "~/.server/http/request-params";
import { calendarOf, createFeedToken, feedCreatedAt } from "~/.server/todo/calendar";
import { MonthAgenda } from "~/components/todo/month-agenda";
import { buttonClass } from "~/components/ui/form";
import { MONTH, byDay, currentMonth, monthRange, monthTitle, shiftMonth } from "~/lib/calendar-month";
import { formatChinaDateTime } from "~/lib/dates";
import { todoRows } from "~/lib/todo";
import { pageMeta } from "~/lib/page-meta";

// A person's calendar, one month as an agenda grouped by day (a phone reads a list better than a grid):
// her meetings and class sessions, and the days her quizzes, contests, assignments and required courses
// are due. Below it the iCalendar feed: a secret URL shown once when made, 重新生成 revokes the old one.

export const meta: MetaFunction = () => pageMeta("我的日程 · 网上党校");

const Query = z.object({ month: z.string().regex(MONTH).optional() });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const now = new Date();
  const month = searchParamsOf(request, Query, "月份格式有误，应为 YYYY-MM").month ?? currentMonth(now);
  const { from, to } = monthRange(month);
  const [items, feedSince] = await Promise.all([calendarOf(user.id, from, to, now), feedCreatedAt(user.id)]);
  return {
    month,
    title: monthTitle(month),
    prev: shiftMonth(month, -1),
    next: shiftMonth(month, 1),
    days: byDay(todoRows(items)),
    feedSince: feedSince ? formatChinaDateTime(feedSince) : null,
  };
}

const ActionSchema = z.discriminatedUnion("intent", [z.object({ intent: z.literal("feed") })], { error: "无法识别的操作" });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const submission = parseWithZod(await readForm(request), { schema: ActionSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), feedUrl: null }, { status: 400 });
  const token = await createFeedToken(user.id);
  return { result: submission.reply({ resetForm: true }), feedUrl: `${publicOrigin(request.url)}/calendar/feed/${token}.ics` };
}

function FeedUrl({ url }: { url: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-2" data-testid="feed-url">
      <p className="text-sm text-stone-700">订阅链接只显示这一次，请复制后添加到手机日历（“订阅日历”）。链接等同密码，请勿转发。</p>
      <input
        readOnly
        value={url}
        aria-label="日历订阅链接"
        className="w-full rounded border border-stone-300 p-2 font-mono text-xs"
        onFocus={(e) => e.currentTarget.select()}
      />
      <button
        type="button"
        className={buttonClass}
        onClick={() => {
          void navigator.clipboard?.writeText(url).then(() => setCopied(true));
        }}
      >
        {copied ? "已复制" : "复制"}
      </button>
    </div>
  );
}

export default function CalendarPage() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="space-y-5">
      <h1 className="text-xl font-bold">我的日程</h1>
      <MonthAgenda title={d.title} prevHref={`?month=${d.prev}`} nextHref={`?month=${d.next}`} days={d.days} />

      <section className="space-y-2 rounded-lg bg-white p-4 shadow" aria-labelledby="feed-heading">
        <h2 id="feed-heading" className="font-bold">
          订阅到手机日历
        </h2>
        <p className="text-sm text-stone-600">
          {d.feedSince
            ? `已于 ${d.feedSince} 生成订阅链接。重新生成后，旧链接立即失效。`
            : "生成一个只属于您的订阅链接（iCalendar），会议和截止时间会出现在手机日历中。"}
        </p>
        {actionData?.feedUrl ? <FeedUrl url={actionData.feedUrl} /> : null}
        <Form method="post">
          <button type="submit" name="intent" value="feed" className={buttonClass}>
            {d.feedSince ? "重新生成" : "生成订阅链接"}
          </button>
        </Form>
      </section>
    </div>
  );
}
