import { sqlDb } from "../db";
import { hoursForYear } from "../hours/ledger";
import { noticesForPerson } from "../notices/notices";
import { pageLevelsOf } from "../pages/pages";
import { sql } from "../sql";
import { dutiesOf } from "../todo/duties";
import { todoListOf } from "../todo/todo";
import { AppError } from "~/lib/app-error";
import { ledgerYear } from "~/lib/hours";
import { type Grant } from "~/lib/permissions";

// What the home page shows a signed-in person: first what she has to do (her to-do list, and for a
// secretary, administrator or trainer what waits for her in her scope), then what is there today: their
// unit, this year's 学时 so far (the ledger's year, China time), the notices of every unit on their path
// and the pages of those units (the committee, their college, their branch: the "four in one" levels of
// docs/decisions/051).

export async function homePage(person: { id: number; unitId: number; grants: readonly Grant[] }, now = new Date()) {
  // Every read of the home page is raw SQL on prepared statements (decision 059): it is the landing page.
  const unit = await sqlDb().get<{ name: string; path: string }>(sql`SELECT "name", "path" FROM "OrgUnit" WHERE "id" = ${person.unitId}`);
  if (!unit) throw new AppError("not_found", "党组织不存在");
  const year = ledgerYear(now);
  const todo = await todoListOf(person.id, now);
  const duties = await dutiesOf(person, now);
  const [notices, hours, pageLevels] = await Promise.all([noticesForPerson(unit.path), hoursForYear(person.id, year), pageLevelsOf(unit.path)]);
  return { unitName: unit.name, year, hoursTotal: hours.total, notices, pageLevels, todo, duties };
}
