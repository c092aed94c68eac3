import type Database from "better-sqlite3";
import { type SourceRef, checkAgainst } from "~/lib/similarity/check";
import { type PreparedText, prepareText } from "~/lib/similarity/fingerprint";
import { proseOfMdx } from "~/lib/similarity/mdx-text";
import { type StoredMatch, excerptOf } from "~/lib/similarity/report";
import { all, get, inList, sql } from "../sql";
import { commonPhrases } from "./common-phrases";
import { type TextFingerprint, fingerprintOf, textHash } from "./fingerprints";

// One check, as the check's thread runs it on a read-only connection of its own: the submission's
// handed-in text is fingerprinted; its LSH band keys find the candidates among the stored fingerprints
// in its scope (the same assignment's other submissions; submissions to earlier assignments of the same
// kind, i.e. earlier classes; every published lesson); each candidate is compared in full. Lessons
// published or changed since their last fingerprint, and submissions in scope handed in without one
// (before the check existed, or at the same moment as this one), are fingerprinted here too and
// compared when they share a band. Nothing is written:
// the server stores what this returns (runner.ts), so a check stopped at its time limit leaves nothing
// half-written.

/** Candidates compared in full at most, those sharing the most bands first: bounds a check whatever the corpus. */
export const MAX_CANDIDATES = 300;
/** Submissions in scope fingerprinted by one check at most: a backlog (texts handed in before the check existed) drains over several. */
export const MAX_BACKLOG = 200;

export type CheckOutcome = {
  submission: { submissionId: number; version: number; fingerprint: TextFingerprint };
  /** Submissions in scope handed in without a fingerprint of their current version yet (before this check existed, or at the same moment). */
  others: { submissionId: number; version: number; fingerprint: TextFingerprint }[];
  lessons: { lessonId: number; fingerprint: TextFingerprint }[];
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

export function runCheck(db: Database.Database, reportId: number): CheckOutcome {
  const subject = get<Subject>(
    db,
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
  const mine = prepareText(text, phrases);
  const fingerprint = fingerprintOf(text, textHash(text), mine);

  const lessons = staleLessons(db).map((l) => ({ lessonId: l.id, fingerprint: fingerprintOf(proseOfMdx(l.body), l.bodyHash) }));
  const others = staleSubmissions(db, subject).map((o) => {
    const original = o.text ?? o.current;
    const prepared = prepareText(original, phrases);
    return { submissionId: o.id, version: o.version, original, prepared, fingerprint: fingerprintOf(original, textHash(original), prepared) };
  });
  const refreshed = new Set(others.map((o) => o.submissionId));
  const keys = new Set(fingerprint.keys);
  const candidates = fingerprint.keys.length
    ? all<{ id: number; submissionId: number | null; lessonId: number | null; version: number | null; shared: number | bigint }>(
        db,
        sql`SELECT t."id", t."submissionId", t."lessonId", t."version", COUNT(*) AS "shared"
            FROM "SimilarityBand" b
            JOIN "SimilarityText" t ON t."id" = b."textId"
            LEFT JOIN "Submission" s ON s."id" = t."submissionId"
            LEFT JOIN "Assignment" a ON a."id" = s."assignmentId"
            LEFT JOIN "Lesson" l ON l."id" = t."lessonId"
            LEFT JOIN "Course" c ON c."id" = l."courseId"
            WHERE b."key" ${inList(fingerprint.keys)}
              AND ((s."id" IS NOT NULL AND s."id" <> ${subject.submissionId} AND s."personId" <> ${subject.personId}
                    AND (s."assignmentId" = ${subject.assignmentId} OR (a."kind" = ${subject.kind} AND a."opensAt" <= ${subject.opensAt})))
                OR (l."id" IS NOT NULL AND l."archivedAt" IS NULL AND c."status" = 'published'))
            GROUP BY t."id", t."submissionId", t."lessonId", t."version"
            ORDER BY COUNT(*) DESC, t."id"
            LIMIT ${MAX_CANDIDATES}`,
      )
    : [];
  const fresh = new Set(lessons.map((l) => l.lessonId));
  const lessonIds = [
    ...candidates.filter((c) => c.lessonId !== null && !fresh.has(c.lessonId)).map((c) => c.lessonId!),
    ...lessons.filter((l) => l.fingerprint.keys.some((k) => keys.has(k))).map((l) => l.lessonId),
  ];
  const sources: { ref: SourceRef; text: PreparedText; original: string; version?: number }[] = [];
  for (const o of others) {
    if (o.fingerprint.keys.some((k) => keys.has(k)))
      sources.push({ ref: { kind: "submission", id: o.submissionId }, text: o.prepared, original: o.original, version: o.version });
  }
  for (const c of candidates) {
    if (c.submissionId === null || refreshed.has(c.submissionId)) continue;
    const row = get<{ text: string | null; current: string }>(
      db,
      sql`SELECT v."text", s."text" AS "current" FROM "Submission" s
          LEFT JOIN "SubmissionVersion" v ON v."submissionId" = s."id" AND v."version" = ${c.version}
          WHERE s."id" = ${c.submissionId}`,
    );
    if (!row) continue;
    const original = row.text ?? row.current;
    sources.push({ ref: { kind: "submission", id: c.submissionId }, text: prepareText(original, phrases), original, version: c.version ?? 0 });
  }
  if (lessonIds.length) {
    for (const l of all<{ id: number; body: string }>(db, sql`SELECT "id", "body" FROM "Lesson" WHERE "id" ${inList(lessonIds)} ORDER BY "id"`)) {
      const prose = proseOfMdx(l.body);
      sources.push({ ref: { kind: "lesson", id: l.id }, text: prepareText(prose, phrases), original: prose });
    }
  }

  const result = checkAgainst(mine, sources);
  const byRef = new Map(sources.map((s) => [`${s.ref.kind}:${s.ref.id}`, s]));
  const matches: StoredMatch[] = result.matches.map((m) => {
    const source = byRef.get(`${m.source.kind}:${m.source.id}`)!;
    return {
      source: m.source.kind === "submission" ? { kind: "submission", id: m.source.id, version: source.version ?? 0 } : { kind: "lesson", id: m.source.id },
      permille: m.permille,
      passages: m.passages.map((p) => ({ sub: p.sub, ...excerptOf(source.original, p.src) })),
    };
  });
  return {
    submission: { submissionId: subject.submissionId, version: subject.version, fingerprint },
    others: others.map((o) => ({ submissionId: o.submissionId, version: o.version, fingerprint: o.fingerprint })),
    lessons,
    permille: result.permille,
    matches,
    candidates: sources.length,
  };
}

/** Published lessons whose text has no fingerprint yet, or an older one. */
function staleLessons(db: Database.Database) {
  return all<{ id: number; body: string; bodyHash: string }>(
    db,
    sql`SELECT l."id", l."body", l."bodyHash" FROM "Lesson" l
        JOIN "Course" c ON c."id" = l."courseId"
        LEFT JOIN "SimilarityText" t ON t."lessonId" = l."id"
        WHERE c."status" = 'published' AND l."archivedAt" IS NULL AND (t."id" IS NULL OR t."textHash" <> l."bodyHash")
        ORDER BY l."id"`,
  );
}

/** The scope's other hand-ins whose current version has no fingerprint yet: the same assignment, or an earlier one of the same kind. */
function staleSubmissions(db: Database.Database, subject: Subject) {
  return all<{ id: number; version: number; text: string | null; current: string }>(
    db,
    sql`SELECT s."id", s."version", v."text", s."text" AS "current"
        FROM "Submission" s
        JOIN "Assignment" a ON a."id" = s."assignmentId"
        LEFT JOIN "SubmissionVersion" v ON v."submissionId" = s."id" AND v."version" = s."version"
        LEFT JOIN "SimilarityText" t ON t."submissionId" = s."id"
        WHERE s."version" >= 1 AND s."id" <> ${subject.submissionId} AND s."personId" <> ${subject.personId}
          AND (s."assignmentId" = ${subject.assignmentId} OR (a."kind" = ${subject.kind} AND a."opensAt" <= ${subject.opensAt}))
          AND (t."id" IS NULL OR t."version" < s."version")
        ORDER BY s."id"
        LIMIT ${MAX_BACKLOG}`,
  );
}
