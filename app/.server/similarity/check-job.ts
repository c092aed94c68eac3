import { passageCandidates } from "~/lib/similarity/candidates";
import { type SourceRef, checkAgainst } from "~/lib/similarity/check";
import {
  type PreparedText,
  SHINGLE,
  frequentSetChanged,
  frequentShingles,
  prepareText,
  signatureBytes,
  signatureFromBytes,
} from "~/lib/similarity/fingerprint";
import { proseOfMdx } from "~/lib/similarity/mdx-text";
import { type StoredMatch, excerptOf } from "~/lib/similarity/report";
import { type SqlRunner, inList, sql } from "../sql";
import { commonPhrases } from "./common-phrases";
import { type CorpusCount, type TextFingerprint, fingerprintOf, textHash } from "./fingerprints";

// One check, as the check's thread runs it on a connection of its own (check-worker.ts: a read-only
// SQLite connection, or a one-connection `pg` pool; decision 083): the submission's
// handed-in text is fingerprinted; its LSH band keys (near-copies of the whole text, decision 045) and
// its passage keys (a copied passage, decision 046) find the candidates among the stored fingerprints
// in its scope (the same assignment's other submissions; submissions to earlier assignments of the same
// kind, i.e. earlier classes; every published lesson); each candidate is compared in full. Lessons
// published or changed since their last fingerprint, and submissions in scope handed in without one
// (before the check existed, or at the same moment as this one), are fingerprinted here too and
// compared when they share a band. Nothing is written:
// the server stores what this returns (runner.ts), so a check stopped at its time limit leaves nothing
// half-written. The reads are a fixed handful of statements whatever the class's size (no statement
// per candidate: on PostgreSQL each is a round trip), and the comparison between them is synchronous.

/** Candidates compared in full at most, those sharing the most bands first: bounds a check whatever the corpus. */
export const MAX_CANDIDATES = 300;
/** Texts found by their passage keys compared in full at most, besides those: the densest first. */
export const MAX_PASSAGE_CANDIDATES = 100;
/** The latest hand-ins the corpus' frequent shingles are counted in, and how long that count stands. */
export const CORPUS_SAMPLE = 1_000;
export const CORPUS_MAX_AGE_MS = 24 * 3_600_000;
/** Submissions in scope fingerprinted by one check at most: a backlog (texts handed in before the check existed) drains over several. */
export const MAX_BACKLOG = 200;

export type CheckOutcome = {
  submission: { submissionId: number; version: number; fingerprint: TextFingerprint };
  /** Submissions in scope handed in without a fingerprint of their current version yet (before this check existed, or at the same moment). */
  others: { submissionId: number; version: number; fingerprint: TextFingerprint }[];
  lessons: { lessonId: number; fingerprint: TextFingerprint }[];
  /** The corpus' frequent shingles, when this check computed them afresh. */
  corpus?: CorpusCount;
  permille: number;
  matches: StoredMatch[];
  candidates: number;
};

type Subject = {
  submissionId: number;
  version: number;
  personId: number;
  assignmentId: number;
  kind: string;
  opensAt: string | Date;
  text: string | null;
  current: string;
};

export async function runCheck(db: SqlRunner, reportId: number): Promise<CheckOutcome> {
  const subject = await db.get<Subject>(
    sql`SELECT r."submissionId", r."version", s."personId", s."assignmentId", a."kind", a."opensAt", v."text", s."text" AS "current"
        FROM "SimilarityReport" r
        JOIN "Submission" s ON s."id" = r."submissionId"
        JOIN "Assignment" a ON a."id" = s."assignmentId"
        LEFT JOIN "SubmissionVersion" v ON v."submissionId" = r."submissionId" AND v."version" = r."version"
        WHERE r."id" = ${reportId}`,
  );
  if (!subject) throw new Error(`similarity report ${reportId} has no submission`);
  // The version's text as handed in; a hand-in that kept no version row is the submission's text.
  const text = subject.text ?? subject.current;
  const phrases = commonPhrases();
  const corpus = await frequentInCorpus(db, phrases);
  const prep = (t: string) => prepareText(t, phrases, SHINGLE, corpus.frequent);
  const fingerprintFrom = (t: string, hash: string, prepared: PreparedText) => fingerprintOf(t, hash, prepared, corpus.at);
  const mine = prep(text);
  const fingerprint = fingerprintFrom(text, textHash(text), mine);

  const lessons = (await staleLessons(db, corpus.basisAt)).map((l) => {
    const prose = proseOfMdx(l.body);
    return { lessonId: l.id, fingerprint: fingerprintFrom(prose, l.bodyHash, prep(prose)) };
  });
  const others = (await staleSubmissions(db, subject, corpus.basisAt)).map((o) => {
    const original = o.text ?? o.current;
    const prepared = prep(original);
    return { submissionId: o.id, version: o.version, original, prepared, fingerprint: fingerprintFrom(original, textHash(original), prepared) };
  });
  const refreshed = new Set(others.map((o) => o.submissionId));
  const keys = new Set(fingerprint.keys);
  // Stored texts in the scope: the same assignment's other hand-ins, earlier ones of the same kind (not the person's own), published lessons.
  const inScope = sql`((s."id" IS NOT NULL AND s."id" <> ${subject.submissionId} AND s."personId" <> ${subject.personId}
                    AND (s."assignmentId" = ${subject.assignmentId} OR (a."kind" = ${subject.kind} AND a."opensAt" <= ${subject.opensAt})))
                OR (l."id" IS NOT NULL AND l."archivedAt" IS NULL AND c."status" = 'published'))`;
  const scopeJoins = sql`JOIN "SimilarityText" t ON t."id" = b."textId"
            LEFT JOIN "Submission" s ON s."id" = t."submissionId"
            LEFT JOIN "Assignment" a ON a."id" = s."assignmentId"
            LEFT JOIN "Lesson" l ON l."id" = t."lessonId"
            LEFT JOIN "Course" c ON c."id" = l."courseId"`;
  type Candidate = { id: number; submissionId: number | null; lessonId: number | null; version: number | null };
  // Near-copies of the whole text: the texts sharing an LSH band (decision 045).
  const nearCopies = fingerprint.keys.length
    ? await db.all<Candidate>(
        sql`SELECT t."id", t."submissionId", t."lessonId", t."version"
            FROM "SimilarityBand" b
            ${scopeJoins}
            WHERE b."key" ${inList(fingerprint.keys)} AND ${inScope}
            GROUP BY t."id", t."submissionId", t."lessonId", t."version"
            ORDER BY COUNT(*) DESC, t."id"
            LIMIT ${MAX_CANDIDATES}`,
      )
    : [];
  // Copied passages: the texts holding enough of the submission's passage keys in one stretch of it (decision 046).
  const passageHits = fingerprint.passageKeys.length
    ? await db.all<{ textId: number; key: number }>(
        sql`SELECT b."textId", b."key"
            FROM "SimilarityPassageKey" b
            ${scopeJoins}
            WHERE b."key" ${inList(fingerprint.passageKeys)} AND ${inScope}`,
      )
    : [];
  const withPassages = passageCandidates(mine, passageHits).slice(0, MAX_PASSAGE_CANDIDATES);
  const known = new Set(nearCopies.map((c) => c.id));
  const more = withPassages.filter((c) => !known.has(c.textId)).map((c) => c.textId);
  const candidates = more.length
    ? [
        ...nearCopies,
        ...(await db.all<Candidate>(
          sql`SELECT t."id", t."submissionId", t."lessonId", t."version" FROM "SimilarityText" t WHERE t."id" ${inList(more)} ORDER BY t."id"`,
        )),
      ]
    : nearCopies;
  // Texts fingerprinted by this check: compared when they share a band, or passage keys in one stretch.
  const ownKeys = new Set(fingerprint.passageKeys);
  const othersWithPassages = new Set(
    passageCandidates(
      mine,
      others.flatMap((o, i) => o.fingerprint.passageKeys.filter((k) => ownKeys.has(k)).map((key) => ({ textId: i, key }))),
    ).map((c) => c.textId),
  );
  const meets = (fp: TextFingerprint, i: number) => fp.keys.some((k) => keys.has(k)) || othersWithPassages.has(i);
  const fresh = new Set(lessons.map((l) => l.lessonId));
  const lessonsWithPassages = new Set(
    passageCandidates(
      mine,
      lessons.flatMap((l, i) => l.fingerprint.passageKeys.filter((k) => ownKeys.has(k)).map((key) => ({ textId: i, key }))),
    ).map((c) => c.textId),
  );
  const lessonIds = [
    ...candidates.filter((c) => c.lessonId !== null && !fresh.has(c.lessonId)).map((c) => c.lessonId!),
    ...lessons.filter((l, i) => l.fingerprint.keys.some((k) => keys.has(k)) || lessonsWithPassages.has(i)).map((l) => l.lessonId),
  ];
  const sources: { ref: SourceRef; text: PreparedText; original: string; version?: number }[] = [];
  for (const [i, o] of others.entries()) {
    if (meets(o.fingerprint, i)) sources.push({ ref: { kind: "submission", id: o.submissionId }, text: o.prepared, original: o.original, version: o.version });
  }
  // The stored candidates' texts, in one statement (not one per candidate: on PostgreSQL each is a
  // round trip), compared in the candidates' order: the version fingerprinted, else the submission's text.
  const stored = candidates.filter((c) => c.submissionId !== null && !refreshed.has(c.submissionId));
  const storedTexts = stored.length
    ? await db.all<{ id: number; version: number | null; text: string | null; current: string }>(
        sql`SELECT t."id", t."version", v."text", s."text" AS "current" FROM "SimilarityText" t
            JOIN "Submission" s ON s."id" = t."submissionId"
            LEFT JOIN "SubmissionVersion" v ON v."submissionId" = s."id" AND v."version" = t."version"
            WHERE t."id" ${inList(stored.map((c) => c.id))}`,
      )
    : [];
  const textOf = new Map(storedTexts.map((r) => [r.id, r]));
  for (const c of stored) {
    const row = textOf.get(c.id);
    if (!row) continue;
    const original = row.text ?? row.current;
    sources.push({ ref: { kind: "submission", id: c.submissionId! }, text: prep(original), original, version: row.version ?? 0 });
  }
  if (lessonIds.length) {
    for (const l of await db.all<{ id: number; body: string }>(sql`SELECT "id", "body" FROM "Lesson" WHERE "id" ${inList(lessonIds)} ORDER BY "id"`)) {
      const prose = proseOfMdx(l.body);
      sources.push({ ref: { kind: "lesson", id: l.id }, text: prep(prose), original: prose });
    }
  }

  const result = checkAgainst(mine, sources);
  const byRef = new Map(sources.map((s) => [`${s.ref.kind}:${s.ref.id}`, s]));
  const matches: StoredMatch[] = result.matches.map((m) => {
    const source = byRef.get(`${m.source.kind}:${m.source.id}`)!;
    return {
      source: m.source.kind === "submission" ? { kind: "submission", id: m.source.id, version: source.version ?? 0 } : { kind: "lesson", id: m.source.id },
      permille: m.permille,
      chars: m.chars,
      passages: m.passages.map((p) => ({ sub: p.sub, ...excerptOf(source.original, p.src) })),
    };
  });
  return {
    submission: { submissionId: subject.submissionId, version: subject.version, fingerprint },
    others: others.map((o) => ({ submissionId: o.submissionId, version: o.version, fingerprint: o.fingerprint })),
    lessons,
    corpus: corpus.fresh,
    permille: result.permille,
    matches,
    candidates: sources.length,
  };
}

/** Published lessons whose text has no fingerprint yet, an older one, or one made with an outdated count of frequent shingles. */
function staleLessons(db: SqlRunner, basisAt: Date) {
  return db.all<{ id: number; body: string; bodyHash: string }>(
    sql`SELECT l."id", l."body", l."bodyHash" FROM "Lesson" l
        JOIN "Course" c ON c."id" = l."courseId"
        LEFT JOIN "SimilarityText" t ON t."lessonId" = l."id"
        WHERE c."status" = 'published' AND l."archivedAt" IS NULL
          AND (t."id" IS NULL OR t."textHash" <> l."bodyHash" OR t."corpusAt" IS NULL OR t."corpusAt" < ${basisAt})
        ORDER BY l."id"`,
  );
}

/**
 * The scope's other hand-ins (the same assignment, or an earlier one of the same kind) whose current
 * version has no fingerprint yet, or one made with an outdated count of frequent shingles.
 */
function staleSubmissions(db: SqlRunner, subject: Subject, basisAt: Date) {
  return db.all<{ id: number; version: number; text: string | null; current: string }>(
    sql`SELECT s."id", s."version", v."text", s."text" AS "current"
        FROM "Submission" s
        JOIN "Assignment" a ON a."id" = s."assignmentId"
        LEFT JOIN "SubmissionVersion" v ON v."submissionId" = s."id" AND v."version" = s."version"
        LEFT JOIN "SimilarityText" t ON t."submissionId" = s."id"
        WHERE s."version" >= 1 AND s."id" <> ${subject.submissionId} AND s."personId" <> ${subject.personId}
          AND (s."assignmentId" = ${subject.assignmentId} OR (a."kind" = ${subject.kind} AND a."opensAt" <= ${subject.opensAt}))
          AND (t."id" IS NULL OR t."version" < s."version" OR t."corpusAt" IS NULL OR t."corpusAt" < ${basisAt})
        ORDER BY s."id"
        LIMIT ${MAX_BACKLOG}`,
  );
}

/**
 * The shingles frequent in the corpus (decision 045): the stored count while it is less than a day old
 * and the corpus has not grown by a fifth since a count over a smaller sample; otherwise counted afresh
 * over the latest hand-ins (about 3 s for 1,000 essays of 3,000 characters), and returned for storing.
 * `at` is the count's time, stamped on the fingerprints made with it; fingerprints older than `basisAt`
 * (the last count that changed the set much) are made again, a few hundred a check.
 */
export async function frequentInCorpus(
  db: SqlRunner,
  phrases: string[],
  now = new Date(),
): Promise<{ frequent: Set<number>; at: Date; basisAt: Date; fresh?: CorpusCount }> {
  const stored = await db.get<{ computedAt: string | Date; basisAt: string | Date; texts: number; shingles: Buffer }>(
    sql`SELECT "computedAt", "basisAt", "texts", "shingles" FROM "SimilarityCorpus" ORDER BY "id" DESC LIMIT 1`,
  );
  const handedIn = async () =>
    Number(
      (await db.get<{ n: number | bigint }>(
        sql`SELECT COUNT(*) AS "n" FROM "Submission" s JOIN "Assignment" a ON a."id" = s."assignmentId" WHERE s."version" >= 1 AND a."classId" IS NOT NULL`,
      ))!.n,
    );
  const last = stored && signatureFromBytes(stored.shingles);
  if (
    stored &&
    last &&
    now.getTime() - new Date(stored.computedAt).getTime() < CORPUS_MAX_AGE_MS &&
    (stored.texts >= CORPUS_SAMPLE || (await handedIn()) < stored.texts * 1.2 + 10)
  )
    return { frequent: new Set(last), at: new Date(stored.computedAt), basisAt: new Date(stored.basisAt) };
  const sample = await db.all<{ text: string | null; current: string }>(
    // Class work only: the quarterly 思想汇报 are many more and of another genre, and phrases frequent
    // in them say nothing of what is common in a class's 心得.
    sql`SELECT v."text", s."text" AS "current" FROM "Submission" s
        JOIN "Assignment" a ON a."id" = s."assignmentId"
        LEFT JOIN "SubmissionVersion" v ON v."submissionId" = s."id" AND v."version" = s."version"
        WHERE s."version" >= 1 AND a."classId" IS NOT NULL
        ORDER BY s."submittedAt" DESC, s."id" DESC
        LIMIT ${CORPUS_SAMPLE}`,
  );
  const hashes = frequentShingles(sample.map((r) => prepareText(r.text ?? r.current, phrases)));
  const basisAt = stored && !frequentSetChanged(last ?? null, hashes) ? new Date(stored.basisAt) : now;
  return { frequent: new Set(hashes), at: now, basisAt, fresh: { computedAt: now, basisAt, texts: sample.length, shingles: signatureBytes(hashes) } };
}
