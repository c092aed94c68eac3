import type Database from "better-sqlite3";
import { newCodeSecret } from "../app/.server/activities/checkin-code";
import { CHINA_OFFSET_MS } from "../app/lib/dates";
import { all, get, inList, run, sql } from "../app/.server/sql";

// The demo's coming meetings (decision 057): the history seed stops at today, so nothing would be
// upcoming on anybody's to-do list. Each unit a demo account belongs to gets next week's 主题党日
// (Tuesday 14:00 Beijing time, at least two days ahead), and 计算机学院党委 a 党课 for everyone below it
// the Thursday after: every demo account's home and calendar show a meeting, whatever else is due.

const DEMO_NUMBERS = ["admin", "trainer", "secretary", "branchsec", "member", "cadre", "target", "activist"];
const DAY = 86_400_000;

/** The next Tuesday (China) at least two days after `now`, at 14:00 Beijing time, as an instant. */
export function nextTuesdayAfternoon(now: Date): Date {
  const wall = new Date(now.getTime() + CHINA_OFFSET_MS + 2 * DAY);
  const days = (2 - wall.getUTCDay() + 7) % 7;
  return new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate() + days, 14) - CHINA_OFFSET_MS);
}

export function seedDemoUpcomingMeetings(db: Database.Database, now: Date): { meetings: number } {
  const units = all<{ unitId: number; personId: number }>(
    db,
    sql`SELECT "unitId", MIN("id") AS "personId" FROM "Person" WHERE "number" ${inList(DEMO_NUMBERS)} GROUP BY "unitId"`,
  );
  const start = nextTuesdayAfternoon(now);
  const month = new Date(start.getTime() + CHINA_OFFSET_MS).getUTCMonth() + 1;
  const add = (unitId: number, kind: string, title: string, startsAt: Date, createdById: number) =>
    run(
      db,
      sql`INSERT INTO "Activity" ("unitId", "kind", "title", "startsAt", "endsAt", "checkinOpensAt", "checkinClosesAt", "hours", "codeSecret", "status", "createdById", "createdAt", "updatedAt")
          VALUES (${unitId}, ${kind}, ${title}, ${startsAt}, ${new Date(startsAt.getTime() + 2 * 3_600_000)}, ${new Date(startsAt.getTime() - 30 * 60_000)},
            ${new Date(startsAt.getTime() + 2 * 3_600_000)}, 200, ${newCodeSecret()}, 'open', ${createdById}, ${now}, ${now})`,
    );
  for (const u of units) add(u.unitId, "theme_day", `${month}月主题党日：学习贯彻党的二十届四中全会精神`, start, u.personId);
  const cs = get<{ id: number; personId: number }>(
    db,
    sql`SELECT u."id", p."id" AS "personId" FROM "OrgUnit" u JOIN "Person" p ON p."number" = 'secretary' WHERE u."name" = '计算机学院党委'`,
  );
  if (cs) add(cs.id, "party_lecture", "专题党课：从党史中汲取奋进力量", new Date(start.getTime() + 2 * DAY), cs.personId);
  return { meetings: units.length + (cs ? 1 : 0) };
}
