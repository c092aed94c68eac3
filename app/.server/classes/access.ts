import { hasAnyGrant } from "~/lib/permissions";
import { type CurrentUser, requirePermission, requireUser } from "../auth/guard";
import { idParam } from "../http/request-params";
import { type ClassScope, classScope, standingIn } from "./classes";

// Who a member of staff is to a class, for the manage pages: its organiser (`classes:manage` over the
// organising unit), a nominator (`classes:nominate` over a unit meeting its audience, once the class
// is no longer a draft), or nobody, refused through the guard (403, logged) like any other page.

export type ClassStaff = { user: CurrentUser; scope: ClassScope; organiser: boolean; nominatorPaths: string[] };

/** Somebody who may organise or nominate anywhere: the list page. */
export async function requireClassStaffArea(request: Request): Promise<CurrentUser> {
  const user = await requireUser(request);
  if (hasAnyGrant(user.grants, "classes:manage") || hasAnyGrant(user.grants, "classes:nominate")) return user;
  return requirePermission(request, "classes:manage");
}

export async function requireClassStaff(request: Request, classIdParam: string | undefined): Promise<ClassStaff> {
  const classId = idParam(classIdParam, "培训班不存在");
  const user = await requireUser(request);
  const scope = await classScope(classId);
  if (!scope) {
    // An unknown id is refused like one outside the scope (and logged), so ids cannot be probed.
    await requirePermission(request, "classes:manage", -1);
    throw new Response("没有权限", { status: 403 });
  }
  const { organiser, nominatorPaths } = standingIn(user.grants, scope);
  const nominator = nominatorPaths.length > 0 && scope.status !== "draft";
  if (!organiser && !nominator) await requirePermission(request, "classes:manage", scope.unitId);
  return { user, scope, organiser, nominatorPaths: nominator ? nominatorPaths : [] };
}

/** The organiser only: every change but a nomination. */
export async function requireClassOrganiser(request: Request, classIdParam: string | undefined): Promise<ClassStaff> {
  const staff = await requireClassStaff(request, classIdParam);
  if (!staff.organiser) await requirePermission(request, "classes:manage", staff.scope.unitId);
  return staff;
}
