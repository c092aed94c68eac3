import crypto from "node:crypto";
import { type PreparedText, bandKeys, minhashSignature, passageKeys, prepareText, signatureBytes } from "~/lib/similarity/fingerprint";
import { type SqlRunner, join, sql } from "../sql";
import { commonPhrases } from "./common-phrases";

// Fingerprints as stored: one SimilarityText row per submission or lesson, its LSH band keys
// (SimilarityBand, decision 045) and its passage keys (SimilarityPassageKey, decision 046), found
// again by key when another text is checked. Written in a transaction of the async data layer
// (decision 074: the report's writer in the server, and the bench), with portable SQL (decision 037).

/** `corpusAt`: when the frequent shingles it ignored were counted (null: none were). */
export type TextFingerprint = {
  textHash: string;
  chars: number;
  signature: Uint8Array | null;
  /** LSH band keys, one per band. */
  keys: number[];
  /** Distinct passage keys. */
  passageKeys: number[];
  corpusAt: Date | null;
};
export type FingerprintOwner = { submissionId: number; version: number } | { lessonId: number };

export const textHash = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

export function fingerprintOf(
  text: string,
  hash = textHash(text),
  prepared: PreparedText = prepareText(text, commonPhrases()),
  corpusAt: Date | null = null,
): TextFingerprint {
  const sig = minhashSignature(prepared);
  return {
    textHash: hash,
    chars: prepared.norm.text.length,
    signature: sig && signatureBytes(sig),
    keys: sig ? bandKeys(sig) : [],
    passageKeys: passageKeys(prepared),
    corpusAt,
  };
}

/** Rows per INSERT of passage keys: two parameters each, well under SQLite's limit. */
const KEYS_PER_INSERT = 1_000;

/** Replaces the owner's fingerprint, its bands and its passage keys (never a later version's). Run it inside the caller's transaction. */
export async function storeFingerprint(db: SqlRunner, owner: FingerprintOwner, fp: TextFingerprint, now = new Date()) {
  const signature = fp.signature ? Buffer.from(fp.signature.buffer, fp.signature.byteOffset, fp.signature.byteLength) : null;
  const row =
    "submissionId" in owner
      ? await db.get<{ id: number }>(
          sql`INSERT INTO "SimilarityText" ("submissionId", "version", "textHash", "chars", "signature", "corpusAt", "updatedAt")
              VALUES (${owner.submissionId}, ${owner.version}, ${fp.textHash}, ${fp.chars}, ${signature}, ${fp.corpusAt}, ${now})
              ON CONFLICT ("submissionId") DO UPDATE SET "version" = excluded."version", "textHash" = excluded."textHash",
                "chars" = excluded."chars", "signature" = excluded."signature", "corpusAt" = excluded."corpusAt", "updatedAt" = excluded."updatedAt"
              WHERE "SimilarityText"."version" <= excluded."version"
              RETURNING "id"`,
        )
      : await db.get<{ id: number }>(
          sql`INSERT INTO "SimilarityText" ("lessonId", "textHash", "chars", "signature", "corpusAt", "updatedAt")
              VALUES (${owner.lessonId}, ${fp.textHash}, ${fp.chars}, ${signature}, ${fp.corpusAt}, ${now})
              ON CONFLICT ("lessonId") DO UPDATE SET "textHash" = excluded."textHash",
                "chars" = excluded."chars", "signature" = excluded."signature", "corpusAt" = excluded."corpusAt", "updatedAt" = excluded."updatedAt"
              RETURNING "id"`,
        );
  // No row: a later version of the submission was fingerprinted already (checks finishing out of order).
  if (!row) return;
  await db.run(sql`DELETE FROM "SimilarityBand" WHERE "textId" = ${row.id}`);
  if (fp.keys.length)
    await db.run(sql`INSERT INTO "SimilarityBand" ("textId", "band", "key") VALUES ${join(fp.keys.map((key, band) => sql`(${row.id}, ${band}, ${key})`))}`);
  await db.run(sql`DELETE FROM "SimilarityPassageKey" WHERE "textId" = ${row.id}`);
  for (let from = 0; from < fp.passageKeys.length; from += KEYS_PER_INSERT) {
    const keys = fp.passageKeys.slice(from, from + KEYS_PER_INSERT);
    await db.run(sql`INSERT INTO "SimilarityPassageKey" ("key", "textId") VALUES ${join(keys.map((key) => sql`(${key}, ${row.id})`))}`);
  }
}

export type CorpusCount = { computedAt: Date; basisAt: Date; texts: number; shingles: Uint8Array };

/** Keeps a fresh count of the corpus' frequent shingles, and only the latest. */
export async function storeCorpus(db: SqlRunner, corpus: CorpusCount) {
  const bytes = Buffer.from(corpus.shingles.buffer, corpus.shingles.byteOffset, corpus.shingles.byteLength);
  const row = (await db.get<{ id: number }>(
    sql`INSERT INTO "SimilarityCorpus" ("computedAt", "basisAt", "texts", "shingles")
        VALUES (${corpus.computedAt}, ${corpus.basisAt}, ${corpus.texts}, ${bytes}) RETURNING "id"`,
  ))!;
  await db.run(sql`DELETE FROM "SimilarityCorpus" WHERE "id" < ${row.id}`);
}
