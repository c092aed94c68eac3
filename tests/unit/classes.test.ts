import { describe, expect, it } from "vitest";
import { checkClassRows, parseClassSheet } from "~/lib/class-import";
import { NewClassSchema, inAudience, kindRefusal, progressSummary, statusChangeRefusal } from "~/lib/classes";

// The pure rules of party-school classes: who each kind of class takes, the one step forward a class
// may take, the learner's done/next/due, and the list import's row checks.

const person = (politicalStatus: string, extra: Partial<{ cadreLevel: string; isCommitteeMember: boolean }> = {}) => ({
  name: "王积极",
  politicalStatus,
  cadreLevel: "none",
  isCommitteeMember: false,
  ...extra,
});

describe("who a class takes", () => {
  it("takes activists into an activist class and says why a target is refused", () => {
    expect(kindRefusal("activist", person("activist"))).toBeNull();
    expect(kindRefusal("activist", person("target"))).toBe("入党积极分子培训班面向入党积极分子，王积极当前为发展对象");
    expect(kindRefusal("target", person("target"))).toBeNull();
    expect(kindRefusal("member", person("probationary"))).toBeNull();
    expect(kindRefusal("member", person("activist"))).toContain("面向预备党员或正式党员");
  });

  it("takes cadres and branch committee members into a cadre class, whatever their status", () => {
    expect(kindRefusal("cadre", person("member", { cadreLevel: "section" }))).toBeNull();
    expect(kindRefusal("cadre", person("member", { isCommitteeMember: true }))).toBeNull();
    expect(kindRefusal("cadre", person("member"))).toBe("干部培训班面向干部和支部委员，王积极不是干部或支部委员");
  });

  it("reads an audience unit as covering its subtree, not its siblings", () => {
    expect(inAudience("/1/7/42/", ["/1/7/"])).toBe(true);
    expect(inAudience("/1/70/", ["/1/7/"])).toBe(false);
  });
});

describe("a class's states", () => {
  it("moves one step forward only, and opens with members and no waiting nominations", () => {
    expect(statusChangeRefusal("draft", "enrolling", { enrolled: 0, nominated: 0 })).toBeNull();
    expect(statusChangeRefusal("draft", "running", { enrolled: 5, nominated: 0 })).toBe("培训班当前为“筹备中”，不能改为“进行中”");
    expect(statusChangeRefusal("enrolling", "running", { enrolled: 0, nominated: 0 })).toBe("还没有在读学员，不能开班");
    expect(statusChangeRefusal("enrolling", "running", { enrolled: 3, nominated: 2 })).toBe("还有 2 条推荐待审核，请先审核再开班");
    expect(statusChangeRefusal("running", "finished", { enrolled: 3, nominated: 0 })).toBeNull();
    expect(statusChangeRefusal("finished", "running", { enrolled: 3, nominated: 0 })).not.toBeNull();
  });

  it("refuses a class that ends before it starts, and one with no audience", () => {
    const parsed = NewClassSchema.safeParse({
      kind: "activist",
      title: "第 1 期",
      term: "1",
      unitId: 1,
      audienceUnitIds: [],
      startsOn: "2026-03-10",
      endsOn: "2026-03-01",
    });
    expect(parsed.success).toBe(false);
    const messages = parsed.error!.issues.map((i) => i.message);
    expect(messages).toContain("请至少选择一个面向的党组织");
    expect(messages).toContain("结束日期不能早于开始日期");
  });
});

describe("a learner's done, next and due", () => {
  const now = new Date("2026-05-10T00:00:00Z");
  const day = (n: number) => new Date(now.getTime() + n * 86_400_000);
  it("counts what is done, picks the first item not done and lists what is due within a week, overdue first", () => {
    const s = progressSummary(
      [
        { key: "a", state: "done", dueAt: day(-5) },
        { key: "b", state: "missed", dueAt: day(-3) },
        { key: "c", state: "todo", dueAt: day(20) },
        { key: "d", state: "todo", dueAt: day(2) },
        { key: "e", state: "todo", dueAt: day(-1) },
        { key: "f", state: "todo", dueAt: null },
      ],
      now,
    );
    expect(s.done).toBe(1);
    expect(s.total).toBe(6);
    expect(s.next?.key).toBe("c");
    expect(s.due.map((i) => [i.key, i.overdue])).toEqual([
      ["e", true],
      ["d", false],
    ]);
  });
});

describe("a class's list import", () => {
  const sheet = [
    ["学号/工号", "姓名"],
    ["2024001", "王积极"],
    ["2024002", ""],
    ["2024001", "王积极"],
    ["9999", ""],
    ["2024003", "李四"],
    ["2024004", "张发展"],
    ["2024005", ""],
  ];
  it("says row by row what is wrong: repeats, unknown numbers, names that do not match, outside the audience, wrong status, already in, oneself", () => {
    const parsed = parseClassSheet(sheet);
    expect(parsed.fileProblems).toEqual([]);
    const people = new Map(
      [
        { id: 1, number: "2024001", name: "王积极", politicalStatus: "activist", unitPath: "/1/7/" },
        { id: 2, number: "2024002", name: "赵在班", politicalStatus: "activist", unitPath: "/1/7/" },
        { id: 3, number: "2024003", name: "李三", politicalStatus: "activist", unitPath: "/1/8/" },
        { id: 4, number: "2024004", name: "张发展", politicalStatus: "target", unitPath: "/1/7/" },
        { id: 5, number: "2024005", name: "钱主办", politicalStatus: "activist", unitPath: "/1/7/" },
      ].map((p) => [p.number, { ...p, cadreLevel: "none", isCommitteeMember: false, unitName: "某支部", disabled: false }]),
    );
    const rows = checkClassRows(
      parsed.rows,
      { kind: "activist", audiencePaths: ["/1/7/"], people, existing: new Map([[2, { status: "enrolled", reason: null }]]), actorId: 5 },
      parsed.header,
    );
    const byRow = Object.fromEntries(rows.map((r) => [r.rowNumber, r.problems.join("；")]));
    expect(byRow[2]).toContain("在文件中重复（另见第 4 行）");
    expect(byRow[3]).toBe("赵在班已是本班学员");
    // A number outside the audience gets the same answer as one that is no account: no name, unit or status.
    expect(byRow[5]).toBe("A 列「学号/工号」：学号/工号“9999”不在本培训班面向的党组织内，或系统中没有此人");
    expect(byRow[6]).toBe("A 列「学号/工号」：学号/工号“2024003”不在本培训班面向的党组织内，或系统中没有此人");
    expect(byRow[7]).toBe("入党积极分子培训班面向入党积极分子，张发展当前为发展对象");
    expect(byRow[8]).toBe("钱主办是导入人本人：不能录取本人，请由其他主办人员办理");
    expect(rows.every((r) => r.person === null)).toBe(true);
  });
});
