import { DEMO_PASSWORD } from "../../prisma/seed";
import { openFactory } from "../../tests/factories";
import { Client } from "../../tests/support/client";
import { drive, expectStatus } from "../lib/load";
import { type BenchContext, type Row } from "../lib/report";

// Many concurrent real sign-ins (argon2id, m=19456 KiB, t=2, p=1, hashed on libuv's thread pool)
// while two cheap pages are sampled one request at a time: does hashing starve everything else?
// The throttle counts attempts in flight per address (decision 029), so 16 at once stay under its 50; successes release their claim.

export const name = "signin-storm";

const USERS = 200;
const SIGN_INS = 400;
const CONCURRENCY = 16;
const CHEAP_ALONE = 200;
const CHEAP_PAGES = ["/healthz", "/login"] as const;

/** Bench accounts that share the demo accounts' password hash, so every sign-in verifies for real. */
function addBenchUsers(dbFile: string): string[] {
  const f = openFactory(dbFile);
  try {
    const admin = f.db.prepare("SELECT p.unitId, w.hash FROM Person p JOIN Password w ON w.personId = p.id WHERE p.number = 'admin'").get() as {
      unitId: number;
      hash: string;
    };
    const numbers = Array.from({ length: USERS }, (_, i) => `bench${String(i + 1).padStart(4, "0")}`);
    f.transaction(() => {
      numbers.forEach((number, i) => f.passwordHash(f.person({ number, name: `压测${i + 1}`, unitId: admin.unitId, politicalStatus: "member" }), admin.hash));
    });
    return numbers;
  } finally {
    f.close();
  }
}

export async function run({ url, dbFile }: BenchContext): Promise<Row[]> {
  const users = addBenchUsers(dbFile);
  const anonymous = new Client(url);
  const cheap = (page: string) => async () => expectStatus(await anonymous.get(page), 200, `GET ${page}`);
  const signIn = async (i: number) => {
    const c = new Client(url);
    expectStatus(await c.login(users[Math.abs(i) % users.length], DEMO_PASSWORD), 302, "POST /login");
    if (!c.sessionToken()) throw new Error("POST /login set no session cookie");
  };

  // The reference: the same two samplers (one request in flight each) with nothing else running.
  const alone = await Promise.all(CHEAP_PAGES.map((p) => drive(cheap(p), { count: CHEAP_ALONE, concurrency: 1, warmup: 20 })));

  let stormOver = false;
  const stormRun = drive(signIn, { count: SIGN_INS, concurrency: CONCURRENCY, warmup: 4, maxMs: 120_000 }).finally(() => {
    stormOver = true;
  });
  const during = await Promise.all(CHEAP_PAGES.map((p) => drive(cheap(p), { count: 100_000, concurrency: 1, stop: () => stormOver, maxMs: 120_000 })));
  const storm = await stormRun;

  const rows: Row[] = [
    { scenario: name, measure: `POST /login ×${SIGN_INS} (c=${CONCURRENCY})`, stats: storm, note: storm.firstError && `first error: ${storm.firstError}` },
  ];
  CHEAP_PAGES.forEach((p, k) => {
    rows.push({ scenario: name, measure: `GET ${p} alone (c=1)`, stats: alone[k] });
    rows.push({ scenario: name, measure: `GET ${p} during storm`, stats: during[k], ref: alone[k] });
  });
  return rows;
}
