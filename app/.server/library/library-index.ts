import type Database from "better-sqlite3";
import { get, sql } from "../sql";
import { writeEntry } from "../search/search-index";

// A library document's entry in the search index (decision 050): its unit's path and audience, so a
// search is scoped in SQL; its title's terms at once, its text's once extracted.

type Row = { title: string; audience: string; statuses: string | null; unitPath: string };

/** Writes the document's entry with these weights; call inside a raw-connection transaction. */
export function reindex(db: Database.Database, documentId: number, weights: ReadonlyMap<string, number>, excerpt: string, now = new Date()) {
  const doc = get<Row>(
    db,
    sql`SELECT d."title", d."audience", d."statuses", u."path" AS "unitPath" FROM "LibraryDocument" d JOIN "OrgUnit" u ON u."id" = d."unitId" WHERE d."id" = ${documentId}`,
  );
  if (!doc) return;
  writeEntry(
    db,
    { kind: "document", refId: documentId, unitPath: doc.unitPath, audience: doc.audience, statuses: doc.statuses, title: doc.title, excerpt },
    weights,
    now,
  );
}
