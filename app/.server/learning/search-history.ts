import { prisma } from "../db";

// What a learner searched for in the catalogue, kept only to suggest electives, and only while the
// person keeps it switched on (Person.keepSearches, decision 033). Switched off, nothing is recorded
// and recommendations ignore what was kept; clearing deletes the rows.

/** How many recent searches recommendations look at. */
const RECENT = 10;

export type SearchHistoryState = { keep: boolean; count: number };

/**
 * The catalogue page's one read of the history: remembers this search (the same search twice in a
 * row is kept once) unless the person switched it off, and returns the switch, how many are kept and
 * the recent searches recommendations may use (none while switched off).
 */
export async function catalogueSearches(personId: number, query: string): Promise<SearchHistoryState & { recent: string[] }> {
  const person = await prisma.person.findUniqueOrThrow({
    where: { id: personId },
    select: {
      keepSearches: true,
      _count: { select: { courseSearches: true } },
      courseSearches: { select: { query: true }, orderBy: { id: "desc" }, take: RECENT },
    },
  });
  const keep = person.keepSearches;
  let recent = person.courseSearches.map((s) => s.query);
  let count = person._count.courseSearches;
  const q = query.trim().slice(0, 50);
  if (keep && q && recent[0] !== q) {
    await prisma.courseSearch.create({ data: { personId, query: q } });
    recent = [q, ...recent].slice(0, RECENT);
    count += 1;
  }
  return { keep, count, recent: keep ? recent : [] };
}

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
