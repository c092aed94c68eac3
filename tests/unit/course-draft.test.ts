import { describe, expect, it } from "vitest";
import { type CourseDraft, type DraftLesson, splitTags, withLessonMoved, withNewLesson, withSettings, withoutLesson } from "~/lib/course-draft";

const lesson = (key: string, position: number): DraftLesson => ({ key, position, title: key, minutes: 10, credit: 0.5, checkpoints: [], body: "" });
const draft = (lessons: DraftLesson[] = []): CourseDraft => ({
  course: { title: "党章", summary: "", category: "党章党规", tags: [], completion: 0.95, body: "" },
  lessons,
});
const settings = {
  title: "新标题",
  summary: "简介",
  category: "党史",
  tags: ["党史"],
  completionPercent: 80,
  body: "正文",
  audienceStatuses: [],
  assignedOnly: false,
};

describe("course draft edits", () => {
  it("splits tags at either comma, 、 and spaces", () => {
    expect(splitTags(" 党史, 党章，四史、 理论  学习 ")).toEqual(["党史", "党章", "四史", "理论", "学习"]);
    expect(splitTags("")).toEqual([]);
  });

  it("sets the settings, the completion as a share, and the audience", () => {
    const d = draft();
    const open = withSettings(d, settings);
    expect(open.course).toMatchObject({
      title: "新标题",
      summary: "简介",
      category: "党史",
      tags: ["党史"],
      completion: 0.8,
      body: "正文",
      audience: undefined,
    });
    expect(withSettings(d, { ...settings, audienceStatuses: ["member", "probationary"] }).course.audience).toEqual({ statuses: ["member", "probationary"] });
    // Assigned only: no status admits anyone, whatever statuses were ticked.
    expect(withSettings(d, { ...settings, audienceStatuses: ["member"], assignedOnly: true }).course.audience).toEqual({ statuses: [] });
    expect(d.course.title).toBe("党章");
  });

  it("adds a lesson after the last with a free key", () => {
    const d = draft([lesson("lesson-2", 1), lesson("intro", 4)]);
    const added = withNewLesson(d);
    expect(added.lessons.at(-1)).toEqual({ key: "lesson-3", position: 5, title: "第 5 课", minutes: 10, credit: 0.5, checkpoints: [], body: "" });
    expect(withNewLesson(draft()).lessons).toEqual([expect.objectContaining({ key: "lesson-1", position: 1, title: "第 1 课" })]);
    expect(d.lessons).toHaveLength(2);
  });

  it("removes a lesson by its key", () => {
    const d = draft([lesson("a", 1), lesson("b", 2)]);
    expect(withoutLesson(d, "a").lessons.map((l) => l.key)).toEqual(["b"]);
    expect(withoutLesson(d, "nope").lessons).toHaveLength(2);
  });

  it("swaps a lesson with its neighbour, and refuses to move past either end", () => {
    const d = draft([lesson("c", 3), lesson("a", 1), lesson("b", 2)]);
    const up = withLessonMoved(d, "b", "up")!;
    expect(up.lessons.map((l) => [l.key, l.position])).toEqual([
      ["a", 2],
      ["b", 1],
      ["c", 3],
    ]);
    expect(withLessonMoved(d, "b", "down")!.lessons.map((l) => [l.key, l.position])).toEqual([
      ["a", 1],
      ["b", 3],
      ["c", 2],
    ]);
    expect(withLessonMoved(d, "a", "up")).toBeNull();
    expect(withLessonMoved(d, "c", "down")).toBeNull();
    expect(withLessonMoved(d, "nope", "up")).toBeNull();
    expect(d.lessons.map((l) => l.position)).toEqual([3, 1, 2]);
  });
});
