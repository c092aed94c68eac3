import { describe, expect, it } from "vitest";
import { LetterSchema, isOverdue, letterDueAt, mailboxFigures } from "~/lib/mailbox";

// The 书记信箱's pure rules (decision 047): a letter's due time in working days, Beijing time; when it
// is overdue; a mailbox's figures.

const at = (iso: string) => new Date(iso);

describe("letterDueAt", () => {
  it("counts working days from the day after the letter, to the end of the last one in Beijing", () => {
    // Monday 10:00 Beijing, three working days: Thursday 23:59:59 Beijing.
    expect(letterDueAt(at("2026-11-02T02:00:00Z"), 3).toISOString()).toBe("2026-11-05T15:59:59.000Z");
  });

  it("skips the weekend", () => {
    // Friday, two working days: the next Tuesday.
    expect(letterDueAt(at("2026-11-06T02:00:00Z"), 2).toISOString()).toBe("2026-11-10T15:59:59.000Z");
    // Saturday, one working day: Monday.
    expect(letterDueAt(at("2026-11-07T02:00:00Z"), 1).toISOString()).toBe("2026-11-09T15:59:59.000Z");
  });

  it("takes the Beijing day, not the UTC one, for a letter written late in the evening", () => {
    // 2026-11-05 23:30 Beijing is still 2026-11-05 15:30 UTC; 2026-11-06 00:30 Beijing is the next day.
    expect(letterDueAt(at("2026-11-05T15:30:00Z"), 1).toISOString()).toBe("2026-11-06T15:59:59.000Z");
    expect(letterDueAt(at("2026-11-05T16:30:00Z"), 1).toISOString()).toBe("2026-11-09T15:59:59.000Z");
  });
});

describe("isOverdue", () => {
  const due = at("2026-11-05T15:59:59Z");
  it("is overdue only while open and unanswered after its due time", () => {
    const after = at("2026-11-05T16:00:00Z");
    expect(isOverdue({ status: "pending", firstRepliedAt: null, dueAt: due }, after)).toBe(true);
    expect(isOverdue({ status: "escalated", firstRepliedAt: null, dueAt: due }, after)).toBe(true);
    expect(isOverdue({ status: "pending", firstRepliedAt: null, dueAt: due }, due)).toBe(false);
    expect(isOverdue({ status: "answered", firstRepliedAt: at("2026-11-06T00:00:00Z"), dueAt: due }, after)).toBe(false);
    expect(isOverdue({ status: "closed", firstRepliedAt: null, dueAt: due }, after)).toBe(false);
  });
});

describe("mailboxFigures", () => {
  const created = at("2026-11-02T00:00:00Z");
  const due = at("2026-11-05T15:59:59Z");
  const hours = (h: number) => new Date(created.getTime() + h * 3600_000);
  it("counts received, answered, on time and overdue, and the median hours to the first reply", () => {
    const figures = mailboxFigures(
      [
        { status: "answered", createdAt: created, dueAt: due, firstRepliedAt: hours(2) },
        { status: "closed", createdAt: created, dueAt: due, firstRepliedAt: hours(10) },
        { status: "answered", createdAt: created, dueAt: due, firstRepliedAt: hours(200) },
        { status: "pending", createdAt: created, dueAt: due, firstRepliedAt: null },
        { status: "closed", createdAt: created, dueAt: due, firstRepliedAt: null },
      ],
      at("2026-11-10T00:00:00Z"),
    );
    expect(figures).toEqual({ received: 5, answered: 3, answeredOnTime: 2, overdue: 1, medianHoursToAnswer: 10 });
  });

  it("takes the mean of the middle two for an even count, and has no median without replies", () => {
    const two = [2, 5].map((h) => ({ status: "answered", createdAt: created, dueAt: due, firstRepliedAt: hours(h) }));
    expect(mailboxFigures(two, created).medianHoursToAnswer).toBe(3.5);
    expect(mailboxFigures([], created)).toEqual({ received: 0, answered: 0, answeredOnTime: 0, overdue: 0, medianHoursToAnswer: null });
  });
});

describe("LetterSchema", () => {
  it("trims, limits and defaults a letter to signed", () => {
    expect(LetterSchema.parse({ mailboxId: 3, subject: "  主题 ", body: "内容" })).toEqual({ mailboxId: 3, subject: "主题", body: "内容", anonymous: false });
    expect(LetterSchema.safeParse({ mailboxId: 3, subject: "主题", body: "字".repeat(2001) }).success).toBe(false);
    expect(LetterSchema.safeParse({ mailboxId: 3, subject: "字".repeat(61), body: "内容" }).success).toBe(false);
  });
});
