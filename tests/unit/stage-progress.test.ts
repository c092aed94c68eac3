import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { type RulePack, parseRulePack } from "~/lib/rule-pack";
import { activistStage, addMonths, countsTowardTraining } from "~/lib/stage-progress";

function loadPack(): RulePack {
  const r = parseRulePack(parse(fs.readFileSync(path.resolve("content/rule-packs/cpc-2019.yaml"), "utf8")), "cpc-2019.yaml");
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.pack;
}
const pack = loadPack();
const d = (s: string) => new Date(`${s}T00:00:00Z`);

describe("an activist's time of training and observation (细则 art. 13 in the shipped pack)", () => {
  it("counts whole months toward the pack's 12 and names the day the time is complete", () => {
    const s = activistStage(pack, d("2026-03-10"), d("2026-12-02"));
    expect(s).toMatchObject({ months: 8, needed: 12, met: false, completeOn: d("2027-03-10") });
    expect(s.message).toBe("您自 2026-03-10 起为入党积极分子，已培养考察 8 个月；满 1 年（2027-03-10）后，党支部方可研究是否列为发展对象。");
    expect(`${s.source}${s.article}`).toBe("《中国共产党发展党员工作细则》（2014）第十三条");
  });

  it("is met on the day the year is complete, not the day before", () => {
    expect(activistStage(pack, d("2025-12-02"), d("2026-12-01")).met).toBe(false);
    const met = activistStage(pack, d("2025-12-02"), d("2026-12-02"));
    expect(met).toMatchObject({ months: 12, met: true });
    expect(met.message).toContain("培养考察已满 1 年");
  });

  it("says the file has no date rather than counting from nothing", () => {
    const s = activistStage(pack, null, d("2026-12-02"));
    expect(s).toMatchObject({ since: null, months: 0, met: false, completeOn: null });
    expect(s.message).toContain("还没有成为入党积极分子的日期");
  });

  it("ends a month at its last day when the starting day does not exist in it", () => {
    expect(addMonths(d("2026-01-31"), 1)).toEqual(d("2026-02-28"));
    expect(addMonths(d("2024-02-29"), 12)).toEqual(d("2025-02-28"));
    expect(addMonths(d("2026-11-15"), 3)).toEqual(d("2027-02-15"));
  });
});

describe("what counts toward a development target's training", () => {
  const since = d("2026-09-01");
  it("is the gate's categories, earned from the day (in China) of becoming a target", () => {
    expect(countsTowardTraining(pack, "online", new Date("2026-08-31T16:00:00Z"), since)).toBe(true); // 00:00 on 1 Sept in Beijing
    expect(countsTowardTraining(pack, "online", new Date("2026-08-31T15:59:59Z"), since)).toBe(false);
    expect(countsTowardTraining(pack, "party_school", d("2026-10-01"), since)).toBe(true);
    // A contest is not among the training's categories (细则 art. 17 in the shipped pack: 党校, 网上学习, 在线测试).
    expect(countsTowardTraining(pack, "contest", d("2026-10-01"), since)).toBe(false);
  });

  it("counts every entry of the categories when the file has no date", () => {
    expect(countsTowardTraining(pack, "quiz", d("2020-01-01"), null)).toBe(true);
  });
});
