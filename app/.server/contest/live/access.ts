import { type CurrentUser, requireUser } from "../../auth/guard";
import { requireContestManager } from "../access";
import { contestInAudience } from "./audience";

// The checks every live-round loader and action starts with: a host holds "contests:manage" over the
// contest's unit; a player is signed in and in the contest's audience.

export const requireLiveHost = requireContestManager;

export function parseContestId(param: string | undefined): number {
  const id = Number(param);
  if (!param || !/^\d{1,9}$/.test(param) || id <= 0) throw new Response("没有找到这场竞赛", { status: 404 });
  return id;
}

/** A signed-in person of the contest's audience; anyone else is refused (404 and 403 alike say little). */
export async function requireLivePlayer(
  request: Request,
  contestIdParam: string | undefined,
): Promise<{ user: CurrentUser; contestId: number; title: string }> {
  const user = await requireUser(request);
  const contestId = parseContestId(contestIdParam);
  const contest = await contestInAudience(user.id, contestId);
  if (!contest) throw new Response("您不在本场竞赛的参赛范围内", { status: 403 });
  return { user, contestId, title: contest.title };
}
