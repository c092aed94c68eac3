import path from "node:path";
import Database from "better-sqlite3";

// The banks and courses kept as files (content/), synced into a SQLite file of its own rather than into
// DATABASE_URL's database: the demo seeded for PostgreSQL (scripts/start.ts) and the tests that build the
// demo as a first start does.

export async function syncContentIntoFile(file: string, root = path.resolve(".")) {
  const [{ syncContentBanks }, { syncContentCourses }, { SqliteSqlDb }] = await Promise.all([
    import("../../app/.server/quiz/banks"),
    import("../../app/.server/content/course-sync"),
    import("../../app/.server/sql-sqlite"),
  ]);
  const raw = new Database(file, { timeout: 5000 });
  try {
    const banks = await syncContentBanks({ dir: path.join(root, "content", "banks"), db: new SqliteSqlDb(raw) });
    const courses = await syncContentCourses({ dir: path.join(root, "content", "courses"), projectRoot: root, db: new SqliteSqlDb(raw) });
    return { banks, courses };
  } finally {
    raw.close();
  }
}
