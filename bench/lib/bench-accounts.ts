import crypto from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import { type Factory, type UnitRow } from "../../tests/factories";

// Thousands of bench accounts in a unit of their own under the root, sharing the demo accounts'
// password hash, each with a session stored the way app/.server/auth/session.ts stores one (the
// SHA-256 of the cookie's token, hex): 10,000 argon2 sign-ins would take minutes and measure nothing
// a benchmark is about. The token is the value of the session cookie.

export const SESSION_COOKIE = "wsdx_session";
const SESSION_DAYS = Number(process.env.SESSION_DAYS ?? 14); // the server's session lifetime (its default)

export type BenchAccount = { personId: number; number: string; token: string };

const ts = (d: Date) => d.toISOString().replace("Z", "+00:00"); // the Prisma adapter's format

/** A session for the person, as the server stores one; returns the cookie's token. */
export function insertBenchSession(f: Factory, personId: number): string {
  const now = new Date();
  const token = encodeBase32LowerCaseNoPadding(crypto.randomBytes(20));
  f.db
    .prepare("INSERT INTO Session (id, personId, expiresAt, createdAt) VALUES (?, ?, ?, ?)")
    .run(crypto.createHash("sha256").update(token).digest("hex"), personId, ts(new Date(now.getTime() + SESSION_DAYS * 86_400_000)), ts(now));
  return token;
}

export function addBenchAccounts(
  f: Factory,
  opts: { count: number; prefix: string; namePrefix: string; unitName: string; politicalStatus: string },
): { unitId: number; accounts: BenchAccount[] } {
  const admin = f.db.prepare("SELECT w.hash FROM Person p JOIN Password w ON w.personId = p.id WHERE p.number = 'admin'").get() as { hash: string };
  const root = f.db.prepare("SELECT id, path, depth, name, kind FROM OrgUnit WHERE parentId IS NULL").get() as UnitRow;
  return f.transaction(() => {
    const unit = f.unit({ name: opts.unitName, kind: "branch", branchType: "student", parent: root });
    const accounts = Array.from({ length: opts.count }, (_, i): BenchAccount => {
      const number = `${opts.prefix}${String(i + 1).padStart(5, "0")}`;
      const personId = f.person({ number, name: `${opts.namePrefix}${i + 1}`, unitId: unit.id, politicalStatus: opts.politicalStatus });
      f.passwordHash(personId, admin.hash);
      return { personId, number, token: insertBenchSession(f, personId) };
    });
    return { unitId: unit.id, accounts };
  });
}
