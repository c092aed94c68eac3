import { redirect } from "@remix-run/node";
import { type Grant, type Permission, grantsCover, grantsOutrank, hasAnyGrant } from "~/lib/permissions";
import { type Role } from "~/lib/vocabulary";
import { audit } from "../audit";
import { prisma, sqlDb } from "../db";
import { currentRequestContext } from "../http/context";
import { sql } from "../sql";
import { type SessionPerson, invalidateSession, readSessionToken, sessionCookie, validateSessionToken } from "./session";

// The one guard every loader and action goes through. Nothing here trusts an id from the client:
// a unit or person named in a request is looked up and its path checked against the caller's grants.

export type CurrentUser = SessionPerson & { sessionId: string; grants: Grant[] };

const cache = new WeakMap<Request, Promise<CurrentUser | null>>();

export function getUser(request: Request): Promise<CurrentUser | null> {
  let found = cache.get(request);
  if (!found) {
    found = loadUser(request);
    cache.set(request, found);
  }
  return found;
}

// The caller's grants, on every signed-in request: one prepared statement on the raw connection.
const grantsOf = (personId: number) =>
  sqlDb().all<Grant>(
    sql`SELECT g."role", g."unitId", u."path" AS "unitPath" FROM "RoleGrant" g JOIN "OrgUnit" u ON u."id" = g."unitId"
      WHERE g."personId" = ${personId} AND u."archivedAt" IS NULL`,
  );

async function loadUser(request: Request): Promise<CurrentUser | null> {
  const token = readSessionToken(request);
  if (!token) return null;
  const validated = await validateSessionToken(token);
  if (!validated) return null;
  if (validated.session.refreshed) {
    currentRequestContext()?.appendHeader("Set-Cookie", sessionCookie(token, validated.session.expiresAt));
  }
  const grants = await grantsOf(validated.person.id);
  return {
    ...validated.person,
    sessionId: validated.session.id,
    grants,
  };
}

/** Signing in again on a browser (another account on a shared phone) ends the session it had. */
export async function endBrowserSession(request: Request): Promise<void> {
  const previous = await getUser(request);
  if (previous) await invalidateSession(previous.sessionId);
}

/** Signs-in are required; a person who must change the password is sent to do so first. */
export async function requireUser(request: Request, { allowPasswordChange = false } = {}): Promise<CurrentUser> {
  const user = await getUser(request);
  const url = new URL(request.url);
  if (!user) {
    const back = url.pathname + url.search;
    throw redirect(back === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`);
  }
  if (user.mustChangePassword && !allowPasswordChange) throw redirect("/account/password");
  return user;
}

export async function requireAnonymous(request: Request) {
  if (await getUser(request)) throw redirect("/");
}

async function refuse(user: CurrentUser, request: Request, permission: Permission, target?: string): Promise<never> {
  await audit({
    actorId: user.id,
    action: "access.denied",
    targetKind: "route",
    targetId: new URL(request.url).pathname,
    detail: { permission, target, method: request.method },
  });
  throw new Response("没有权限访问此页面", { status: 403, statusText: "Forbidden" });
}

/**
 * Requires `permission` over a unit. With no unit, requires the permission over some unit
 * (a list page then narrows its query with `scopePaths`).
 */
export async function requirePermission(request: Request, permission: Permission, unitId?: number): Promise<CurrentUser> {
  const user = await requireUser(request);
  if (unitId === undefined) {
    if (!hasAnyGrant(user.grants, permission)) await refuse(user, request, permission);
    return user;
  }
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { path: true } });
  if (!unit || !grantsCover(user.grants, permission, unit.path)) await refuse(user, request, permission, `unit:${unitId}`);
  return user;
}

/** Requires `permission` over the unit a person belongs to; refuses the same way whether or not the person exists. */
export async function requirePersonInScope(request: Request, permission: Permission, personId: number) {
  const user = await requireUser(request);
  const person = Number.isSafeInteger(personId)
    ? await prisma.person.findUnique({ where: { id: personId }, select: { id: true, unitId: true, unit: { select: { path: true } } } })
    : null;
  if (!person || !grantsCover(user.grants, permission, person.unit.path)) {
    await refuse(user, request, permission, `person:${personId}`);
  }
  return { user, person: person! };
}

/**
 * For changing a person: `permission` over their unit, not oneself, and authority covering every
 * grant they hold (a branch secretary cannot disable or reset the school's administrator).
 */
export async function requireAuthorityOver(request: Request, permission: Permission, personId: number) {
  const { user, person } = await requirePersonInScope(request, permission, personId);
  const theirs = await prisma.roleGrant.findMany({
    where: { personId: person.id, unit: { archivedAt: null } },
    select: { role: true, unitId: true, unit: { select: { path: true } } },
  });
  const grants = theirs.map((g) => ({ role: g.role as Role, unitId: g.unitId, unitPath: g.unit.path }));
  if (user.id === person.id || !grantsOutrank(user.grants, grants)) {
    await refuse(user, request, permission, `person:${personId}`);
  }
  return { user, person };
}

/** The root of the tree: some permissions (the whole school's audit log) are only granted there. */
export async function requirePermissionAtRoot(request: Request, permission: Permission): Promise<CurrentUser> {
  const root = await prisma.orgUnit.findFirst({ where: { parentId: null }, orderBy: { id: "asc" }, select: { id: true } });
  if (!root) throw new Response("尚未建立党组织", { status: 404 });
  return requirePermission(request, permission, root.id);
}

export function can(user: CurrentUser, permission: Permission, unitPath?: string): boolean {
  return unitPath === undefined ? hasAnyGrant(user.grants, permission) : grantsCover(user.grants, permission, unitPath);
}

/**
 * Requires `permission` over the unit an object (a quiz, a course) belongs to, found by `unitOf`. An
 * unknown or malformed id is refused like an object outside the scope (403, after the sign-in check),
 * so ids cannot be probed.
 */
export async function requireManagerOf(
  request: Request,
  permission: Permission,
  idParam: string | undefined,
  unitOf: (id: number) => Promise<number | null>,
): Promise<{ user: CurrentUser; id: number }> {
  const id = Number(idParam);
  const unitId = idParam !== undefined && /^\d{1,9}$/.test(idParam) && id > 0 ? await unitOf(id) : null;
  if (unitId === null) {
    await requirePermission(request, permission, -1);
    throw new Response("没有权限", { status: 403 });
  }
  return { user: await requirePermission(request, permission, unitId), id };
}

/**
 * Like `requireManagerOf`, but another permission over a unit linked to the object also admits, for
 * part of what the page does: a class's organiser (`classes:manage` over the class's unit) confirms
 * the attendance of the sessions on the class's schedule without `activities:manage`. `full` says
 * which one admitted; the page narrows what a linked manager may do. Refused as `requireManagerOf`
 * refuses, so ids cannot be probed.
 */
export async function requireManagerOrLinked(
  request: Request,
  permission: Permission,
  idParam: string | undefined,
  unitOf: (id: number) => Promise<number | null>,
  linked: { permission: Permission; unitPathsOf: (id: number) => Promise<string[]> },
): Promise<{ user: CurrentUser; id: number; full: boolean }> {
  const user = await requireUser(request);
  const id = Number(idParam);
  const unitId = idParam !== undefined && /^\d{1,9}$/.test(idParam) && id > 0 ? await unitOf(id) : null;
  if (unitId === null) return refuse(user, request, permission);
  const unit = await prisma.orgUnit.findUnique({ where: { id: unitId }, select: { path: true } });
  if (unit && grantsCover(user.grants, permission, unit.path)) return { user, id, full: true };
  if ((await linked.unitPathsOf(id)).some((path) => grantsCover(user.grants, linked.permission, path))) return { user, id, full: false };
  return refuse(user, request, permission, `unit:${unitId}`);
}
