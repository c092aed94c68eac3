import { type LoaderFunctionArgs } from "@remix-run/node";
import { publicOrigin } from "~/.server/http/public-link";
import { feedEvents } from "~/.server/todo/calendar";
import { writeCalendar } from "~/lib/icalendar";

// The iCalendar feed at a person's secret URL, /calendar/feed/<token>.ics: no session (a phone's
// calendar fetches it), the token is the key. An unknown or revoked token is a plain 404. Links in it
// point to the site's configured origin, never the request's Host header.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const file = params.file ?? "";
  const feed = file.endsWith(".ics") ? await feedEvents(file.slice(0, -".ics".length), publicOrigin(request.url)) : null;
  if (!feed) throw new Response("没有找到这个日历", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(writeCalendar({ name: feed.name, events: feed.events, stamp: new Date() }), {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Cache-Control": "private, no-store",
      "X-Robots-Tag": "noindex",
    },
  });
}
