import type { AppError } from "~/lib/app-error";
import { openToPerson, personScope } from "./audience";

// How a person reads quizzes and contests, written once: close what ran past its deadline, keep the
// published papers whose audience covers the person, and say where each stands against its window.
// What each kind selects (its settings, the person's own attempts or entry) stays with the kind.

type Windowed = { opensAt: Date | null; closesAt: Date | null };

export type PaperWindow = "upcoming" | "open" | "closed";

/** Where now stands against a quiz's or a contest's window (an open end never closes). */
export function paperWindow(w: Windowed, now: Date): PaperWindow {
  if (w.opensAt && w.opensAt > now) return "upcoming";
  if (w.closesAt && w.closesAt <= now) return "closed";
  return "open";
}

/** What a person's list and a paper's intro both show of it, whatever its kind. */
export const PAPER_HEAD = { id: true, title: true, opensAt: true, closesAt: true, timeLimitSec: true } as const;

/** The order of a person's list of papers: the soonest to close first. */
export const SOONEST_CLOSING_FIRST = [{ closesAt: "asc" as const }, { id: "asc" as const }];

type OpenFilter = { status: "published"; OR: ({ audiences: ReturnType<typeof openToPerson>["audiences"] } | { id: { in: number[] } })[] };

/**
 * One kind's reads: its sweep of the person's own expired attempts or entries, its query under the filter of who may
 * take part, and, for a kind that has them, the papers open to the person by another link than an
 * audience row (a quiz that is a class's exam or a 补考: ./class-papers.ts).
 */
type PaperReads<W, R> = {
  closeExpired: (now: Date, personId: number) => Promise<unknown>;
  read: (where: W) => Promise<R>;
  linked?: (personId: number) => Promise<number[]>;
};

/** Published, and the person is in its audience or linked to it: the one rule of who may take part. */
async function openFilter(personId: number, linked: ((personId: number) => Promise<number[]>) | undefined): Promise<OpenFilter> {
  const [scope, ids] = await Promise.all([personScope(personId), linked ? linked(personId) : []]);
  const { status, audiences } = openToPerson(scope);
  return { status, OR: [{ audiences }, ...(ids.length > 0 ? [{ id: { in: ids } }] : [])] };
}

/** The papers of one kind open to the person, each with its window. */
export async function papersOpenTo<T extends Windowed>(personId: number, now: Date, kind: PaperReads<OpenFilter, T[]>) {
  await kind.closeExpired(now, personId);
  const rows = await kind.read(await openFilter(personId, kind.linked));
  return rows.map((row) => ({ ...row, window: paperWindow(row, now) }));
}

/** One paper open to the person, with its window; `missing` is the refusal when it is not theirs. */
export async function paperOpenTo<T extends Windowed>(
  personId: number,
  paperId: number,
  now: Date,
  kind: PaperReads<OpenFilter & { id: number }, T | null> & { missing: () => AppError },
) {
  await kind.closeExpired(now, personId);
  const row = await kind.read({ id: paperId, ...(await openFilter(personId, kind.linked)) });
  if (!row) throw kind.missing();
  return { ...row, window: paperWindow(row, now) };
}
