import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type MdxNode, sanitizeTree } from "~/lib/mdx-tree";
import { sqlDb } from "../db";
import { env } from "../env";
import { leaveTurn } from "../http/context";
import { log } from "../ops/log";
import { type SqlRunner, sql } from "../sql";
import { type CompileOptions } from "./mdx-compile";
import { type CompileOwner, SYSTEM, mdxCompiler } from "./mdx-worker-pool";

// Compiled lessons, cached by a hash of what they were compiled from: in memory, and in the database
// (the MdxCache table), so a restart does not compile everything again and a lesson compiled on one
// node at publishing is read by every node (decision 082). Compiles run one at a time in a
// worker thread with a size, time and memory limit (mdx-worker-pool.ts: esbuild is quick, but twenty
// trainers pressing 预览 at once should not take both cores, and no body may stall the pages), and
// only on publishing, previewing and syncing content: a learner's page reads the cache and never
// waits for a compile. The same body asked for twice while it compiles is compiled once.
// Before, the second level was files under DATA_DIR/cache/mdx, which a node with a folder of its own
// (or S3 storage) did not share: such a file is still read, once, and copied into the table.

/** Bump when the compiler's output changes shape, so old cache entries are not used. */
const COMPILER_VERSION = "1";
const MEMORY_ENTRIES = 500;

const memory = new Map<string, MdxNode[]>();

export function mdxHash(body: string, checkpointIds: readonly string[] = []): string {
  return crypto.createHash("sha256").update(`${COMPILER_VERSION}\0${checkpointIds.join(",")}\0${body}`).digest("hex");
}

/** The cache file of before (decision 082): read when the table has no row, and copied into it. */
function legacyFile(hash: string) {
  return path.join(env.dataDir, "cache", "mdx", `${hash}.json`);
}

function remember(hash: string, tree: MdxNode[]) {
  memory.delete(hash);
  memory.set(hash, tree);
  if (memory.size > MEMORY_ENTRIES) memory.delete(memory.keys().next().value!);
}

/** The cached tree, or null: never compiles. `cache`: the database whose table is read (the app's). */
export async function cachedTree(hash: string, cache: SqlRunner = sqlDb()): Promise<MdxNode[] | null> {
  const hit = memory.get(hash);
  if (hit) {
    remember(hash, hit);
    return hit;
  }
  const row = await cache.get<{ tree: string }>(sql`SELECT "tree" FROM "MdxCache" WHERE "hash" = ${hash}`);
  if (row) {
    const tree = sanitizeTree(JSON.parse(row.tree) as unknown[]);
    remember(hash, tree);
    return tree;
  }
  let text: string;
  try {
    text = await fs.promises.readFile(legacyFile(hash), "utf8");
  } catch {
    return null;
  }
  const tree = sanitizeTree(JSON.parse(text) as unknown[]);
  await store(hash, tree, cache);
  return tree;
}

const inFlight = new Map<string, Promise<MdxNode[]>>();

/**
 * Compiles (in the worker, after the compiles already asked for) unless already cached, and caches
 * the result. Throws MdxRejected with the problems when the MDX is refused; nothing is cached then.
 * `cache`: the database to cache it in, the app's unless content is synced into a file of its own (the
 * demo seed for PostgreSQL writes a SQLite file, then moves it in: the trees move with it).
 */
export async function compileCached(
  body: string,
  options: CompileOptions & { checkpointIds?: readonly string[] } = {},
  owner: CompileOwner = SYSTEM,
  cache: SqlRunner = sqlDb(),
) {
  const hash = mdxHash(body, options.checkpointIds);
  const cached = await cachedTree(hash, cache);
  if (cached) {
    // Found in this process's memory, perhaps compiled for another database: written into this one too.
    if (cache !== sqlDb()) await store(hash, cached, cache);
    return { hash, tree: cached };
  }
  // Line numbers in problems depend on the offset, so only compiles with the same offset are shared.
  const key = `${hash}:${options.lineOffset ?? 0}`;
  let compiling = inFlight.get(key);
  if (!compiling) {
    compiling = mdxCompiler()
      .compile(body, options, owner)
      .then(async (tree) => {
        await store(hash, tree, cache);
        return tree;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, compiling);
  }
  // The compile is the worker thread's, and may wait behind others' in its queue: the request's turn goes to the next (decision 094).
  leaveTurn();
  return { hash, tree: await compiling };
}

/** Kept in memory and in the table. A failed write is logged, not thrown: the tree is good, and a node that misses it compiles it again. */
async function store(hash: string, tree: MdxNode[], cache: SqlRunner) {
  remember(hash, tree);
  try {
    await cache.run(
      sql`INSERT INTO "MdxCache" ("hash", "tree", "createdAt") VALUES (${hash}, ${JSON.stringify(tree)}, ${new Date()}) ON CONFLICT ("hash") DO NOTHING`,
    );
  } catch (e) {
    log.error("mdx cache write failed", e, { hash });
  }
}

/**
 * For a page that found no cached tree (the cache was cleared): compile in the background and let the
 * page say the content is being prepared. The request does not wait for the compiler.
 */
export function compileInBackground(body: string, checkpointIds: readonly string[] = []) {
  compileCached(body, { checkpointIds }).catch(() => {
    // Published MDX was checked when it was published; a failure here has nothing to tell the reader.
  });
}

/** How long a tree no course or lesson uses (a preview, a body since replaced) stays in the table. */
export const UNUSED_TREE_DAYS = 30;
const PRUNE_BATCH = 500;

/**
 * Deletes up to a batch of cached trees that no course or lesson is published with and that were made
 * more than UNUSED_TREE_DAYS ago: a trainer's previews and replaced bodies, which otherwise pile up for
 * years. A tree in use is never deleted (its page would have to wait for a compile); one deleted and
 * wanted again, by a revision waiting for review, say, is compiled again when it is published.
 * Returns how many rows went. For the sweeper.
 */
export async function pruneUnusedTrees(now = new Date(), db: SqlRunner = sqlDb()): Promise<number> {
  const before = new Date(now.getTime() - UNUSED_TREE_DAYS * 86_400_000);
  return db.run(
    sql`DELETE FROM "MdxCache" WHERE "hash" IN (
      SELECT m."hash" FROM "MdxCache" m
      WHERE m."createdAt" < ${before}
        AND NOT EXISTS (SELECT 1 FROM "Course" c WHERE c."bodyHash" = m."hash")
        AND NOT EXISTS (SELECT 1 FROM "Lesson" l WHERE l."bodyHash" = m."hash")
      LIMIT ${PRUNE_BATCH})`,
  );
}
