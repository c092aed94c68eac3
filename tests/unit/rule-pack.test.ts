import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { describeAppliesTo, overridableIds, parseRulePack } from "~/lib/rule-pack";

const DIR = path.resolve("content/rule-packs");
const shipped = () => parse(fs.readFileSync(path.join(DIR, "cpc-2019.yaml"), "utf8"));

describe("shipped rule packs", () => {
  it("every file under content/rule-packs is a valid pack", () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".yaml"));
    expect(files).toContain("cpc-2019.yaml");
    for (const file of files) {
      const r = parseRulePack(parse(fs.readFileSync(path.join(DIR, file), "utf8")), file);
      expect(r.ok ? [] : r.errors).toEqual([]);
    }
  });

  it("holds the figures of the regulations with their articles, in hundredths", () => {
    const r = parseRulePack(shipped(), "cpc-2019.yaml");
    if (!r.ok) throw new Error(r.errors.join("\n"));
    const byId = Object.fromEntries(r.pack.requirements.map((q) => [q.id, q]));
    expect(byId["member-annual"]).toMatchObject({ hours: 3200, article: "第二十条", prorate: "by-months-in-status" });
    expect(byId["committee-annual"]).toMatchObject({ hours: 5600, supersedes: ["member-annual"] });
    expect(byId["cadre-section-annual"]).toMatchObject({ hours: 9000, article: "第十四条" });
    expect(byId["cadre-division-annual"].hours).toBe(11000);
    expect(byId["cadre-online-annual"].counts).toEqual(["online", "quiz", "contest"]);
    expect(r.pack.gates.targetTraining).toMatchObject({ hours: 2400, article: "第十七条" });
    expect(r.pack.gates.activistTime).toMatchObject({ months: 12, article: "第十三条" });
    expect(overridableIds(r.pack)).toContain("target-training");
  });
});

describe("a bad pack", () => {
  it("names the file and the field in Chinese", () => {
    const bad = shipped();
    bad.requirements[0].hours = -1;
    bad.requirements[1].prorate = "sometimes";
    bad.requirements[2].counts = ["karaoke"];
    bad.requirements[3].hour = 5;
    const r = parseRulePack(bad, "cpc-2019.yaml");
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    expect(errors).toContainEqual("cpc-2019.yaml 的 requirements.0.hours：学时必须大于 0");
    expect(errors.some((e) => e.startsWith("cpc-2019.yaml 的 requirements.1.prorate：prorate 只能是"))).toBe(true);
    expect(errors.some((e) => e.startsWith("cpc-2019.yaml 的 requirements.2.counts.0：学时类别只能是"))).toBe(true);
    expect(errors).toContainEqual("cpc-2019.yaml 的 requirements.3：不认识的字段：hour");
  });

  it("refuses duplicate ids, unknown superseded ids and an id that differs from the file name", () => {
    const dup = shipped();
    dup.requirements[1].id = "member-annual";
    const r = parseRulePack(dup, "x/cpc-2019.yaml");
    expect(r.ok ? [] : r.errors).toContainEqual("x/cpc-2019.yaml 的 requirements.1.id：要求编号 member-annual 重复");
    const renamed = parseRulePack(shipped(), "other.yaml");
    expect(renamed.ok ? [] : renamed.errors).toEqual(["other.yaml：规则包编号 cpc-2019 应与文件名 other 一致"]);
  });

  it("refuses hours with more than two decimals and a requirement that applies to nobody", () => {
    const bad = shipped();
    bad.requirements[0].hours = 1.234;
    bad.requirements[1].appliesTo = {};
    const r = parseRulePack(bad, "cpc-2019.yaml");
    const errors = r.ok ? [] : r.errors;
    expect(errors).toContainEqual("cpc-2019.yaml 的 requirements.0.hours：学时最多两位小数");
    expect(errors).toContainEqual("cpc-2019.yaml 的 requirements.1.appliesTo：appliesTo 至少要有一项条件");
    const cadreProrated = shipped();
    cadreProrated.requirements[2].prorate = "by-months-in-status";
    const c = parseRulePack(cadreProrated, "cpc-2019.yaml");
    expect(c.ok ? [] : c.errors).toEqual(["cpc-2019.yaml 的 requirements.2.prorate：按月折算须在 appliesTo 中列出政治面貌（statuses）"]);
  });
});

describe("describeAppliesTo", () => {
  it("reads as a sentence", () => {
    expect(describeAppliesTo({ statuses: ["probationary", "member"], committee: true })).toBe("预备党员或正式党员，且为支委成员");
    expect(describeAppliesTo({ cadreLevels: ["section", "division"] })).toBe("科级及以下干部或处级及以上干部");
  });
});
