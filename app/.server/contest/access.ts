import { requireManagerOf } from "../auth/guard";
import { contestUnitId } from "./contests";

/** The caller must hold "contests:manage" over the contest's unit; unknown ids are refused alike. */
export async function requireContestManager(request: Request, contestIdParam: string | undefined) {
  const { user, id } = await requireManagerOf(request, "contests:manage", contestIdParam, contestUnitId);
  return { user, contestId: id };
}
