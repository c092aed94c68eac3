import { describe, expect, it } from "vitest";
import { GENERIC_NOTICE, pushNotice, sameOriginPath } from "~/lib/push-notice";

// What the service worker shows for a push: the sender's notice when the payload is one, a generic
// notice for anything else, and never a link off this site.

const ORIGIN = "https://dangxiao.example.edu.cn";

describe("pushNotice", () => {
  it("shows the sender's title, body, page and tag", () => {
    const text = JSON.stringify({ title: "主题党日提醒", body: "明天 14:00 在 302 会议室", url: "/meetings/12?from=push", tag: "meeting-12" });
    expect(pushNotice(text, ORIGIN)).toEqual({ title: "主题党日提醒", body: "明天 14:00 在 302 会议室", url: "/meetings/12?from=push", tag: "meeting-12" });
  });

  it("shows the generic notice for a payload that is not a notice", () => {
    for (const text of [null, "", "not json", "[]", "null", '"标题"', "{}", '{"title": ""}', '{"title": "   "}', '{"title": 42, "body": "x"}']) {
      expect(pushNotice(text, ORIGIN), String(text)).toEqual(GENERIC_NOTICE);
    }
  });

  it("keeps a notice without a body, url or tag, sending it to the inbox", () => {
    expect(pushNotice('{"title":"新通知","body":7,"tag":""}', ORIGIN)).toEqual({ title: "新通知", body: "", url: "/notifications" });
  });

  it("clips an overlong title and body by characters, not bytes", () => {
    const notice = pushNotice(JSON.stringify({ title: "党".repeat(200), body: "课".repeat(1000) }), ORIGIN);
    expect([...notice.title]).toHaveLength(80);
    expect(notice.title.endsWith("…")).toBe(true);
    expect([...notice.body]).toHaveLength(300);
  });
});

describe("sameOriginPath", () => {
  it("keeps a path, or an absolute URL, of this site", () => {
    expect(sameOriginPath("/courses/xi?x=1#part", ORIGIN)).toBe("/courses/xi?x=1#part");
    expect(sameOriginPath(`${ORIGIN}/quizzes/3`, ORIGIN)).toBe("/quizzes/3");
    expect(sameOriginPath("quizzes/3", ORIGIN)).toBe("/quizzes/3");
  });

  it("sends anything else to the inbox", () => {
    for (const url of [
      "https://evil.example.com/login",
      "//evil.example.com/login",
      "/\\evil.example.com",
      "http://dangxiao.example.edu.cn/x",
      "javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "",
      null,
      42,
    ]) {
      expect(sameOriginPath(url, ORIGIN), String(url)).toBe("/notifications");
    }
  });
});
