import { type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/.server/auth/guard";
import { parseContestId } from "~/.server/contest/live/access";
import { playerStream } from "~/.server/contest/live/connect";
import { roundOfPlayer } from "~/.server/contest/live/play";

// A phone's event stream (Server-Sent Events) of the round it joined. Joining checked the contest's
// audience; being one of the round's players is the scope here.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const roundId = await roundOfPlayer(user.id, parseContestId(params.contestId));
  if (roundId === null) throw new Response("您还没有加入本场现场赛", { status: 403 });
  return playerStream(request.signal, roundId, user.id);
}
