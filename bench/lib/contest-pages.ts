import fs from "node:fs";
import Database from "better-sqlite3";
import { seedDemoContest } from "../../prisma/seed";
import { pageInReply } from "../../app/lib/autosave";
import { decodeSingleFetch } from "./single-fetch";

// What the contest scenarios that speak as the hydrated page share (contest-morning, contest-step-cost,
// contest-close): a
// fresh demo contest, the contest page's data in a `.data` reply, and the server's CPU time from /proc.

const ROUTE = "routes/contests.$contestId";

/** A question of the paper as the page shows it: its position, type and options (their values, as sent back). */
export type ContestPageItem = { position: number; type: string; options: { value: string }[] };

export type ContestPageData = {
  mode: "intro" | "answering" | "result";
  entryId: number | null;
  items: ContestPageItem[] | null;
  result: { state: string; score: number; place: { place: number } | null; ranking: unknown[] } | null;
};

/** The contest page's data in a route's single-fetch reply (`GET /contests/:id.data`). */
export function contestPageData(text: string): ContestPageData {
  const d = (decodeSingleFetch(text) as Record<string, { data?: ContestPageData } | undefined>)[ROUTE]?.data;
  if (!d) throw new Error(`no ${ROUTE} data in ${text.slice(0, 200)}`);
  return d;
}

/**
 * The page an action brought in its reply (开始's paper, 交卷's result: PAGE_IN_REPLY), or undefined. A
 * server before decision 104 (a second checkout, `BENCH_APP_ROOT`) sent the page as values, not as text.
 */
export function contestPageInReply(text: string): ContestPageData | undefined {
  const data = (decodeSingleFetch(text) as { data?: unknown }).data;
  const page = (data as { page?: unknown } | undefined)?.page;
  return typeof page === "object" && page !== null ? (page as ContestPageData) : pageInReply<ContestPageData>(data);
}

/** A fresh demo contest of its own (its people have no entry yet, whatever ran before), by id. */
export function freshDemoContest(dbFile: string): number {
  if (!seedDemoContest(dbFile, { evenIfOthers: true })) throw new Error("the demo contest could not be seeded (are the banks synced?)");
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare(`SELECT MAX("id") AS "id" FROM "Contest" WHERE "title" = '党史知识竞赛'`).get() as { id: number }).id;
  } finally {
    db.close();
  }
}

/** CPU time (ms) of the process and of every process whose parent it is (the cluster's workers). */
export function treeCpuMs(pid: number): number {
  let ticks = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // The command may hold spaces and parentheses: the fields are after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [ppid, utime, stime] = [Number(fields[1]), Number(fields[11]), Number(fields[12])];
    if (Number(entry) === pid || ppid === pid) ticks += utime + stime;
  }
  return ticks * 10; // USER_HZ is 100
}
