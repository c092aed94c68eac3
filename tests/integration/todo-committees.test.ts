import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { storedTimestamp } from "~/lib/timestamp";

// The events source reads who is expected at every 支委会 of a batch in two statements (decision 059),
// where it asked the meeting pages' rule once per meeting. It must list each 支委会 to exactly the people
// of its own unit that rule names (`expectedAttendees`, decision 056): the committee members of the
// unit's subtree when there are any (active party members), else its party members.

// Before any import: the app's env module reads DATABASE_URL once, when it is first imported.
const { testDb } = await vi.hoisted(async () => {
  const { inProcessDatabase } = await import("../support/in-process-db");
  return { testDb: await inProcessDatabase("todo-committees") };
});

const HOUR = 3600_000;
const f = testDb.factory;
const ids: Record<string, number> = {};
const personIds: number[] = [];

beforeAll(() => {
  const college = f.unit({ name: "支委会学院党委", kind: "college" });
  const withCommittee = f.unit({ name: "有支委支部", kind: "branch", branchType: "student", parent: college });
  const without = f.unit({ name: "无支委支部", kind: "branch", branchType: "student", parent: college });
  const person = (key: string, unitId: number, politicalStatus: string, extra: { isCommitteeMember?: boolean; disabled?: boolean } = {}) => {
    ids[key] = f.person({ number: `CM${key}`, name: `支委${key}`, unitId, politicalStatus, ...extra });
    personIds.push(ids[key]);
  };
  person("committee", withCommittee.id, "member", { isCommitteeMember: true });
  person("plain", withCommittee.id, "member");
  person("probationary", withCommittee.id, "probationary");
  person("activist", withCommittee.id, "activist");
  person("n1", without.id, "member");
  person("n2", without.id, "probationary");
  // A disabled committee member does not make the branch's 支委会 a committee-only one; an activist marked as one neither.
  person("gone", without.id, "member", { isCommitteeMember: true, disabled: true });
  person("activistFlag", without.id, "activist", { isCommitteeMember: true });
  // In the college itself: its subtree has a committee member (in the first branch), so its 支委会 is that member's only.
  person("collegeMember", college.id, "member");

  const now = new Date();
  const meeting = (unitId: number, title: string) => {
    const start = new Date(now.getTime() + 24 * HOUR);
    ids[title] = (
      f.db
        .prepare(
          `INSERT INTO "Activity" ("unitId", "kind", "title", "startsAt", "endsAt", "checkinOpensAt", "checkinClosesAt", "hours", "codeSecret", "status", "createdById", "createdAt", "updatedAt")
           VALUES (?, 'committee_meeting', ?, ?, ?, ?, ?, 100, 'secret', 'open', ?, ?, ?) RETURNING "id"`,
        )
        .get(
          unitId,
          title,
          storedTimestamp(start),
          storedTimestamp(new Date(start.getTime() + HOUR)),
          storedTimestamp(start),
          storedTimestamp(start),
          ids.committee,
          storedTimestamp(now),
          storedTimestamp(now),
        ) as { id: number }
    ).id;
  };
  meeting(withCommittee.id, "有支委支部支委会");
  meeting(without.id, "无支委支部支委会");
  meeting(college.id, "学院支委会");
});

afterAll(async () => {
  await testDb.remove();
});

/** Who, of all the people here, sees each meeting (by its title) on their to-do list: one batch through the events source. */
async function whoSees() {
  const { todoPeople } = await import("../../app/.server/todo/people");
  const { TODO_SOURCES } = await import("../../app/.server/todo/todo");
  const people = await todoPeople(personIds);
  const listed = await TODO_SOURCES.events(people, new Date());
  return (title: string) =>
    people
      .filter((p) => (listed.get(p.id) ?? []).some((i) => i.key === `meeting:${ids[title]}`))
      .map((p) => p.id)
      .sort((a, b) => a - b);
}

describe("the 支委会 on the to-do lists of a batch", () => {
  it("go to the people of its unit that the meeting page's rule expects", async () => {
    const { expectedAttendees } = await import("../../app/.server/activities/meetings");
    const seeing = await whoSees();

    expect(seeing("有支委支部支委会")).toEqual([ids.committee]);
    expect(seeing("无支委支部支委会")).toEqual([ids.n1, ids.n2].sort((a, b) => a - b));
    expect(seeing("学院支委会")).toEqual([]);
    // The same as the meeting page's own rule, restricted to the meeting's own unit (a 支委会 is not for the units below).
    for (const title of ["有支委支部支委会", "无支委支部支委会", "学院支委会"]) {
      const { unitId } = f.db.prepare(`SELECT "unitId" FROM "Activity" WHERE "id" = ?`).get(ids[title]) as { unitId: number };
      const ownUnit = new Set((f.db.prepare(`SELECT "id" FROM "Person" WHERE "unitId" = ?`).all(unitId) as { id: number }[]).map((r) => r.id));
      const expected = (await expectedAttendees(ids[title])).map((p) => p.id).filter((id) => ownUnit.has(id));
      expect(seeing(title)).toEqual(expected.sort((a, b) => a - b));
    }
  });

  it("go to exactly the people chosen by hand when the secretary chose them (decision 061), as the meeting page's rule", async () => {
    const { expectedAttendees } = await import("../../app/.server/activities/meetings");
    // The college's 支委会 listed nobody by the rule; chosen by hand: a member of the college, an activist of a branch
    // below, and a disabled member (not expected). The branch without committee: one member only.
    const choose = f.db.prepare(`INSERT INTO "ActivityInvitee" ("activityId", "personId") VALUES (?, ?)`);
    for (const key of ["collegeMember", "activist", "gone"]) choose.run(ids["学院支委会"], ids[key]);
    choose.run(ids["无支委支部支委会"], ids.n1);
    const seeing = await whoSees();

    expect(seeing("学院支委会")).toEqual([ids.collegeMember, ids.activist].sort((a, b) => a - b));
    expect(seeing("无支委支部支委会")).toEqual([ids.n1]);
    expect(seeing("有支委支部支委会")).toEqual([ids.committee]);
    for (const title of ["学院支委会", "无支委支部支委会"]) {
      const expected = (await expectedAttendees(ids[title])).map((p) => p.id);
      expect(seeing(title)).toEqual(expected.sort((a, b) => a - b));
    }
  });
});
