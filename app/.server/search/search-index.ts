import type Database from "better-sqlite3";
import { scopePaths, type Grant, type Permission } from "~/lib/permissions";
import { type SearchKind, queryTerms } from "~/lib/search-terms";
import { unitIdsOnPath } from "~/lib/unit-path";
import { type SqlRunner, all, anyOf, inList, join, raw, run, sql, type Sql } from "../sql";

// The one search index (decision 050). Every kind of content that can be searched writes an entry:
// what it is (kind, refId), where it lives (the unit path), who may see it (audience and statuses, the
// same words as the document library's), its title and an excerpt, and its terms with their weights
// (app/lib/search-terms.ts). A query finds the entries having every term of the query, within what the
// person may see, in one portable SQL statement. Courses, pages and posts join by writing entries of
// their own kind; nothing here knows what a document is.

export { SEARCH_KINDS, type SearchKind } from "~/lib/search-terms";

export type IndexEntry = {
  kind: SearchKind;
  refId: number;
  unitPath: string;
  /** public | subtree | status */
  audience: string;
  /** ",member,probationary," for audience "status" */
  statuses: string | null;
  title: string;
  excerpt: string;
};

const TERM_ROWS_PER_INSERT = 200;

/** Writes (or rewrites) one entry and its terms. Call inside a transaction of the raw connection. */
export function writeEntry(db: Database.Database, entry: IndexEntry, weights: ReadonlyMap<string, number>, now = new Date()): number {
  const [{ id }] = all<{ id: number }>(
    db,
    sql`INSERT INTO "SearchEntry" ("kind", "refId", "unitPath", "audience", "statuses", "title", "excerpt", "updatedAt")
        VALUES (${entry.kind}, ${entry.refId}, ${entry.unitPath}, ${entry.audience}, ${entry.statuses}, ${entry.title}, ${entry.excerpt}, ${now})
        ON CONFLICT ("kind", "refId") DO UPDATE SET "unitPath" = excluded."unitPath", "audience" = excluded."audience",
          "statuses" = excluded."statuses", "title" = excluded."title", "excerpt" = excluded."excerpt", "updatedAt" = excluded."updatedAt"
        RETURNING "id"`,
  );
  run(db, sql`DELETE FROM "SearchTerm" WHERE "entryId" = ${id}`);
  const rows = [...weights];
  for (let i = 0; i < rows.length; i += TERM_ROWS_PER_INSERT) {
    const values = rows.slice(i, i + TERM_ROWS_PER_INSERT).map(([term, weight]) => sql`(${id}, ${term}, ${weight})`);
    run(db, sql`INSERT INTO "SearchTerm" ("entryId", "term", "weight") VALUES ${join(values)}`);
  }
  return id;
}

/** Removes an entry and (by cascade, and here explicitly for engines without foreign keys on) its terms. */
export function removeEntry(db: Database.Database, kind: SearchKind, refId: number) {
  run(db, sql`DELETE FROM "SearchTerm" WHERE "entryId" IN (SELECT "id" FROM "SearchEntry" WHERE "kind" = ${kind} AND "refId" = ${refId})`);
  run(db, sql`DELETE FROM "SearchEntry" WHERE "kind" = ${kind} AND "refId" = ${refId}`);
}

/**
 * `writeEntry` on the async data layer (decision 074), on the caller's transaction: the site's own
 * kinds (site-entries.ts) and the library write through it. The synchronous pair above stays for the demo seed
 * (prisma/seed-library.ts, on its own file) until it is converted too; then it goes and these take its names.
 */
export async function writeEntryOn(tx: SqlRunner, entry: IndexEntry, weights: ReadonlyMap<string, number>, now = new Date()): Promise<number> {
  const { id } = (await tx.get<{ id: number }>(
    sql`INSERT INTO "SearchEntry" ("kind", "refId", "unitPath", "audience", "statuses", "title", "excerpt", "updatedAt")
        VALUES (${entry.kind}, ${entry.refId}, ${entry.unitPath}, ${entry.audience}, ${entry.statuses}, ${entry.title}, ${entry.excerpt}, ${now})
        ON CONFLICT ("kind", "refId") DO UPDATE SET "unitPath" = excluded."unitPath", "audience" = excluded."audience",
          "statuses" = excluded."statuses", "title" = excluded."title", "excerpt" = excluded."excerpt", "updatedAt" = excluded."updatedAt"
        RETURNING "id"`,
  ))!;
  await tx.run(sql`DELETE FROM "SearchTerm" WHERE "entryId" = ${id}`);
  const rows = [...weights];
  for (let i = 0; i < rows.length; i += TERM_ROWS_PER_INSERT) {
    const values = rows.slice(i, i + TERM_ROWS_PER_INSERT).map(([term, weight]) => sql`(${id}, ${term}, ${weight})`);
    await tx.run(sql`INSERT INTO "SearchTerm" ("entryId", "term", "weight") VALUES ${join(values)}`);
  }
  return id;
}

/** `removeEntry` on the async data layer, on the caller's transaction (see writeEntryOn). */
export async function removeEntryOn(tx: SqlRunner, kind: SearchKind, refId: number): Promise<void> {
  await tx.run(sql`DELETE FROM "SearchTerm" WHERE "entryId" IN (SELECT "id" FROM "SearchEntry" WHERE "kind" = ${kind} AND "refId" = ${refId})`);
  await tx.run(sql`DELETE FROM "SearchEntry" WHERE "kind" = ${kind} AND "refId" = ${refId}`);
}

/** Who is searching: their unit's path and status, and the subtrees they manage for a kind (they see all there). */
export type SearchViewer = { unitPath: string; politicalStatus: string; managedPaths: string[] };

export function searchViewer(person: { unitPath: string; politicalStatus: string; grants: readonly Grant[] }, manage: Permission): SearchViewer {
  return { unitPath: person.unitPath, politicalStatus: person.politicalStatus, managedPaths: scopePaths(person.grants, manage) };
}

/** The paths from the root down to a unit: "/1/4/9/" → "/1/", "/1/4/", "/1/4/9/". */
export function ancestorPaths(unitPath: string): string[] {
  const ids = unitIdsOnPath(unitPath);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join("/")}/`);
}

/** The condition on entry `e` that the viewer may see it; the same rule as `audienceAdmits`, in SQL. */
export function visibleTo(viewer: SearchViewer) {
  return anyOf([
    sql`e."audience" = 'public'`,
    sql`(e."unitPath" ${inList(ancestorPaths(viewer.unitPath))} AND (e."audience" = 'subtree' OR (e."audience" = 'status' AND e."statuses" LIKE ${`%,${viewer.politicalStatus},%`})))`,
    ...viewer.managedPaths.map((p) => sql`e."unitPath" LIKE ${`${p}%`}`),
  ]);
}

export type SearchHit = { kind: SearchKind; refId: number; title: string; excerpt: string; unitPath: string; score: number };

/**
 * The entries of a kind having every term of the query that the viewer may see, best first (the sum of
 * the terms' weights, then the newest). `underPath` narrows to one unit's subtree. Empty for a query
 * without terms.
 */
export async function searchEntries(
  db: SqlRunner,
  viewer: SearchViewer,
  query: string,
  { kind, underPath, limit = 50 }: { kind: SearchKind; underPath?: string; limit?: number },
): Promise<SearchHit[]> {
  const terms = queryTerms(query);
  if (terms.length === 0) return [];
  // The postings are summed per entry first (narrow rows: id and weight), then joined to the entries for
  // the scope. CROSS JOIN (portable; PostgreSQL plans it as the inner join it is) keeps SQLite from
  // walking every entry of the kind and probing each for the terms, as it chose with a plain JOIN:
  // 10,000 probes per query at 10,000 documents (library-search bench, decision 050).
  const rows = await db.all<Omit<SearchHit, "score"> & { score: number }>(
    sql`SELECT e."kind", e."refId", e."title", e."excerpt", e."unitPath", m."score"
        FROM (SELECT t."entryId", SUM(t."weight") AS "score" FROM "SearchTerm" t WHERE t."term" ${inList(terms)}
              GROUP BY t."entryId" HAVING COUNT(*) = ${terms.length}) m
        CROSS JOIN "SearchEntry" e
        WHERE e."id" = m."entryId" AND e."kind" = ${kind} AND ${visibleTo(viewer)}
          ${underPath ? sql`AND e."unitPath" LIKE ${`${underPath}%`}` : raw("")}
        ORDER BY m."score" DESC, e."id" DESC
        LIMIT ${limit}`,
  );
  return rows.map((r) => ({ ...r, score: Number(r.score) }));
}

/** The entries having every term of the query, as a subquery of ids and scores (see searchEntries for why it comes first). */
function matching(terms: readonly string[]) {
  return sql`(SELECT t."entryId", SUM(t."weight") AS "score" FROM "SearchTerm" t WHERE t."term" ${inList(terms)}
              GROUP BY t."entryId" HAVING COUNT(*) = ${terms.length}) m`;
}

/**
 * Search across kinds: `scope` is a condition on the entry `e` that the caller builds from who is
 * searching (site-search), so what she may not see is neither listed nor counted. Returns the count of
 * each kind found and one page of hits, of `kind` when given.
 */
export async function searchScoped(
  db: SqlRunner,
  query: string,
  scope: Sql,
  { kind, limit = 20, offset = 0 }: { kind?: SearchKind; limit?: number; offset?: number },
): Promise<{ counts: Map<SearchKind, number>; hits: SearchHit[] }> {
  const terms = queryTerms(query);
  if (terms.length === 0) return { counts: new Map(), hits: [] };
  const counted = await db.all<{ kind: SearchKind; n: number }>(
    sql`SELECT e."kind", COUNT(*) AS "n" FROM ${matching(terms)} CROSS JOIN "SearchEntry" e
        WHERE e."id" = m."entryId" AND ${scope} GROUP BY e."kind"`,
  );
  const rows = await db.all<Omit<SearchHit, "score"> & { score: number }>(
    sql`SELECT e."kind", e."refId", e."title", e."excerpt", e."unitPath", m."score" FROM ${matching(terms)} CROSS JOIN "SearchEntry" e
        WHERE e."id" = m."entryId" AND ${scope} ${kind ? sql`AND e."kind" = ${kind}` : raw("")}
        ORDER BY m."score" DESC, e."id" DESC
        LIMIT ${limit} OFFSET ${offset}`,
  );
  return { counts: new Map(counted.map((c) => [c.kind, Number(c.n)])), hits: rows.map((r) => ({ ...r, score: Number(r.score) })) };
}
