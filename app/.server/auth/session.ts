import { createHash } from "node:crypto";
import { setImmediate } from "node:timers";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import { prisma, sqlDb } from "../db";
import { env } from "../env";
import { sql } from "../sql";
import { cachedSession, countEpochRead, countValidation, forgetSessions, keepSession } from "./session-cache";

// Sessions in Lucia's design: the cookie holds a random token, the table holds only its SHA-256,
// expiry slides forward when half the lifetime has passed.

export const SESSION_COOKIE = "wsdx_session";
const DAY_MS = 24 * 60 * 60 * 1000;

function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

function sessionIdFromToken(token: string): string {
  // The same SHA-256 as @oslojs/crypto's, from Node's native implementation: this runs on every request.
  return createHash("sha256").update(token).digest("hex");
}

function lifetimeMs() {
  return env.sessionDays * DAY_MS;
}

/** Opens a session for a person whose identity is established and returns its cookie: every sign-in ends here. */
export async function startSession(personId: number): Promise<string> {
  const token = generateSessionToken();
  const expiresAt = new Date(Date.now() + lifetimeMs());
  await prisma.session.create({ data: { id: sessionIdFromToken(token), personId, expiresAt } });
  return sessionCookie(token, expiresAt);
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
type SessionRow = {
  expiresAt: string;
  id: number;
  number: string;
  name: string;
  unitId: number;
  politicalStatus: string;
  disabledAt: string | null;
  /** 1/0 on SQLite, a boolean on PostgreSQL; null without a password. */
  mustChange: number | boolean | null;
};

// Every request with a cookie runs this (unless the process kept the session: decision 093), so it is
// one prepared statement on the raw connection (through Prisma it was three queries, one per relation).
// Every column it reads is watched by a trigger of the session epoch (the migration
// 20261205082954_session_epoch): a column added here needs its trigger, or a kept session misses its change.
const sessionRow = (id: string) =>
  sqlDb().get<SessionRow>(
    sql`SELECT s."expiresAt", p."id", p."number", p."name", p."unitId", p."politicalStatus", p."disabledAt", pw."mustChange"
      FROM "Session" s JOIN "Person" p ON p."id" = s."personId" LEFT JOIN "Password" pw ON pw."personId" = p."id"
      WHERE s."id" = ${id}`,
  );

/**
 * Reads the session epoch (decision 093). Its row is written on first use, not by the migration, so a
 * migrated database holds no rows until the app writes some (a move into PostgreSQL needs an empty
 * target); until it is there, null, and nothing is kept.
 */
async function readSessionEpoch(): Promise<number | null> {
  countEpochRead();
  const row = await sqlDb().get<{ n: number }>(sql`SELECT "n" FROM "SessionEpoch" WHERE "id" = 1`);
  if (row) return Number(row.n);
  await sqlDb().run(sql`INSERT INTO "SessionEpoch" ("id", "n") VALUES (1, 0) ON CONFLICT ("id") DO NOTHING`);
  return null;
}

// The read the validations waiting now will share (decision 095). On globalThis like the kept sessions:
// server.ts and the Remix build each load this module.
const epochGlobals = globalThis as typeof globalThis & { __sessionEpochRead?: { next: Promise<number | null> | null } };
const epochRead = (epochGlobals.__sessionEpochRead ??= { next: null });

/**
 * The session epoch as read after this call began, on SQLite; null on PostgreSQL, whose processes keep
 * no sessions (its own buffer cache keeps the lookup's pages warm, and one row every node's triggers
 * wrote would make the nodes' transactions wait for each other).
 *
 * One read, after the requests the event loop is handling now (in its check phase, `setImmediate`),
 * shared by every validation that asked for it meanwhile (decision 095). Every one of them began
 * before the read, so each sees what was committed before its request came, as with a read of its
 * own.
 */
function sessionEpoch(): Promise<number | null> {
  if (env.databaseEngine !== "sqlite") return Promise.resolve(null);
  return (epochRead.next ??= new Promise<number | null>((resolve, reject) =>
    setImmediate(() => {
      epochRead.next = null;
      readSessionEpoch().then(resolve, reject);
    }),
  ));
}

export async function validateSessionToken(token: string): Promise<ValidatedSession | null> {
  if (!/^[a-z2-7]{32}$/.test(token)) return null;
  const id = sessionIdFromToken(token);
  // The epoch is read before the session: whatever commits after this read moves it, so while the epoch
  // stays the same, an entry kept under it is what the database still holds (decision 093).
  const epoch = await sessionEpoch();
  if (epoch === null) forgetSessions(); // nothing kept, nothing used (PostgreSQL, or the row not there yet)
  const now = Date.now();
  const kept = epoch === null ? undefined : cachedSession(id, epoch);
  // Kept only while the expiry needs no sliding: past half the lifetime the database decides, as before.
  const usable = kept !== undefined && now < kept.expiresAt - lifetimeMs() / 2;
  if (epoch !== null) countValidation(usable);
  if (usable) return { session: { id, expiresAt: new Date(kept.expiresAt), refreshed: false }, person: { ...kept.person } };

  const row = await sessionRow(id);
  if (!row) return null;
  if (now >= new Date(row.expiresAt).getTime() || row.disabledAt) {
    await prisma.session.deleteMany({ where: { id } });
    return null;
  }
  let expiresAt = new Date(row.expiresAt);
  let refreshed = false;
  if (now >= expiresAt.getTime() - lifetimeMs() / 2) {
    expiresAt = new Date(now + lifetimeMs());
    refreshed = true;
    await prisma.session.update({ where: { id }, data: { expiresAt } });
  }
  const person: SessionPerson = {
    id: row.id,
    number: row.number,
    name: row.name,
    unitId: row.unitId,
    politicalStatus: row.politicalStatus,
    mustChangePassword: Boolean(row.mustChange),
  };
  if (epoch !== null) keepSession(id, epoch, { expiresAt: expiresAt.getTime(), person: { ...person } });
  return { session: { id, expiresAt, refreshed }, person };
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
  const parts = [`${SESSION_COOKIE}=${token}`, "HttpOnly", "SameSite=Lax", "Path=/", `Expires=${expiresAt.toUTCString()}`];
  if (env.cookieSecure) parts.push("Secure");
  return parts.join("; ");
}

export function blankSessionCookie(): string {
  const parts = [`${SESSION_COOKIE}=`, "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=0"];
  if (env.cookieSecure) parts.push("Secure");
  return parts.join("; ");
}

export function readSessionToken(request: Request): string | null {
  return sessionTokenFromCookies(request.headers.get("Cookie"));
}

/** The session token in a Cookie header, for handlers outside Remix. */
export function sessionTokenFromCookies(header: string | null | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === SESSION_COOKIE) return v.join("=") || null;
  }
  return null;
}
