import Database from "better-sqlite3";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { Client } from "../../tests/support/client";
import { drive, expectStatus } from "../lib/load";
import { type BenchContext, type Row } from "../lib/report";

// The people list of a college secretary (计算机学院党委, about 2,900 people): the first page
// unfiltered, every page of the college in turn (deep pages cost an OFFSET), and a name search.
// The reference is GET /healthz on the same server at the same concurrency.

export const name = "people-list";

const REQUESTS = 300;
const CONCURRENCY = 4;
const PAGE_SIZE = 50; // the list's page size (app/.server/org/people.ts)
const COLLEGE = "计算机学院党委";

function college(dbFile: string): { id: number; pages: number } {
  const db = new Database(dbFile, { readonly: true });
  try {
    const unit = db.prepare("SELECT id, path FROM OrgUnit WHERE name = ?").get(COLLEGE) as { id: number; path: string };
    const { n } = db
      .prepare("SELECT COUNT(*) AS n FROM Person p JOIN OrgUnit u ON u.id = p.unitId WHERE u.path LIKE ? || '%' AND p.disabledAt IS NULL")
      .get(unit.path) as { n: number };
    return { id: unit.id, pages: Math.max(1, Math.ceil(n / PAGE_SIZE)) };
  } finally {
    db.close();
  }
}

export async function run({ url, dbFile }: BenchContext): Promise<Row[]> {
  const { id, pages } = college(dbFile);
  const secretary = new Client(url);
  const login = await secretary.login("secretary", DEMO_PASSWORD);
  expectStatus(login, 302, "secretary's sign-in");

  const series: [string, (i: number) => string][] = [
    ["GET /healthz (reference)", () => "/healthz"],
    ["/manage/people first page", () => "/manage/people"],
    [`?unitId=${id}&page=1..${pages}`, (i) => `/manage/people?unitId=${id}&page=${(Math.abs(i) % pages) + 1}`],
    ["?q=张 (name search)", () => `/manage/people?q=${encodeURIComponent("张")}`],
  ];
  const rows: Row[] = [];
  for (const [measure, pathOf] of series) {
    const stats = await drive(async (i) => expectStatus(await secretary.get(pathOf(i)), 200, `GET ${pathOf(i)}`), {
      count: REQUESTS,
      concurrency: CONCURRENCY,
      warmup: 10,
      maxMs: 120_000,
    });
    rows.push({
      scenario: name,
      measure: `${measure} (c=${CONCURRENCY})`,
      stats,
      ref: rows[0]?.stats,
      note: stats.firstError && `first error: ${stats.firstError}`,
    });
  }
  return rows;
}
