import { type LoaderFunctionArgs } from "@remix-run/node";
import { requireLiveHost } from "~/.server/contest/live/access";
import { hostStream } from "~/.server/contest/live/connect";
import { latestRound } from "~/.server/contest/live/rounds";

// The big screen's event stream: the contest's latest round, for a host with "contests:manage" over it.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { contestId } = await requireLiveHost(request, params.contestId);
  const round = await latestRound(contestId);
  if (!round) throw new Response("本竞赛还没有现场赛", { status: 404 });
  return hostStream(request.signal, round.id);
}
