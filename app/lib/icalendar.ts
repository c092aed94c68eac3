// An iCalendar (RFC 5545) writer for the personal calendar feed: a VCALENDAR of VEVENTs in UTC times
// (…Z, so no VTIMEZONE is needed; phones show them in their own zone), CRLF line ends, lines folded at
// 75 octets without splitting a UTF-8 character, TEXT values escaped (\\ ; , and newlines). Small and
// pure on purpose: the feed needs only this much, and it is unit-tested here rather than pulled in.

export type CalendarEvent = {
  /** Stable per item, so a phone updates the event rather than adding a copy. */
  uid: string;
  summary: string;
  description?: string;
  location?: string;
  url?: string;
  start: Date;
  /** A deadline has none: it is written as a point in time (DTSTART only). */
  end?: Date | null;
};

export type Calendar = { name: string; events: readonly CalendarEvent[]; stamp: Date };

/** A UTC date-time as iCalendar writes it: 20261202T060000Z. */
export function icalDateTime(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** A TEXT value escaped (RFC 5545 3.3.11): backslash, semicolon, comma, and newlines as \n. */
export function escapeText(s: string): string {
  return s
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

const encoder = new TextEncoder();

/** One content line folded at 75 octets (RFC 5545 3.1): continuation lines start with a space, characters stay whole. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  // The first line holds 75 octets; each continuation holds 74 after its leading space.
  let limit = 75;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
      limit = 74;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

function property(name: string, value: string): string {
  return foldLine(`${name}:${value}`);
}

/** The whole calendar as the text of a .ics file. */
export function writeCalendar(cal: Calendar): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//wangshang-dangxiao//calendar//ZH",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    property("X-WR-CALNAME", escapeText(cal.name)),
    "X-WR-TIMEZONE:Asia/Shanghai",
  ];
  const stamp = icalDateTime(cal.stamp);
  for (const e of cal.events) {
    lines.push("BEGIN:VEVENT", property("UID", escapeText(e.uid)), `DTSTAMP:${stamp}`, `DTSTART:${icalDateTime(e.start)}`);
    if (e.end) lines.push(`DTEND:${icalDateTime(e.end)}`);
    lines.push(property("SUMMARY", escapeText(e.summary)));
    if (e.description) lines.push(property("DESCRIPTION", escapeText(e.description)));
    if (e.location) lines.push(property("LOCATION", escapeText(e.location)));
    if (e.url) lines.push(property("URL", e.url));
    lines.push("END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return lines.join("\r\n") + "\r\n";
}
