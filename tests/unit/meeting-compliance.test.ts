import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type HeldMeeting, type MeetingRule, complianceForYear, periodIndex, rollUp } from "~/lib/meeting-compliance";
import { currentQuarter, planByMonth, quarterBounds, quarterKey, shiftQuarter } from "~/lib/meeting-plan";
import { parseRulePack } from "~/lib/rule-pack";

// The frequency rules of organisation life: periods in China time, a period not yet over is open (not
// short), a meeting counts in its own period only, and the shipped pack's rules load and cite articles.

const rule = (kind: MeetingRule["kind"], period: MeetingRule["period"], count = 1): MeetingRule => ({
  kind,
  period,
  count,
  basis: "regulation",
  source: "《中国共产党支部工作条例（试行）》（2018）",
  article: "第十一条",
  note: "测试",
});
// 10:00 in Beijing on the given day.
const at = (day: string) => new Date(`${day}T02:00:00Z`);
const m = (kind: HeldMeeting["kind"], day: string): HeldMeeting => ({ kind, startsAt: at(day) });

describe("meeting compliance", () => {
  it("places a meeting in its China-time month and quarter", () => {
    // 31 March 23:30 in Beijing is 15:30 UTC the same day; 1 April 00:30 in Beijing is still 31 March in UTC.
    expect(periodIndex("quarter", new Date("2026-03-31T15:30:00Z"))).toBe(1);
    expect(periodIndex("quarter", new Date("2026-03-31T16:30:00Z"))).toBe(2);
    expect(periodIndex("month", new Date("2026-03-31T16:30:00Z"))).toBe(4);
    expect(periodIndex("year", new Date("2026-07-01T00:00:00Z"))).toBe(1);
  });

  it("marks past periods kept or short and the current one open until kept", () => {
    const now = at("2026-05-15");
    const [quarterly] = complianceForYear(
      [rule("branch_meeting", "quarter")],
      [m("branch_meeting", "2026-02-10"), m("branch_meeting", "2026-02-20")],
      2026,
      now,
    );
    expect(quarterly.periods.map((p) => [p.held, p.state])).toEqual([
      [2, "kept"],
      [0, "open"],
      [0, "open"],
      [0, "open"],
    ]);
    expect([quarterly.kept, quarterly.due]).toEqual([1, 1]);

    const [monthly] = complianceForYear(
      [rule("theme_day", "month")],
      [m("theme_day", "2026-01-05"), m("theme_day", "2026-03-05"), m("theme_day", "2026-05-05")],
      2026,
      now,
    );
    expect(monthly.periods.slice(0, 6).map((p) => p.state)).toEqual(["kept", "short", "kept", "short", "kept", "open"]);
    expect([monthly.kept, monthly.due]).toEqual([3, 5]);
  });

  it("counts only the rule's kind and year, and needs the rule's count", () => {
    const now = at("2027-02-01");
    const meetings = [m("theme_day", "2026-12-20"), m("branch_meeting", "2026-12-21"), m("life_meeting", "2025-12-20")];
    const [life, twice] = complianceForYear([rule("life_meeting", "year"), rule("theme_day", "quarter", 2)], meetings, 2026, now);
    expect(life.periods).toEqual([{ index: 1, label: "全年", held: 0, required: 1, state: "short" }]);
    expect(twice.periods.map((p) => `${p.held}/${p.required} ${p.state}`)).toEqual(["0/2 short", "0/2 short", "0/2 short", "1/2 short"]);
    // A year in the future owes nothing yet.
    const [future] = complianceForYear([rule("life_meeting", "year")], [], 2028, now);
    expect([future.due, future.periods[0].state]).toEqual([0, "open"]);
  });

  it("rolls branches up into a kept share per rule", () => {
    const now = at("2026-07-15");
    const rules = [rule("branch_meeting", "quarter"), rule("life_meeting", "year")];
    const a = complianceForYear(rules, [m("branch_meeting", "2026-01-10"), m("branch_meeting", "2026-04-10")], 2026, now);
    const b = complianceForYear(rules, [m("branch_meeting", "2026-01-10")], 2026, now);
    expect(rollUp([a, b])).toEqual([
      { kind: "branch_meeting", kept: 3, due: 4, rate: 0.75 },
      { kind: "life_meeting", kept: 0, due: 0, rate: null },
    ]);
    expect(rollUp([])).toEqual([]);
  });

  it("loads the shipped pack's meeting rules, each with its article, and refuses a bad rule in Chinese", () => {
    const data = parse(fs.readFileSync("content/rule-packs/cpc-2019.yaml", "utf8")) as Record<string, unknown>;
    const ok = parseRulePack(data, "cpc-2019.yaml");
    expect(ok.ok).toBe(true);
    const meetings = ok.ok ? ok.pack.meetings! : [];
    expect(meetings.map((r) => `${r.kind}:${r.period}:${r.count}:${r.article}`)).toEqual([
      "branch_meeting:quarter:1:第十一条",
      "committee_meeting:month:1:第十二条",
      "group_meeting:month:1:第十三条",
      "party_lecture:quarter:1:第十六条",
      "theme_day:month:1:第十六条",
      "life_meeting:year:1:第十七条",
    ]);
    expect(meetings.find((r) => r.kind === "party_lecture")?.basis).toBe("practice");
    const errors = (meetingsValue: unknown) => {
      const r = parseRulePack({ ...data, meetings: meetingsValue }, "cpc-2019.yaml");
      return r.ok ? "" : r.errors.join("\n");
    };
    expect(errors([{ ...meetings[0], period: "week" }])).toBe("cpc-2019.yaml 的 meetings.0.period：period 只能是 month、quarter、year");
    expect(errors([meetings[0], meetings[0]])).toBe("cpc-2019.yaml 的 meetings.1.kind：会议类型 branch_meeting 重复");
    expect(errors([{ ...meetings[0], count: 0, times: 2 }])).toMatch(/不认识的字段：times/);
  });
});

describe("quarter plan", () => {
  it("bounds a quarter in China time and groups its meetings by month", () => {
    const q = currentQuarter(new Date("2026-03-31T16:30:00Z"));
    expect(q).toEqual({ year: 2026, index: 2 });
    expect(quarterBounds(q)).toEqual({ gte: new Date("2026-03-31T16:00:00Z"), lt: new Date("2026-06-30T16:00:00Z") });
    expect(shiftQuarter({ year: 2026, index: 1 }, -1)).toEqual({ year: 2025, index: 4 });
    expect(quarterKey(shiftQuarter({ year: 2026, index: 4 }, 1))).toBe("2027-1");
    const plan = planByMonth(q, [{ startsAt: at("2026-04-02") }, { startsAt: at("2026-06-30") }]);
    expect(plan.map((p) => [p.month, p.items.length])).toEqual([
      [4, 1],
      [5, 0],
      [6, 1],
    ]);
  });
});
