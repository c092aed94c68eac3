import { describe, expect, it } from "vitest";
import { DEFAULT_REMINDER_LEADS, leadDueNow, reminderLeadsFrom, reminderLeadsSchema, reminderMessage, reminderMoment, whenWords } from "~/lib/reminder-leads";

// Beijing time is UTC+8: "2027-03-10T14:00+08:00" is 06:00Z.
const at = (beijing: string) => new Date(`${beijing}+08:00`);

describe("reminder leads", () => {
  it("puts a meeting's reminder on the evening before at 20:00 Beijing time", () => {
    const [eve] = DEFAULT_REMINDER_LEADS.meeting;
    expect(reminderMoment(eve, at("2027-03-10T14:00:00"))).toEqual(at("2027-03-09T20:00:00"));
    // Early in the morning in Beijing is still the previous day in UTC: the evening is Beijing's.
    expect(reminderMoment(eve, at("2027-03-10T07:30:00"))).toEqual(at("2027-03-09T20:00:00"));
  });

  it("gives a quiz its 24 h reminder, then its 2 h one, and nothing once it has closed", () => {
    const closes = at("2027-03-10T22:00:00");
    const q = DEFAULT_REMINDER_LEADS.quiz;
    expect(leadDueNow(q, closes, at("2027-03-09T21:00:00"))).toBeNull();
    expect(leadDueNow(q, closes, at("2027-03-09T23:00:00"))?.name).toBe("24h");
    expect(leadDueNow(q, closes, at("2027-03-10T20:30:00"))?.name).toBe("2h");
    expect(leadDueNow(q, closes, closes)).toBeNull();
  });

  it("reminds a meeting planned after its evening until it starts, never after", () => {
    const starts = at("2027-03-10T14:00:00");
    expect(leadDueNow(DEFAULT_REMINDER_LEADS.meeting, starts, at("2027-03-10T09:00:00"))?.name).toBe("eve");
    expect(leadDueNow(DEFAULT_REMINDER_LEADS.meeting, starts, at("2027-03-10T14:05:00"))).toBeNull();
  });

  it("has no reminder for 学时 behind, and lets a pack replace or switch off a kind's leads", () => {
    expect(DEFAULT_REMINDER_LEADS.hours).toEqual([]);
    const leads = reminderLeadsFrom({ quiz: [{ name: "6h", hoursBefore: 6 }], assignment: [] });
    expect(leads.quiz).toEqual([{ name: "6h", hoursBefore: 6 }]);
    expect(leads.assignment).toEqual([]);
    expect(leads.course).toEqual(DEFAULT_REMINDER_LEADS.course);
  });

  it("refuses a pack section with an unknown kind, a lead with both or neither timing, or a bad clock", () => {
    const messages = (data: unknown) => reminderLeadsSchema.safeParse(data).error?.issues.map((i) => i.message) ?? [];
    expect(messages({ quizz: [] })).toEqual(["不认识的事项类别：quizz"]);
    expect(messages({ quiz: [{ name: "x", hoursBefore: 2, eveningBefore: "20:00" }] })).toEqual(["每个提醒须且只能写 hoursBefore 或 eveningBefore 之一"]);
    expect(messages({ quiz: [{ name: "x" }] })).toEqual(["每个提醒须且只能写 hoursBefore 或 eveningBefore 之一"]);
    expect(messages({ meeting: [{ name: "eve", eveningBefore: "24:00" }] })).toEqual(["eveningBefore 须为 HH:MM（北京时间）"]);
    expect(
      messages({
        quiz: [
          { name: "a", hoursBefore: 1 },
          { name: "a", hoursBefore: 2 },
        ],
      }),
    ).toEqual(["同一类事项的提醒名称不能重复"]);
    expect(messages({ meeting: [{ name: "eve", eveningBefore: "20:00" }], quiz: [] })).toEqual([]);
  });

  it("says when in words a person reads today, in Beijing time", () => {
    const now = at("2027-03-10T09:00:00");
    expect(whenWords(at("2027-03-10T22:00:00"), now)).toBe("今晚 22:00");
    expect(whenWords(at("2027-03-10T14:00:00"), now)).toBe("今天 14:00");
    expect(whenWords(at("2027-03-11T14:00:00"), now)).toBe("明天 14:00");
    expect(whenWords(at("2027-03-12T08:00:00"), now)).toBe("后天 08:00");
    expect(whenWords(at("2027-03-15T08:00:00"), now)).toBe("3月15日 08:00");
  });

  it("words a meeting as a meeting and a quiz as a deadline", () => {
    const now = at("2027-03-10T20:00:00");
    expect(reminderMessage({ kind: "meeting", title: "主题党日", detail: "主题党日 · 第一党支部", dueAt: at("2027-03-11T14:00:00") }, now)).toEqual({
      kind: "meeting",
      title: "明天 14:00 主题党日",
      body: "主题党日 · 第一党支部",
    });
    expect(reminderMessage({ kind: "meeting", title: "主题党日", detail: "第一党支部", dueAt: at("2027-03-11T14:00:00"), place: "302 室" }, now).body).toBe(
      "地点：302 室 · 第一党支部",
    );
    expect(reminderMessage({ kind: "quiz", title: "党章测试", detail: "未作答", dueAt: at("2027-03-10T22:00:00") }, now)).toEqual({
      kind: "deadline",
      title: "「党章测试」今晚 22:00 截止",
      body: "在线测试 · 未作答",
    });
  });
});
