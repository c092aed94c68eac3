import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { prisma } from "../db";
import { env } from "../env";

// Sessions in Lucia's design: the cookie holds a random token, the table holds only its SHA-256,
// expiry slides forward when half the lifetime has passed.

export const SESSION_COOKIE = "wsdx_session";
const DAY_MS = 24 * 60 * 60 * 1000;

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

function sessionIdFromToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

function lifetimeMs() {
  return env.sessionDays * DAY_MS;
}

export async function createSession(token: string, personId: number) {
  const session = {
    id: sessionIdFromToken(token),
    personId,
    expiresAt: new Date(Date.now() + lifetimeMs()),
  };
  await prisma.session.create({ data: session });
  return session;
}

export type SessionPerson = {
  id: number;
  number: string;
  name: string;
  unitId: number;
  politicalStatus: string;
  mustChangePassword: boolean;
};

export type ValidatedSession = {
  session: { id: string; expiresAt: Date; refreshed: boolean };
  person: SessionPerson;
};

/** Returns the session and its person, or null when the token is unknown, expired or the account disabled. */
export async function validateSessionToken(token: string): Promise<ValidatedSession | null> {
  if (!/^[a-z2-7]{32}$/.test(token)) return null;
  const id = sessionIdFromToken(token);
  const row = await prisma.session.findUnique({
    where: { id },
    select: {
      id: true,
      expiresAt: true,
      person: {
        select: {
          id: true,
          number: true,
          name: true,
          unitId: true,
          politicalStatus: true,
          disabledAt: true,
          password: { select: { mustChange: true } },
        },
      },
    },
  });
  if (!row) return null;
  const now = Date.now();
  if (now >= row.expiresAt.getTime() || row.person.disabledAt) {
    await prisma.session.deleteMany({ where: { id } });
    return null;
  }
  let expiresAt = row.expiresAt;
  let refreshed = false;
  if (now >= expiresAt.getTime() - lifetimeMs() / 2) {
    expiresAt = new Date(now + lifetimeMs());
    refreshed = true;
    await prisma.session.update({ where: { id }, data: { expiresAt } });
  }
  const { disabledAt: _disabled, password, ...person } = row.person;
  return {
    session: { id, expiresAt, refreshed },
    person: { ...person, mustChangePassword: password?.mustChange ?? false },
  };
}

export async function invalidateSession(sessionId: string) {
  await prisma.session.deleteMany({ where: { id: sessionId } });
}

/** Ends every session of a person: password change, reset, disabled account. */
export async function invalidateAllSessions(personId: number, exceptSessionId?: string) {
  await prisma.session.deleteMany({
    where: { personId, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) },
  });
}

export function sessionCookie(token: string, expiresAt: Date): string {
  const parts = [
    `${SESSION_COOKIE}=${token}`,
    "HttpOnly",
    "SameSite=Lax",
    "Path=/",
    `Expires=${expiresAt.toUTCString()}`,
  ];
  if (env.cookieSecure) parts.push("Secure");
  return parts.join("; ");
}

export function blankSessionCookie(): string {
  const parts = [`${SESSION_COOKIE}=`, "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=0"];
  if (env.cookieSecure) parts.push("Secure");
  return parts.join("; ");
}

export function readSessionToken(request: Request): string | null {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === SESSION_COOKIE) return v.join("=") || null;
  }
  return null;
}
