import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import {
  type PersonFacts,
  activistTimeWarning,
  checkAdmission,
  countsToward,
  monthsInStatus,
  progressOf,
  requirementsFor,
  statusStartedBefore,
  statusTimeline,
  summarise,
  wholeMonthsBetween,
} from "~/lib/requirements";
import { type RulePack, parseRulePack } from "~/lib/rule-pack";

function loadPack(): RulePack {
  const r = parseRulePack(parse(fs.readFileSync(path.resolve("content/rule-packs/cpc-2019.yaml"), "utf8")), "cpc-2019.yaml");
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.pack;
}
const pack = loadPack();
const none = new Map<string, number>();
const d = (s: string) => new Date(`${s}T00:00:00Z`);

function person(p: Partial<PersonFacts> = {}): PersonFacts {
  return { politicalStatus: "member", statusSince: null, cadreLevel: "none", isCommitteeMember: false, statusChanges: [], ...p };
}

const ids = (p: PersonFacts, year = 2026, overrides = none) => requirementsFor(pack, overrides, p, year).map((r) => r.id);

describe("status timeline", () => {
  it("runs the status before the first change back to the beginning", () => {
    const t = statusTimeline(person({ statusChanges: [{ fromStatus: "target", toStatus: "probationary", effectiveOn: d("2026-06-15") }] }));
    expect(t).toEqual([
      { status: "target", from: null, to: d("2026-06-15") },
      { status: "probationary", from: d("2026-06-15"), to: null },
    ]);
  });

  it("counts a month when the status held on any day of it", () => {
    const t = statusTimeline(person({ statusChanges: [{ fromStatus: "target", toStatus: "probationary", effectiveOn: d("2026-06-30") }] }));
    expect(monthsInStatus(t, ["probationary", "member"], 2026)).toEqual([6, 7, 8, 9, 10, 11, 12]);
    expect(monthsInStatus(t, ["target"], 2026)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(monthsInStatus(t, ["target"], 2027)).toEqual([]);
  });

  it("takes statusSince as the start of an imported person's status, unknown before", () => {
    const t = statusTimeline(person({ statusSince: d("2026-03-10") }));
    expect(monthsInStatus(t, ["member"], 2026)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(monthsInStatus(t, ["member"], 2025)).toEqual([]);
  });

  it("finds when a status last began before a date", () => {
    const p = person({
      politicalStatus: "target",
      statusChanges: [
        { fromStatus: "applicant", toStatus: "activist", effectiveOn: d("2024-09-01") },
        { fromStatus: "activist", toStatus: "target", effectiveOn: d("2025-10-01") },
      ],
    });
    expect(statusStartedBefore(p, "activist", d("2026-01-01"))).toEqual(d("2024-09-01"));
    expect(statusStartedBefore(p, "target", d("2026-01-01"))).toEqual(d("2025-10-01"));
    expect(statusStartedBefore(p, "target", d("2025-09-01"))).toBeNull();
    expect(statusStartedBefore(p, "member", d("2026-01-01"))).toBeNull();
  });
});

describe("requirements of a year", () => {
  it("asks a full member 32 学时 for the whole year, citing article 20", () => {
    const [r] = requirementsFor(
      pack,
      none,
      person({ statusChanges: [{ fromStatus: "probationary", toStatus: "member", effectiveOn: d("2020-05-01") }] }),
      2026,
    );
    expect(r).toMatchObject({ id: "member-annual", required: 3200, months: 12, article: "第二十条" });
    expect(r.explanation).toBe("全年为正式党员，须完成 32 学时");
  });

  it("prorates a person admitted mid-year by the months in status, and explains it", () => {
    const p = person({ politicalStatus: "probationary", statusChanges: [{ fromStatus: "target", toStatus: "probationary", effectiveOn: d("2026-06-12") }] });
    const [r] = requirementsFor(pack, none, p, 2026);
    expect(r.required).toBe(1867);
    expect(r.explanation).toBe("6 月起为预备党员，按 7 个月折算：32 × 7/12 = 18.67 学时");
    // The year before, they were not a member: nothing applies.
    expect(requirementsFor(pack, none, p, 2025)).toEqual([]);
  });

  it("does not break the year when a probationary member becomes a full member", () => {
    const p = person({
      statusChanges: [
        { fromStatus: "target", toStatus: "probationary", effectiveOn: d("2025-04-01") },
        { fromStatus: "probationary", toStatus: "member", effectiveOn: d("2026-04-01") },
      ],
    });
    const [r] = requirementsFor(pack, none, p, 2026);
    expect(r.required).toBe(3200);
    expect(r.explanation).toBe("全年为预备党员、正式党员，须完成 32 学时");
  });

  it("asks nothing of activists and development targets by year", () => {
    expect(ids(person({ politicalStatus: "activist" }))).toEqual([]);
    expect(ids(person({ politicalStatus: "target" }))).toEqual([]);
  });

  it("asks a committee member 56 学时 in place of the 32", () => {
    const p = person({ isCommitteeMember: true });
    const applied = requirementsFor(pack, none, p, 2026);
    expect(applied.map((r) => r.id)).toEqual(["committee-annual"]);
    expect(applied[0].required).toBe(5600);
    expect(applied[0].explanation).toBe("当前为支委成员（按全年计）；全年为正式党员，须完成 56 学时");
  });

  it("applies the cadre requirements by current level, without proration", () => {
    expect(ids(person({ cadreLevel: "section" }))).toEqual(["member-annual", "cadre-section-annual", "cadre-online-annual"]);
    expect(ids(person({ cadreLevel: "division" }))).toEqual(["member-annual", "cadre-division-annual", "cadre-online-annual"]);
    // A cadre who is not a party member still owes the cadre hours.
    const masses = requirementsFor(pack, none, person({ politicalStatus: "masses", cadreLevel: "section" }), 2026);
    expect(masses.map((r) => [r.id, r.required])).toEqual([
      ["cadre-section-annual", 9000],
      ["cadre-online-annual", 5000],
    ]);
    expect(masses[0].explanation).toBe("当前为科级及以下干部（按全年计）；不按月折算，须完成全年 90 学时");
  });

  it("applies a requirement with prorate none in full to someone admitted mid-year", () => {
    const noProrate: RulePack = { ...pack, requirements: pack.requirements.map((r) => (r.id === "member-annual" ? { ...r, prorate: "none" as const } : r)) };
    const p = person({ statusChanges: [{ fromStatus: "target", toStatus: "probationary", effectiveOn: d("2026-06-12") }] });
    const [r] = requirementsFor(noProrate, none, p, 2026);
    expect(r.required).toBe(3200);
    expect(r.explanation).toBe("年内曾为预备党员，不按月折算，须完成全年 32 学时");
  });

  it("uses the school's override before proration, and says so", () => {
    const overrides = new Map([["member-annual", 4800]]);
    const p = person({ statusChanges: [{ fromStatus: "target", toStatus: "probationary", effectiveOn: d("2026-07-01") }] });
    const [r] = requirementsFor(pack, overrides, p, 2026);
    expect(r).toMatchObject({ packHours: 3200, hours: 4800, overridden: true, required: 2400 });
    expect(r.explanation).toBe("7 月起为预备党员，按 6 个月折算：48 × 6/12 = 24 学时（本校调整：规则包原定 32 学时，现为 48 学时）");
  });
});

describe("counting the ledger", () => {
  const cadre = requirementsFor(pack, none, person({ cadreLevel: "section" }), 2026);
  const entries = [
    { amount: 2000, category: "party_school" },
    { amount: 1000, category: "online" },
    { amount: 500, category: "offline" },
    { amount: -500, category: "offline" },
    { amount: 300, category: "quiz" },
  ];

  it("counts an entry toward every requirement naming its category; reversals net out", () => {
    const progress = progressOf(cadre, entries);
    expect(progress.map((p) => [p.id, p.earned, p.missing, p.met])).toEqual([
      ["member-annual", 3300, 0, true],
      ["cadre-section-annual", 3300, 5700, false],
      ["cadre-online-annual", 1300, 3700, false],
    ]);
    expect(countsToward(cadre, "party_school")).toEqual(["member-annual", "cadre-section-annual"]);
    expect(countsToward(cadre, "online")).toEqual(["member-annual", "cadre-section-annual", "cadre-online-annual"]);
  });

  it("sums a person's line with each requirement capped at what it asks", () => {
    expect(summarise(progressOf(cadre, entries))).toEqual({ required: 3200 + 9000 + 5000, earned: 3200 + 3300 + 1300, missing: 5700 + 3700 });
    expect(summarise([])).toEqual({ required: 0, earned: 0, missing: 0 });
  });
});

describe("pipeline gates", () => {
  it("refuses admission until the training hours are there, naming hours, shortfall and article", () => {
    const refused = checkAdmission(pack, none, 1000, d("2026-03-01"));
    expect(refused).toMatchObject({ ok: false, required: 2400, earned: 1000, missing: 1400 });
    expect(refused.message).toBe(
      "发展对象集中培训须不少于 24 学时（《中国共产党发展党员工作细则》（2014）第十七条），自 2026-03-01 成为发展对象以来计入的学时为 10，还差 14 学时，暂不能接收为预备党员",
    );
    expect(checkAdmission(pack, none, 2400, d("2026-03-01")).ok).toBe(true);
    expect(checkAdmission(pack, new Map([["target-training", 3000]]), 2400, null)).toMatchObject({ ok: false, missing: 600 });
  });

  it("accepts 结业 of a 发展对象 class as the training, saying so, and prefers hours when both are there", () => {
    const graduation = { title: "第 3 期发展对象培训班", term: 3, graduatedAt: new Date("2026-05-20T02:00:00Z") };
    const byClass = checkAdmission(pack, none, 1000, d("2026-03-01"), graduation);
    expect(byClass).toMatchObject({ ok: true, missing: 0, metBy: "class", graduation });
    expect(byClass.message).toBe(
      "已于 2026-05-20 从“第 3 期发展对象培训班”结业，视为完成发展对象集中培训（《中国共产党发展党员工作细则》（2014）第十七条）；自 2026-03-01 成为发展对象以来计入的学时为 10",
    );
    expect(checkAdmission(pack, none, 2400, d("2026-03-01"), graduation)).toMatchObject({ ok: true, metBy: "hours", graduation: null });
    expect(checkAdmission(pack, none, 1000, d("2026-03-01"), null)).toMatchObject({ ok: false, metBy: null });
  });

  it("warns when less than a year as activist has passed", () => {
    expect(wholeMonthsBetween(d("2025-03-15"), d("2026-03-14"))).toBe(11);
    expect(wholeMonthsBetween(d("2025-03-15"), d("2026-03-15"))).toBe(12);
    expect(activistTimeWarning(pack, d("2025-03-15"), d("2026-03-15"))).toBeNull();
    expect(activistTimeWarning(pack, d("2025-09-01"), d("2026-03-01"))).toBe(
      "该同志 2025-09-01 成为入党积极分子，至 2026-03-01 仅 6 个月，不足《中国共产党发展党员工作细则》（2014）第十三条要求的 1 年培养考察期",
    );
    expect(activistTimeWarning(pack, null, d("2026-03-01"))).toContain("没有成为入党积极分子的日期记录");
  });
});
