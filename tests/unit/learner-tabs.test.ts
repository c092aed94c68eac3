import { describe, expect, it } from "vitest";
import { LEARNER_TABS, currentTab, showsTabBar } from "~/lib/learner-tabs";

describe("the learners' tab bar", () => {
  it("has the five tabs in the order of issue 15, each opening its own page", () => {
    expect(LEARNER_TABS.map((t) => t.label)).toEqual(["学习", "答题", "竞赛", "学时", "我的"]);
    expect(LEARNER_TABS.map((t) => t.to)).toEqual(["/", "/quizzes", "/contests", "/hours", "/account"]);
    // Each tab's own page belongs to it, so the tab is marked current where it leads.
    for (const t of LEARNER_TABS) expect(currentTab(t.to)).toBe(t.id);
  });

  it("marks the tab a page deeper than a tab belongs to", () => {
    expect(currentTab("/courses")).toBe("learn");
    expect(currentTab("/courses/liangxue-yizuo/02-xue-dangzhang")).toBe("learn");
    expect(currentTab("/quizzes/3/attempts/12")).toBe("quiz");
    expect(currentTab("/contests/7/live")).toBe("contest");
    expect(currentTab("/hours/certificates/4")).toBe("hours");
    expect(currentTab("/notifications")).toBe("me");
    expect(currentTab("/mailbox/letters/2")).toBe("me");
  });

  it("gives the longest owning prefix: a credit claim is 学时 although it lives under the account", () => {
    expect(currentTab("/account")).toBe("me");
    expect(currentTab("/account/password")).toBe("me");
    expect(currentTab("/account/claims")).toBe("hours");
  });

  it("matches whole path segments only", () => {
    expect(currentTab("/coursesx")).toBeNull();
    expect(currentTab("/hoursabc")).toBeNull();
    expect(currentTab("/manage/courses")).toBeNull();
  });

  it("is left off management, sign-in and a contest's host screen", () => {
    expect(showsTabBar("/")).toBe(true);
    expect(showsTabBar("/quizzes/1/attempts/2")).toBe(true);
    expect(showsTabBar("/contests/1/live")).toBe(true);
    expect(showsTabBar("/manage")).toBe(false);
    expect(showsTabBar("/manage/people/3")).toBe(false);
    expect(showsTabBar("/login")).toBe(false);
    expect(showsTabBar("/contests/1/host")).toBe(false);
    expect(showsTabBar("/managers")).toBe(true);
  });
});
