import type Database from "better-sqlite3";
import { type SqlRunner, type Sql, get, sql } from "../sql";
import { type IndexEntry, writeEntry, writeEntryOn } from "../search/search-index";

// A library document's entry in the search index (decision 050): its unit's path and audience, so a
// search is scoped in SQL; its title's terms at once, its text's once extracted.

type Row = { title: string; audience: string; statuses: string | null; unitPath: string };

const documentSql = (documentId: number): Sql =>
  sql`SELECT d."title", d."audience", d."statuses", u."path" AS "unitPath" FROM "LibraryDocument" d JOIN "OrgUnit" u ON u."id" = d."unitId" WHERE d."id" = ${documentId}`;

const entryOf = (documentId: number, doc: Row, excerpt: string): IndexEntry => ({
  kind: "document",
  refId: documentId,
  unitPath: doc.unitPath,
  audience: doc.audience,
  statuses: doc.statuses,
  title: doc.title,
  excerpt,
});

/** Writes the document's entry with these weights, in the caller's transaction of the async data layer (decision 074). */
export async function reindexOn(tx: SqlRunner, documentId: number, weights: ReadonlyMap<string, number>, excerpt: string, now = new Date()) {
  const doc = await tx.get<Row>(documentSql(documentId));
  if (doc) await writeEntryOn(tx, entryOf(documentId, doc, excerpt), weights, now);
}

/** The same on a synchronous connection of a script's own (the demo seed); call inside its transaction. */
export function reindex(db: Database.Database, documentId: number, weights: ReadonlyMap<string, number>, excerpt: string, now = new Date()) {
  const doc = get<Row>(db, documentSql(documentId));
  if (doc) writeEntry(db, entryOf(documentId, doc, excerpt), weights, now);
}
