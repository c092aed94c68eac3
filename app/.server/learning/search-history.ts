import { prisma } from "../db";

// What a learner searched for in the catalogue, kept only to suggest electives, and only while the
// person keeps it switched on (Person.keepSearches, decision 033). Switched off, nothing is recorded
// and recommendations ignore what was kept; clearing deletes the rows.

/** How many recent searches recommendations look at. */
const RECENT = 10;

/** Remembers a catalogue search (the same search twice in a row is kept once), unless the person switched it off. */
export async function recordSearch(personId: number, query: string) {
  const q = query.trim().slice(0, 50);
  if (!q) return;
  const person = await prisma.person.findUnique({
    where: { id: personId },
    select: { keepSearches: true, courseSearches: { select: { query: true }, orderBy: { id: "desc" }, take: 1 } },
  });
  if (!person?.keepSearches) return;
  if (person.courseSearches[0]?.query !== q) await prisma.courseSearch.create({ data: { personId, query: q } });
}

/** The recent searches recommendations may use: none while the person has switched them off. */
export async function recentSearches(personId: number): Promise<string[]> {
  const person = await prisma.person.findUnique({
    where: { id: personId },
    select: { keepSearches: true, courseSearches: { select: { query: true }, orderBy: { id: "desc" }, take: RECENT } },
  });
  return person?.keepSearches ? person.courseSearches.map((s) => s.query) : [];
}

export type SearchHistoryState = { keep: boolean; count: number };

export async function searchHistoryState(personId: number): Promise<SearchHistoryState> {
  const [person, count] = await Promise.all([
    prisma.person.findUniqueOrThrow({ where: { id: personId }, select: { keepSearches: true } }),
    prisma.courseSearch.count({ where: { personId } }),
  ]);
  return { keep: person.keepSearches, count };
}

export async function setKeepSearches(personId: number, keep: boolean) {
  await prisma.person.update({ where: { id: personId }, data: { keepSearches: keep } });
}

/** Deletes every search the person made; returns how many. */
export async function clearSearches(personId: number): Promise<number> {
  const { count } = await prisma.courseSearch.deleteMany({ where: { personId } });
  return count;
}
