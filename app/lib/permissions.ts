import { type Role } from "./vocabulary";

// What each role may do. A grant gives a role over one unit and everything under it; being a
// learner needs no grant. Checks compare materialised paths ("/1/7/" covers "/1/7/42/").

export const PERMISSIONS = [
  "org:view",
  "org:manage",
  "people:view",
  "people:manage",
  "people:import",
  "people:sensitive",
  "password:reset",
  "grants:manage",
  "notices:post",
  "audit:view",
  "banks:manage",
  "quizzes:manage",
  "courses:manage",
  "contests:manage",
  "rules:manage",
  "hours:report",
  "activities:manage",
  "claims:review",
  "classes:manage",
  "classes:nominate",
  "mailbox:manage",
  "pages:manage",
  // Hide, restore and approve discussion posts, mark people for review (decision 049); at the root, the sensitive-word list too.
  "discussion:moderate",
  "documents:manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  trainer: ["org:view", "banks:manage", "quizzes:manage", "courses:manage", "contests:manage", "classes:manage"],
  secretary: [
    "org:view",
    "org:manage",
    "people:view",
    "people:manage",
    "people:import",
    "people:sensitive",
    "notices:post",
    "hours:report",
    "activities:manage",
    "claims:review",
    "classes:manage",
    "classes:nominate",
    "mailbox:manage",
    "pages:manage",
    "discussion:moderate",
    "documents:manage",
  ],
  admin: PERMISSIONS,
};

export type Grant = { role: Role; unitId: number; unitPath: string };

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** True when some grant with this permission covers the unit at `unitPath`. */
export function grantsCover(grants: readonly Grant[], permission: Permission, unitPath: string): boolean {
  return grants.some((g) => roleHas(g.role, permission) && unitPath.startsWith(g.unitPath));
}

/** The unit paths a permission reaches, with paths under another one dropped. */
export function scopePaths(grants: readonly Grant[], permission: Permission): string[] {
  const paths = [...new Set(grants.filter((g) => roleHas(g.role, permission)).map((g) => g.unitPath))].sort((a, b) => a.length - b.length);
  return paths.filter((p, i) => !paths.slice(0, i).some((q) => p.startsWith(q)));
}

export function hasAnyGrant(grants: readonly Grant[], permission: Permission): boolean {
  return grants.some((g) => roleHas(g.role, permission));
}

const ROLE_RANK: Record<Role, number> = { trainer: 1, secretary: 2, admin: 3 };

/**
 * True when every grant the other person holds is matched by one of `mine` of at least the same rank
 * over the same unit or above it: nobody resets the password of, disables or edits someone with
 * authority they do not have themselves.
 */
export function grantsOutrank(mine: readonly Grant[], theirs: readonly Grant[]): boolean {
  return theirs.every((t) => mine.some((m) => ROLE_RANK[m.role] >= ROLE_RANK[t.role] && t.unitPath.startsWith(m.unitPath)));
}
