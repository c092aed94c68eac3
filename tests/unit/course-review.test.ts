import { describe, expect, it } from "vitest";
import { type CourseDraft } from "~/lib/course-draft";
import { compareCourse, freezeRevision, thawRevision } from "~/lib/course-review";

// The reviewer's comparison of a course revision (decision 053): the course text and each lesson
// against the published draft, lessons matched by key, added and removed ones named.

const lesson = (key: string, position: number, title: string, body: string) => ({ key, position, title, minutes: 5, credit: 0.5, checkpoints: [], body });
const draft = (body: string, lessons: CourseDraft["lessons"]): CourseDraft => ({
  course: { title: "党课", summary: "简介", category: "党课", tags: ["党史"], completion: 0.9, body },
  lessons,
});

describe("compareCourse", () => {
  it("marks lessons changed, unchanged, added and removed, and diffs the course text", () => {
    const published = draft("介绍\n旧的一行", [lesson("a", 1, "甲", "一\n二"), lesson("b", 2, "乙", "不变"), lesson("c", 3, "丙", "将删除")]);
    const proposed = draft("介绍\n新的一行", [lesson("b", 1, "乙", "不变"), lesson("a", 2, "甲", "一\n改"), lesson("d", 3, "丁", "新增")]);
    const cmp = compareCourse(published, proposed);
    expect(cmp.lessons.map((l) => [l.key, l.change])).toEqual([
      ["b", "same"],
      ["a", "changed"],
      ["d", "added"],
      ["c", "removed"],
    ]);
    const a = cmp.lessons.find((l) => l.key === "a")!;
    expect(a.diff.filter((d) => d.kind !== "same")).toEqual([
      { kind: "removed", text: "二" },
      { kind: "added", text: "改" },
    ]);
    expect(cmp.lessons.find((l) => l.key === "c")!.diff.every((d) => d.kind === "removed")).toBe(true);
    expect(cmp.course.filter((d) => d.kind !== "same")).toEqual([
      { kind: "removed", text: "旧的一行" },
      { kind: "added", text: "新的一行" },
    ]);
  });

  it("shows everything as new for a course never published", () => {
    const cmp = compareCourse(null, draft("介绍", [lesson("a", 1, "甲", "正文")]));
    expect(cmp.course.every((d) => d.kind === "added")).toBe(true);
    expect(cmp.lessons.map((l) => l.change)).toEqual(["added"]);
  });

  it("freezes a draft with its note and reads it back, refusing what is not one", () => {
    const d = draft("介绍", [lesson("a", 1, "甲", "正文")]);
    expect(thawRevision(freezeRevision("回滚至第 1 版", d))).toEqual({ note: "回滚至第 1 版", draft: d });
    expect(() => thawRevision(JSON.stringify({ note: "发布", draft: { course: {} } }))).toThrow();
  });

  it("bounds the alignment work of one comparison: every lesson rewritten aligns a few, and shows the rest whole", () => {
    // 99 lessons of 900 rewritten lines each would fill 99 tables of 810,000 cells on the request path (seconds of CPU per view).
    const body = (tag: string, i: number) => Array.from({ length: 900 }, (_, k) => (k === 450 ? "共同的一行" : `${tag}第 ${i} 课第 ${k} 行`)).join("\n");
    const lessons = (tag: string) => Array.from({ length: 99 }, (_, i) => lesson(`l${i}`, i + 1, `第 ${i} 课`, body(tag, i)));
    const cmp = compareCourse(draft("介绍", lessons("旧")), draft("介绍", lessons("新")));
    const aligned = cmp.lessons.filter((l) => l.diff.some((d) => d.kind === "same" && d.text === "共同的一行"));
    expect(aligned.length).toBeGreaterThan(0);
    expect(aligned.length).toBeLessThanOrEqual(3);
    // Nothing is lost: each of the others shows all its old lines removed and all its new ones added.
    for (const l of cmp.lessons.filter((x) => !aligned.includes(x))) {
      expect(l.change).toBe("changed");
      expect(l.diff.filter((d) => d.kind === "removed").length).toBe(900);
      expect(l.diff.filter((d) => d.kind === "added").length).toBe(900);
    }
  });

  it("aligns one edit in a long lesson exactly: the lines it shares at the start and the end cost nothing", () => {
    const long = (changed: string) => Array.from({ length: 5000 }, (_, k) => (k === 2500 ? changed : `第 ${k} 行`)).join("\n");
    const cmp = compareCourse(draft("介绍", [lesson("a", 1, "甲", long("旧的"))]), draft("介绍", [lesson("a", 1, "甲", long("新的"))]));
    expect(cmp.lessons[0]!.diff.filter((d) => d.kind !== "same")).toEqual([
      { kind: "removed", text: "旧的" },
      { kind: "added", text: "新的" },
    ]);
  });
});
