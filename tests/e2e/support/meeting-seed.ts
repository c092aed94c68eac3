import { openFactory } from "../../factories";
import { DEMO_PASSWORD } from "../../../prisma/seed";
import { E2E_DB } from "./paths";
import { uniqueSuffix } from "./quiz-seed";

// A unit of its own for the meetings spec (decision 056), written into the shared e2e database while
// the server runs: a secretary and one member, so the meeting's absentees, leave and 补学 touch nobody
// another spec counts. A temporary unit under the root, outside every college's reports.

export async function seedMeetingUnit() {
  const suffix = uniqueSuffix();
  const f = openFactory(E2E_DB);
  try {
    const root = f.db.prepare(`SELECT "id", "path", "depth", "name", "kind" FROM "OrgUnit" WHERE "parentId" IS NULL ORDER BY "id" LIMIT 1`).get() as {
      id: number;
      path: string;
      depth: number;
      name: string;
      kind: string;
    };
    const unit = f.unit({ name: `会议演练临时党支部-${suffix}`, kind: "temporary", parent: root });
    const secretary = { username: `msec${suffix}`, name: `会书记${suffix.slice(0, 3)}` };
    const member = { username: `mmem${suffix}`, name: `会党员${suffix.slice(0, 3)}` };
    const secId = f.person({ number: secretary.username, name: secretary.name, unitId: unit.id, politicalStatus: "member" });
    const memId = f.person({ number: member.username, name: member.name, unitId: unit.id, politicalStatus: "member" });
    await f.password(secId, DEMO_PASSWORD);
    await f.password(memId, DEMO_PASSWORD);
    f.grant(secId, "secretary", unit.id);
    return { unitId: unit.id, secretary, member };
  } finally {
    f.close();
  }
}
