import { z } from "zod";

// What a similarity report keeps (the JSON of SimilarityReport.matches) and what the grading view is
// given. The source's side of each passage is stored as text with a little context, so the report
// still reads the same when the other submission is revised or the lesson is edited later.

export const REPORT_STATUSES = ["queued", "done", "failed"] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** Longest source passage kept, and the context kept on each side of it. */
export const EXCERPT_CAP = 600;
export const CONTEXT_CHARS = 30;

const range = z.tuple([z.number().int().min(0), z.number().int().min(0)]);
export const StoredMatches = z.array(
  z.object({
    source: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("submission"), id: z.number().int(), version: z.number().int() }),
      z.object({ kind: z.literal("lesson"), id: z.number().int() }),
    ]),
    permille: z.number().int().min(0).max(1000),
    /** Reduced characters of the submission covered by this source (absent in reports made before decision 046). */
    chars: z.number().int().min(0).optional(),
    passages: z.array(z.object({ sub: range, before: z.string(), text: z.string(), after: z.string() })),
  }),
);
export type StoredMatch = z.infer<typeof StoredMatches>[number];

/** The source's passage and its context, cut to the caps. */
export function excerptOf(text: string, [from, to]: [number, number]): { before: string; text: string; after: string } {
  const end = Math.min(to, from + EXCERPT_CAP);
  return {
    before: text.slice(Math.max(0, from - CONTEXT_CHARS), from),
    text: text.slice(from, end) + (end < to ? "…" : ""),
    after: end < to ? "" : text.slice(to, to + CONTEXT_CHARS),
  };
}

/** A passage of the submission with the same context as the source's, for the side-by-side view. */
export function passageInText(text: string, [from, to]: [number, number]) {
  return { before: text.slice(Math.max(0, from - CONTEXT_CHARS), from), text: text.slice(from, to), after: text.slice(to, to + CONTEXT_CHARS) };
}

export type PassageView = { mine: { before: string; text: string; after: string }; theirs: { before: string; text: string; after: string } };
export type SourceView = {
  /** 同期学员 王*明 · 往期学员 李* · the lesson's title with its course. */
  label: string;
  kind: "peer" | "earlier" | "lesson";
  permille: number;
  passages: PassageView[];
};
export type SimilarityReportView =
  | { status: "none" }
  | { status: "queued"; version: number; queuedAt: string }
  | { status: "failed"; version: number; reason: string }
  | {
      status: "done";
      version: number;
      permille: number;
      flagged: boolean;
      flagAt: number;
      /** The most characters found in one source, and the count from which that alone flags. */
      sourceChars: number;
      flagSourceChars: number;
      finishedAt: string;
      sources: SourceView[];
    };
