import { formatChinaDateTime } from "~/lib/dates";
import { formatHours } from "~/lib/hours";
import { SELF_CREDIT_NOTICE, withholdsOwnCredit } from "../hours/self-credit";
import { type ContestForPerson, type ContestPaper, paperOfEntry } from "./entries";
import { personalPlace, publicRanking } from "./results";

// The contest page's data (/contests/:contestId): what its loader answers, and what 开始 and 交卷 answer
// with when the page asks for it in their reply (PAGE_IN_REPLY), whether Remix runs the route's action or
// the start lane answers before Remix (start-lane.ts, decision 105).

/**
 * What the page shows the person now, from the contest and their entry as read (`contestForPerson`, or as 开始
 * has just read and written them): the introduction, their paper in progress, or their result. A paper
 * 开始 has just drawn comes with it (`paper`); any other is read.
 */
export async function contestPage(personId: number, c: ContestForPerson, now: Date, opened: number | null, paper: ContestPaper | null = null) {
  const contest = {
    id: c.id,
    title: c.title,
    description: c.description,
    window: c.window,
    opensAt: formatChinaDateTime(c.opensAt),
    closesAt: formatChinaDateTime(c.closesAt),
    minutes: Math.round(c.timeLimitSec / 60),
    questionCount: c.questionCount,
    maxScore: c.maxScore,
    credit: c.creditHours ? formatHours(c.creditHours) : null,
    selfCreditNotice: withholdsOwnCredit(c, personId) ? SELF_CREDIT_NOTICE.contest : null,
  };
  if (c.entry?.state === "in_progress") {
    return {
      mode: "answering" as const,
      contest,
      entryId: c.entry.id,
      deadlineAt: c.entry.deadlineAt.toISOString(),
      deadlineText: formatChinaDateTime(c.entry.deadlineAt),
      serverNow: now.toISOString(),
      opened,
      items: paper ?? (await paperOfEntry(personId, c.entry.id)),
      result: null,
    };
  }
  const finished = c.entry && c.entry.state !== "in_progress";
  const [place, ranking] = finished ? await Promise.all([personalPlace(c.id, personId), publicRanking(c.id, 10)]) : [null, []];
  const result = c.entry
    ? {
        entryId: c.entry.id,
        state: c.entry.state,
        score: c.entry.score ?? 0,
        maxScore: c.entry.maxScore,
        correct: c.entry.correct ?? 0,
        seconds: Math.round((c.entry.durationMs ?? 0) / 1000),
        showName: c.entry.showName,
        place: place ? { place: place.place, total: place.total } : null,
        ranking: ranking.map((r) => ({ place: r.place, name: r.name, unitName: r.unitName, score: r.score, seconds: Math.round((r.durationMs ?? 0) / 1000) })),
      }
    : null;
  const rest = { contest, entryId: null, deadlineAt: null, deadlineText: "", serverNow: now.toISOString(), opened: null, items: null };
  return result ? { mode: "result" as const, ...rest, result } : { mode: "intro" as const, ...rest, result: null };
}
