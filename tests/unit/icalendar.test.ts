import { describe, expect, it } from "vitest";
import { escapeText, foldLine, icalDateTime, writeCalendar } from "~/lib/icalendar";

// The iCalendar writer (RFC 5545): CRLF line ends, lines folded at 75 octets without splitting a
// UTF-8 character, TEXT escaping, UTC date-times, one VEVENT per item with a stable UID and DTSTAMP.

const octets = (s: string) => Buffer.byteLength(s, "utf8");

describe("the iCalendar writer", () => {
  it("writes UTC date-times without separators", () => {
    expect(icalDateTime(new Date("2026-12-08T06:00:00.000Z"))).toBe("20261208T060000Z");
  });

  it("escapes backslash, semicolon, comma and newlines in text", () => {
    expect(escapeText("a\\b;c,d\ne\r\nf")).toBe("a\\\\b\\;c\\,d\\ne\\nf");
  });

  it("folds a long Chinese line at 75 octets, never inside a character, and unfolds to the same text", () => {
    const line = `SUMMARY:${"学习贯彻党的二十大精神专题党课".repeat(6)}`;
    const folded = foldLine(line);
    const parts = folded.split("\r\n");
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => octets(p) <= 75)).toBe(true);
    expect(parts.slice(1).every((p) => p.startsWith(" "))).toBe(true);
    expect(parts.every((p) => !p.includes("\uFFFD"))).toBe(true);
    expect(folded.replace(/\r\n /g, "")).toBe(line);
    expect(foldLine("SHORT:ok")).toBe("SHORT:ok");
  });

  it("writes a calendar of events with CRLF lines, a stable UID, DTSTAMP, and an end only for events that have one", () => {
    const stamp = new Date("2026-12-02T00:00:00Z");
    const text = writeCalendar({
      name: "张三的党校日程",
      stamp,
      events: [
        {
          uid: "meeting:7@x",
          summary: "主题党日, 302 室; 带笔记本",
          description: "第一行\n第二行",
          start: new Date("2026-12-08T06:00:00Z"),
          end: new Date("2026-12-08T08:00:00Z"),
        },
        { uid: "quiz:3@x", summary: "【截止】党纪测试", start: new Date("2026-12-02T15:59:59Z"), url: "https://dx.example.edu/quizzes/3" },
      ],
    });
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const lines = text.split("\r\n").slice(0, -1);
    expect(lines[0]).toBe("BEGIN:VCALENDAR");
    expect(lines).toContain("VERSION:2.0");
    expect(lines.at(-1)).toBe("END:VCALENDAR");
    expect(lines.every((l) => octets(l) <= 75)).toBe(true);
    const unfolded = text.replace(/\r\n /g, "").split("\r\n");
    expect(unfolded.filter((l) => l === "BEGIN:VEVENT")).toHaveLength(2);
    expect(unfolded).toContain("UID:meeting:7@x");
    expect(unfolded.filter((l) => l === "DTSTAMP:20261202T000000Z")).toHaveLength(2);
    expect(unfolded).toContain("DTSTART:20261208T060000Z");
    expect(unfolded).toContain("DTEND:20261208T080000Z");
    expect(unfolded.filter((l) => l.startsWith("DTEND:"))).toHaveLength(1);
    expect(unfolded).toContain("SUMMARY:主题党日\\, 302 室\\; 带笔记本");
    expect(unfolded).toContain("DESCRIPTION:第一行\\n第二行");
    expect(unfolded).toContain("URL:https://dx.example.edu/quizzes/3");
    expect(unfolded).toContain("X-WR-CALNAME:张三的党校日程");
  });
});
