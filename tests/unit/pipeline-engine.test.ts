import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPipelinePacks } from "~/.server/pipeline/packs";
import { parseSettingsYaml } from "~/.server/content/settings-yaml";
import {
  type RecordedStep,
  addMonths,
  ageOn,
  blockedBy,
  checkStep,
  dependentsRefusal,
  effectiveDate,
  lastOfWorkingDays,
  nextSteps,
} from "~/lib/pipeline/engine";
import { type PipelinePack, parsePipelinePack, stepOf } from "~/lib/pipeline/pack";

const FILE = path.resolve("content/pipeline-packs/cpc-2014.yaml");
const raw = () => parseSettingsYaml(fs.readFileSync(FILE, "utf8"), { maxChars: 200_000 }) as Record<string, unknown> & { steps: Record<string, unknown>[] };
function load(data: unknown = raw()): PipelinePack {
  const r = parsePipelinePack(data, "cpc-2014.yaml");
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.pack;
}
const pack = load();
const d = (s: string) => new Date(`${s}T00:00:00Z`);
const adult = { birthDate: d("2004-05-01") };
const TODAY = d("2026-12-01");

/** A file whose steps up to and including `through` were recorded on the given days. */
function file(days: Record<string, string>): RecordedStep[] {
  return Object.entries(days).map(([step, on]) => ({ step, on: d(on) }));
}
const untilActivist = { apply: "2025-03-02", "apply-talk": "2025-03-20", recommend: "2025-04-10", "activist-assessment": "2025-10-09" };
const untilPreReview = {
  ...untilActivist,
  "target-decide": "2026-04-15",
  "target-filing": "2026-04-20",
  sponsors: "2026-04-20",
  "political-review": "2026-05-10",
  training: "2026-05-20",
  "committee-review": "2026-06-01",
  "pre-review": "2026-06-05", // a Friday
  "application-form": "2026-06-08",
};

describe("the shipped pipeline pack", () => {
  it("is valid and holds the 5 stages and 25 steps from 申请 to 归档 (with 延长预备期 and 取消预备党员资格), each with its article", () => {
    const { packs, errors } = loadPipelinePacks(path.dirname(FILE));
    expect(errors).toEqual([]);
    const p = packs.get("cpc-2014")!;
    expect(p.stages).toHaveLength(5);
    // Version 2: the 25 steps of the 细则, and the two other outcomes of the 预备期 (党章第七条), each decided and approved.
    expect(p.version).toBe(2);
    expect(p.steps).toHaveLength(29);
    expect(p.steps.filter((s) => s.key.startsWith("extend-") || s.key.startsWith("cancel-")).map((s) => [s.key, s.source, s.article])).toEqual([
      ["extend-meeting", "《中国共产党章程》", "第七条"],
      ["extend-approve", "《中国共产党章程》", "第七条"],
      ["cancel-meeting", "《中国共产党章程》", "第七条"],
      ["cancel-approve", "《中国共产党章程》", "第七条"],
    ]);
    expect(p.steps[0]).toMatchObject({ key: "apply", title: "递交入党申请书", article: "第六条", sets: "applicant" });
    expect(p.steps.at(-1)).toMatchObject({ key: "archive", title: "材料归档", article: "第三十七条" });
    expect(p.steps.every((s) => s.article.length > 0)).toBe(true);
    // The statuses the steps set, in order.
    expect(p.steps.filter((s) => s.sets).map((s) => [s.key, s.sets])).toEqual([
      ["apply", "applicant"],
      ["recommend", "activist"],
      ["target-decide", "target"],
      ["admit-meeting", "probationary"],
      ["turn-approve", "member"],
      ["cancel-approve", "masses"],
    ]);
    expect(p.publicNotice.workingDays).toBe(5);
  });

  it("refuses a malformed pack with a Chinese message naming the step", () => {
    const bad = raw();
    (bad.steps[1].rules as Record<string, unknown>[])[0].months = 0;
    bad.steps[2].recorder = "anyone";
    const r = parsePipelinePack(bad, "cpc-2014.yaml");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContain("cpc-2014.yaml 的步骤 apply-talk（第 2 步） 的 rules.0.months：months 至少为 1");
    expect(r.errors.some((e) => e.startsWith("cpc-2014.yaml 的步骤 recommend（第 3 步） 的 recorder：recorder 只能是"))).toBe(true);
    // Cross-step checks run once every step is well-formed.
    const unknownStep = raw();
    unknownStep.steps[3].after = ["no-such-step"];
    const u = parsePipelinePack(unknownStep, "cpc-2014.yaml");
    expect(u.ok ? [] : u.errors).toContain("cpc-2014.yaml 的步骤 activist-filing（第 4 步） 的 after.0：步骤 no-such-step 不存在");
  });

  it("refuses an unknown field and a step that depends on a later one", () => {
    const bad = raw();
    bad.steps[0].hour = 3;
    bad.steps[1].after = ["recommend"];
    const r = parsePipelinePack(bad, "cpc-2014.yaml");
    expect(r.ok ? [] : r.errors).toEqual([
      "cpc-2014.yaml 的步骤 apply（第 1 步）：不认识的字段：hour",
      "cpc-2014.yaml 的步骤 apply-talk（第 2 步） 的 after.0：前置步骤 recommend 须排在本步骤之前",
    ]);
  });

  it("is read as data only: a custom tag is refused", () => {
    expect(() => parseSettingsYaml("id: !!js/function 'x'", { maxChars: 200_000, what: "档案规则包" })).toThrow(/不允许使用 YAML 标签/);
    expect(() => parseSettingsYaml("x".repeat(201), { maxChars: 200, what: "档案规则包" })).toThrow("档案规则包有 201 字，超过 200 字的上限");
  });
});

describe("date arithmetic", () => {
  it("adds months keeping the day, or the month's last day", () => {
    expect(addMonths(d("2025-03-02"), 1)).toEqual(d("2025-04-02"));
    expect(addMonths(d("2025-01-31"), 1)).toEqual(d("2025-02-28"));
    expect(addMonths(d("2024-02-29"), 12)).toEqual(d("2025-02-28"));
  });

  it("counts working days skipping Saturday, Sunday and the pack's holidays, counting its 调休 workdays", () => {
    // Friday 2026-06-05: Mon 8, Tue 9, Wed 10, Thu 11, Fri 12.
    expect(lastOfWorkingDays(d("2026-06-05"), 5, pack)).toEqual(d("2026-06-12"));
    const withHoliday = { holidays: ["2026-06-10"], workdays: ["2026-06-06"] };
    // Sat 6 counts (调休), Wed 10 does not: 6, 8, 9, 11, 12.
    expect(lastOfWorkingDays(d("2026-06-05"), 5, withHoliday)).toEqual(d("2026-06-12"));
    expect(lastOfWorkingDays(d("2026-06-05"), 5, { holidays: ["2026-06-10"], workdays: [] })).toEqual(d("2026-06-15"));
  });

  it("computes whole years of age", () => {
    expect(ageOn(d("2008-03-02"), d("2026-03-01"))).toBe(17);
    expect(ageOn(d("2008-03-02"), d("2026-03-02"))).toBe(18);
  });
});

describe("recording a step", () => {
  it("≥ 18 years old at the application (第五条): refused the day before the birthday, accepted on it", () => {
    const young = { birthDate: d("2008-03-02") };
    const r = checkStep(pack, [], "apply", d("2026-03-01"), young, TODAY);
    expect(r).toEqual({
      ok: false,
      refusal: { rule: "min-age", message: "不能早于 2026-03-02：《细则》第五条 年满十八岁方可申请入党（2026-03-01 时未满 18 周岁）" },
    });
    expect(checkStep(pack, [], "apply", d("2026-03-02"), young, TODAY).ok).toBe(true);
    const unknown = checkStep(pack, [], "apply", d("2026-03-02"), { birthDate: null }, TODAY);
    expect(unknown.ok ? null : unknown.refusal.rule).toBe("no-birth-date");
  });

  it("谈话 within one month of the application (第七条): a later talk is accepted and shown as late", () => {
    const recorded = file({ apply: "2025-03-02" });
    expect(checkStep(pack, recorded, "apply-talk", d("2025-04-02"), adult, TODAY)).toEqual({ ok: true, late: [], effectiveOn: d("2025-04-02") });
    const late = checkStep(pack, recorded, "apply-talk", d("2025-04-03"), adult, TODAY);
    expect(late.ok && late.late).toEqual([
      "逾期：期限 2025-04-02：《细则》第七条 党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话（自 2025-03-02「递交入党申请书」起 1 个月内）",
    ]);
  });

  it("order: a step before its prerequisite is refused, naming the step and the article", () => {
    const r = checkStep(pack, file({ apply: "2025-03-02" }), "recommend", d("2025-04-10"), adult, TODAY);
    expect(r).toEqual({
      ok: false,
      refusal: { rule: "order", message: "须先记录「党组织派人谈话」（《细则》第七条），才能记录「推荐和确定入党积极分子」（《细则》第八条）" },
    });
    const before = checkStep(pack, file({ apply: "2025-03-02" }), "apply-talk", d("2025-03-01"), adult, TODAY);
    expect(before.ok ? null : before.refusal.message).toBe("「党组织派人谈话」的日期不能早于「递交入党申请书」（2025-03-02，《细则》第六条）");
  });

  it("a back-filled step may not be dated after a later step already recorded", () => {
    const recorded = file({ apply: "2025-03-02", "apply-talk": "2025-03-20", recommend: "2025-04-10" }).filter((r) => r.step !== "apply-talk");
    const r = checkStep(pack, recorded, "apply-talk", d("2025-04-11"), adult, TODAY);
    expect(r.ok ? null : r.refusal.message).toBe("「推荐和确定入党积极分子」已记录于 2025-04-10，「党组织派人谈话」的日期不能晚于它（《细则》第八条）");
  });

  it("a step is recorded once; a recurring one again and again", () => {
    const recorded = file(untilActivist);
    const twice = checkStep(pack, recorded, "recommend", d("2025-05-01"), adult, TODAY);
    expect(twice.ok ? null : twice.refusal.rule).toBe("once");
    expect(checkStep(pack, recorded, "activist-assessment", d("2026-04-01"), adult, TODAY).ok).toBe(true);
  });

  it("≥ 1 year as activist before 发展对象 (第十三条): refused a day early, accepted on the day", () => {
    const recorded = file(untilActivist);
    const r = checkStep(pack, recorded, "target-decide", d("2026-04-09"), adult, TODAY);
    expect(r).toEqual({
      ok: false,
      refusal: {
        rule: "not-before",
        message:
          "不能早于 2026-04-10：《细则》第十三条 经过一年以上培养教育和考察、基本具备党员条件的入党积极分子，方可列为发展对象（自 2025-04-10「推荐和确定入党积极分子」起须满 1 年）",
      },
    });
    expect(checkStep(pack, recorded, "target-decide", d("2026-04-10"), adult, TODAY)).toMatchObject({ ok: true, effectiveOn: d("2026-04-10") });
  });

  it("公示 of the pack's working days after 预审: refused inside the 公示, accepted the day after; none when the pack sets none", () => {
    const recorded = file(untilPreReview);
    const r = checkStep(pack, recorded, "admit-meeting", d("2026-06-12"), adult, TODAY);
    expect(r).toEqual({
      ok: false,
      refusal: {
        rule: "public-notice",
        message: "不能早于 2026-06-13：本校规定，发展对象公示期满后方可提交支部大会讨论（公示 5 个工作日，自 2026-06-05「上级党委预审」次日起至 2026-06-12）",
      },
    });
    expect(checkStep(pack, recorded, "admit-meeting", d("2026-06-13"), adult, TODAY).ok).toBe(true);
    const noNotice = { ...pack, publicNotice: { ...pack.publicNotice, workingDays: null } };
    expect(checkStep(noNotice, recorded, "admit-meeting", d("2026-06-09"), adult, TODAY).ok).toBe(true);
  });

  it("审批 within 3 months of the 支部大会: a later approval is late, citing the chapter whose article number is not asserted", () => {
    const recorded = file({ ...untilPreReview, "admit-meeting": "2026-06-15", "approval-talk": "2026-06-20" });
    expect(checkStep(pack, recorded, "admit-approve", d("2026-09-15"), adult, TODAY)).toMatchObject({ ok: true, late: [] });
    const late = checkStep(pack, recorded, "admit-approve", d("2026-09-16"), adult, TODAY);
    expect(late.ok && late.late[0]).toBe(
      "逾期：期限 2026-09-15：《细则》第四章（预备党员的接收） 上级党委对党支部上报的接收预备党员的决议，应当在三个月内审批（自 2026-06-15「支部大会讨论」起 3 个月内）",
    );
  });

  it("one-year 预备期 (第三十二条): 转正 discussed no earlier than a year after the 支部大会; 党龄 from the end of the 预备期 (第三十四条)", () => {
    const admitted = {
      ...untilPreReview,
      "admit-meeting": "2025-06-15",
      "approval-talk": "2025-06-20",
      "admit-approve": "2025-07-01",
      "turn-apply": "2026-06-01",
    };
    const recorded = file(admitted);
    const early = checkStep(pack, recorded, "turn-meeting", d("2026-06-14"), adult, TODAY);
    expect(early.ok ? null : early.refusal.message).toBe(
      "不能早于 2026-06-15：《细则》第三十二条 预备党员的预备期为一年，从支部大会通过其为预备党员之日算起，预备期满方可讨论转正（自 2025-06-15「支部大会讨论」起须满 1 年）",
    );
    const meeting = [...recorded, { step: "turn-meeting", on: d("2026-06-20") }];
    const approve = checkStep(pack, meeting, "turn-approve", d("2026-09-21"), adult, TODAY);
    expect(approve).toMatchObject({ ok: true, effectiveOn: d("2026-06-15") });
    expect(approve.ok && approve.late[0]).toMatch(/^逾期：期限 2026-09-20：《细则》第三十四条/);
    expect(
      effectiveDate(
        pack.steps.find((s) => s.key === "turn-approve")!,
        meeting,
        d("2026-07-01"),
      ),
    ).toEqual(d("2026-06-15"));
  });

  it("a date in the future is refused", () => {
    const r = checkStep(pack, [], "apply", d("2026-12-02"), adult, TODAY);
    expect(r.ok ? null : r.refusal.message).toBe("「递交入党申请书」的日期不能晚于今天（2026-12-01）");
  });
});

describe("what is due", () => {
  it("the talk is due within a month of the application and overdue after it", () => {
    const recorded = file({ apply: "2026-11-01" });
    const [talk] = nextSteps(pack, recorded, adult, d("2026-11-20"));
    expect(talk).toMatchObject({ step: "apply-talk", state: "due", deadline: d("2026-12-01") });
    expect(talk.rule).toContain("《细则》第七条");
    expect(nextSteps(pack, recorded, adult, d("2026-12-02"))[0].state).toBe("overdue");
  });

  it("the half-yearly 考察 (第十一条) is due six months after the last one, until 发展对象", () => {
    const recorded = file(untilActivist);
    const assessment = nextSteps(pack, recorded, adult, d("2026-03-01")).find((i) => i.step === "activist-assessment")!;
    expect(assessment).toMatchObject({ state: "due", deadline: d("2026-04-09") });
    expect(assessment.rule).toBe("《细则》第十一条 党支部每半年对入党积极分子进行一次考察（上次：2025-10-09，每 6 个月一次）");
    expect(nextSteps(pack, recorded, adult, d("2026-05-01")).find((i) => i.step === "activist-assessment")!.state).toBe("overdue");
    const target = file({ ...untilActivist, "target-decide": "2026-04-15" });
    expect(nextSteps(pack, target, adult, d("2026-05-01")).some((i) => i.step === "activist-assessment")).toBe(false);
  });

  it("发展对象 waits until a year as activist has passed, with its earliest day", () => {
    const item = nextSteps(pack, file(untilActivist), adult, d("2026-01-01")).find((i) => i.step === "target-decide")!;
    expect(item).toMatchObject({ state: "waiting", earliest: d("2026-04-10"), deadline: null });
    expect(nextSteps(pack, file(untilActivist), adult, d("2026-04-10")).find((i) => i.step === "target-decide")!.state).toBe("open");
  });
});

describe("correcting a step's date against the steps after it", () => {
  const others = (days: Record<string, string>, without: string) => file(days).filter((r) => r.step !== without);
  const withTarget = { ...untilActivist, "target-decide": "2026-04-15" };

  it("refuses to move 确定为积极分子 later than a year before 确定发展对象 (第十三条), accepts it up to that day", () => {
    const refusal = dependentsRefusal(pack, others(withTarget, "recommend"), "recommend", d("2025-04-16"));
    expect(refusal?.rule).toBe("not-before");
    expect(refusal?.message).toContain("更正后「确定发展对象」（2026-04-15）不再符合时限：不能早于 2026-04-16：《细则》第十三条");
    expect(dependentsRefusal(pack, others(withTarget, "recommend"), "recommend", d("2025-04-15"))).toBeNull();
  });

  it("refuses to move a step after one that must follow it, naming the later step's article", () => {
    const refusal = dependentsRefusal(pack, others(withTarget, "apply-talk"), "apply-talk", d("2025-04-11"));
    expect(refusal).toEqual({ rule: "order", message: "「推荐和确定入党积极分子」已记录于 2025-04-10，「党组织派人谈话」的日期不能晚于它（《细则》第八条）" });
  });

  it("refuses to move the 预审 so that the 支部大会 falls inside the 公示", () => {
    const days = { ...untilPreReview, "admit-meeting": "2026-06-15" };
    expect(dependentsRefusal(pack, others(days, "pre-review"), "pre-review", d("2026-06-05"))).toBeNull();
    expect(dependentsRefusal(pack, others(days, "pre-review"), "pre-review", d("2026-06-08"))?.rule).toBe("public-notice");
  });
});

describe("the outcomes of the 预备期 (党章第七条)", () => {
  const admitted = {
    ...untilPreReview,
    "admit-meeting": "2025-06-15",
    "approval-talk": "2025-06-20",
    "admit-approve": "2025-07-01",
    "turn-apply": "2026-06-01",
  };
  const extendOn = (months: number | null, on = "2026-06-15") => checkStep(pack, file(admitted), "extend-meeting", d(on), adult, TODAY, months);

  it("延长预备期 is decided at the end of the 预备期, with its length, not beyond one year", () => {
    expect(extendOn(6)).toMatchObject({ ok: true });
    const early = extendOn(6, "2026-06-14");
    expect(early.ok ? null : early.refusal.rule).toBe("not-before");
    const none = extendOn(null);
    expect(none.ok ? null : none.refusal.message).toBe("请填写月数：《中国共产党章程》第七条 预备党员需要继续考察和教育的，可以延长预备期，但不能超过一年");
    const long = extendOn(13);
    expect(long.ok ? null : long.refusal).toEqual({
      rule: "length",
      message: "不能超过 12 个月：《中国共产党章程》第七条 预备党员需要继续考察和教育的，可以延长预备期，但不能超过一年",
    });
    expect(extendOn(12).ok).toBe(true);
    // Other steps record no length.
    const stray = checkStep(pack, file(admitted), "turn-meeting", d("2026-06-15"), adult, TODAY, 3);
    expect(stray.ok ? null : stray.refusal.rule).toBe("length");
  });

  it("moves the 转正: refused until the extension is approved, then before its end; 党龄 from the end of the extended 预备期", () => {
    const extended: RecordedStep[] = [...file(admitted), { step: "extend-meeting", on: d("2026-06-15"), months: 6 }];
    const waiting = checkStep(pack, extended, "turn-meeting", d("2026-12-01"), adult, TODAY);
    expect(waiting.ok ? null : waiting.refusal).toEqual({
      rule: "awaits",
      message: "须待「上级党委审批延长预备期」记录后方可记录「支部大会讨论」：《中国共产党章程》第七条 延长预备期应当经支部大会讨论通过和上级党组织批准",
    });
    expect(nextSteps(pack, extended, adult, TODAY).map((i) => i.step)).not.toContain("turn-meeting");
    expect(blockedBy(pack, extended, "turn-meeting")).toBe("须待「上级党委审批延长预备期」记录后办理");

    const approved = [...extended, { step: "extend-approve", on: d("2026-07-01") }];
    const later = d("2027-01-20");
    const early = checkStep(pack, approved, "turn-meeting", d("2026-12-14"), adult, later);
    expect(early.ok ? null : early.refusal.message).toBe(
      "不能早于 2026-12-15：《细则》第三十二条 预备党员的预备期为一年，从支部大会通过其为预备党员之日算起，预备期满方可讨论转正（自 2025-06-15「支部大会讨论」起须满 1 年，另延长 6 个月（「支部大会讨论延长预备期」））",
    );
    expect(checkStep(pack, approved, "turn-meeting", d("2026-12-15"), adult, later).ok).toBe(true);
    const item = nextSteps(pack, approved, adult, d("2026-09-01")).find((i) => i.step === "turn-meeting")!;
    expect(item).toMatchObject({ state: "waiting", earliest: d("2026-12-15") });
    const meeting = [...approved, { step: "turn-meeting", on: d("2026-12-15") }];
    expect(checkStep(pack, meeting, "turn-approve", d("2027-01-05"), adult, later)).toMatchObject({ ok: true, effectiveOn: d("2026-12-15") });
    // A 预备期 ended by 转正 can no longer be extended.
    const closed = checkStep(pack, [...file(admitted), { step: "turn-meeting", on: d("2026-06-15") }], "extend-meeting", d("2026-06-16"), adult, TODAY, 3);
    expect(closed.ok ? null : closed.refusal.rule).toBe("closed");
  });

  it("取消预备党员资格 closes the 转正 and sets the status back", () => {
    const cancelled = [...file(admitted), { step: "cancel-meeting", on: d("2026-06-15") }];
    const turn = checkStep(pack, cancelled, "turn-meeting", d("2026-06-16"), adult, TODAY);
    expect(turn.ok ? null : turn.refusal.message).toBe(
      "「支部大会讨论取消预备党员资格」已于 2026-06-15 记录，不能再记录「支部大会讨论」（《细则》第三十三条）",
    );
    expect(nextSteps(pack, cancelled, adult, TODAY).map((i) => i.step)).toEqual(expect.arrayContaining(["cancel-approve"]));
    expect(nextSteps(pack, cancelled, adult, TODAY).map((i) => i.step)).not.toContain("turn-meeting");
    expect(blockedBy(pack, cancelled, "turn-meeting")).toBe("已记录「支部大会讨论取消预备党员资格」（2026-06-15），本步骤不再办理");
    expect(stepOf(pack, "cancel-approve")).toMatchObject({ sets: "masses", setsBack: true });
  });

  it("refuses a pack whose period is extended by a step that records no length", () => {
    const bad = raw();
    const turn = bad.steps.find((s) => s.key === "turn-meeting")!;
    (turn.rules as Record<string, unknown>[])[0].extendedBy = "turn-apply";
    const r = parsePipelinePack(bad, "cpc-2014.yaml");
    expect(r.ok ? [] : r.errors).toEqual([
      `cpc-2014.yaml 的步骤 turn-meeting（第 ${bad.steps.indexOf(turn) + 1} 步） 的 rules.0.extendedBy：延长步骤 turn-apply 须记录月数（length）`,
    ]);
  });
});
