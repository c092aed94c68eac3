import { describe, expect, it } from "vitest";
import { requestHandling } from "~/lib/offline-shell";

// The service worker answers page navigations and the build's hashed files only; everything a person
// sends, and everything they are credited for, goes to the network as if there were no worker.

const ORIGIN = "https://dangxiao.example.edu.cn";
const req = (url: string, { method = "GET", mode = "cors" } = {}) => requestHandling({ url: url.startsWith("/") ? ORIGIN + url : url, method, mode }, ORIGIN);

describe("requestHandling", () => {
  it("answers page navigations (network first, the offline page without one)", () => {
    expect(req("/", { mode: "navigate" })).toBe("page");
    expect(req("/courses/xi/lesson-1?tab=notes", { mode: "navigate" })).toBe("page");
  });

  it("keeps the build's hashed files and the icons", () => {
    expect(req("/assets/root-BdA8x1.js")).toBe("shell-file");
    expect(req("/assets/tailwind-DMUWK3Ap.css", { mode: "no-cors" })).toBe("shell-file");
    expect(req("/icons/icon-192.png")).toBe("shell-file");
    expect(req("/offline")).toBe("shell-file");
  });

  it("never answers a POST, a form sent as a navigation included", () => {
    expect(req("/quizzes/1/attempts/2", { method: "POST", mode: "navigate" })).toBe("network");
    expect(req("/quizzes/1/attempts/2.data", { method: "POST" })).toBe("network");
    expect(req("/api/study", { method: "POST" })).toBe("network");
    expect(req("/api/contests/answer", { method: "POST" })).toBe("network");
    expect(req("/assets/root-BdA8x1.js", { method: "POST" })).toBe("network");
  });

  it("never answers Remix's data requests, /api, event streams or other sites", () => {
    expect(req("/quizzes/1/attempts/2.data")).toBe("network");
    expect(req("/_root.data?_routes=root")).toBe("network");
    expect(req("/__manifest?p=/x")).toBe("network");
    expect(req("/api/study")).toBe("network");
    expect(req("/contests/3/live/events")).toBe("network");
    expect(req("/documents/4/download")).toBe("network");
    expect(req("/assets/root-BdA8x1.js?v=2")).toBe("network");
    expect(req("https://cdn.example.com/assets/x.js")).toBe("network");
  });
});
