import { type Page, type Response } from "@playwright/test";
import type Database from "better-sqlite3";
import { MEDIA, seedCourse, seedLearnerLike } from "./support/course-seed";
import { expect, signInAs, test } from "./support/fixtures";

// A learner studies a video lesson: watching it through earns the lesson's 学时 once; dragging the
// bar past what was watched is sent back and earns nothing, and a forged heartbeat claiming a later
// stretch is refused with the reason; a second tab of the same account takes over the study time, and
// the first can take it back.
//
// Credit follows the server's clock only (app/lib/watch-credit.ts): a media second is credited only
// as wall-clock time passes on the server. So the videos really play, in real time, and nothing here
// speeds them up. Playwright's clock drives the page's 15 s heartbeat timer where a test needs a
// heartbeat without waiting 15 s (runFor fires it at once); it moves the page's timers, never the
// media's playback nor the server's clock.
//
// Each test signs in as its own demo account: an account has one study session at a time, so two
// tests studying as the same person at once would take the session from each other.

type StudyAnswer = {
  ok: boolean;
  sessionId?: string;
  newSeconds?: number;
  superseded?: boolean;
  messages?: string[];
  status?: { watched: [number, number][]; coverage: number; completed: boolean; credited: number };
};

/** The next answer of /api/study to a request of this intent ("begin", "video", …). */
function studyAnswer(page: Page, intent: string): Promise<Response> {
  return page.waitForResponse((r) => new URL(r.url()).pathname === "/api/study" && new URLSearchParams(r.request().postData() ?? "").get("intent") === intent);
}

/**
 * Every answer of /api/study to a page, in the order they arrive. The page's heartbeat timer runs on
 * its own too (Playwright's clock flows with real time), so on a slow machine a heartbeat may come
 * before the test's `runFor`: a test asks for the heartbeats answered since a mark, not for "the
 * next one", which would then never come.
 */
function studyLog(page: Page) {
  const answers: { intent: string | null; answer: Promise<StudyAnswer> }[] = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname !== "/api/study") return;
    const intent = new URLSearchParams(r.request().postData() ?? "").get("intent");
    answers.push({ intent, answer: r.json().catch(() => ({ ok: false })) as Promise<StudyAnswer> });
  });
  return {
    mark: () => answers.length,
    /** The heartbeat answers (intent "video") since the mark. */
    beatsSince: (mark: number) => Promise.all(answers.slice(mark).flatMap((a) => (a.intent === "video" ? [a.answer] : []))),
  };
}

// video.js copies the test id onto its wrapper: the media element is the <video> itself.
const video = (page: Page) => page.locator("video[data-testid=lesson-video]");
const currentTime = (page: Page) => video(page).evaluate((v: HTMLVideoElement) => v.currentTime);

/**
 * Starts the video the way a person does: one tap on the lesson's 播放视频 button, which loads the
 * player and starts it (decision 072; the player's own big play button is not there before the tap).
 */
async function play(page: Page) {
  const begun = studyAnswer(page, "begin");
  await page.getByRole("button", { name: "播放视频" }).click();
  expect(((await (await begun).json()) as StudyAnswer).ok).toBe(true);
}

function lessonProgress(db: () => Database.Database, number: string, lessonId: number) {
  return db()
    .prepare("SELECT lp.watched, lp.completedAt FROM LessonProgress lp JOIN Person p ON p.id = lp.personId WHERE p.number = ? AND lp.lessonId = ?")
    .get(number, lessonId) as { watched: string; completedAt: string | null } | undefined;
}

test("a learner watches a short video lesson to the end and is credited its 学时 once", async ({ page, db }) => {
  // The usual 95 %: on a two-second video that is all but a tenth of a second.
  const course = seedCourse({
    titlePrefix: "短视频课",
    completionPermille: 950,
    lessons: [{ key: "tiny", title: "两秒视频课时", credit: 50, minutes: 1, video: MEDIA.tiny, tree: [{ t: "p", c: ["请完整观看视频。"] }] }],
  });
  const lesson = course.lessons.tiny;
  const learner = seedLearnerLike("target", "看完发展");
  await signInAs(page, learner.number, learner.name);
  await page.goto(lesson.url);
  await expect(page.getByRole("heading", { name: "两秒视频课时" })).toBeVisible();
  await expect(page.getByText("请完整观看视频。")).toBeVisible();
  await expect(page.getByTestId("lesson-progress")).toHaveText("0.5 学时 · 已观看 0%（完成需 95%）");

  // The last stretch reaches the server with the heartbeat the player sends when the video ends:
  // no timer is involved, the two seconds simply play.
  await play(page);
  await expect(page.getByTestId("lesson-complete")).toHaveText("本课时已完成，获得 0.5 学时。", { timeout: 15_000 });
  await expect(page.getByTestId("lesson-progress")).toHaveText("0.5 学时 · 已完成");
  expect(lessonProgress(db, learner.number, lesson.id)?.completedAt).toBeTruthy();

  // Watching it again credits nothing more.
  const again = studyAnswer(page, "video");
  await video(page).evaluate((v: HTMLVideoElement) => {
    v.currentTime = 0;
    return v.play();
  });
  const replay = (await (await again).json()) as StudyAnswer;
  expect(replay.status?.credited).toBe(0);
  const entries = db()
    .prepare(
      "SELECT h.amount, h.category, h.note FROM HoursEntry h JOIN Person p ON p.id = h.personId WHERE p.number = ? AND h.sourceKind = 'lesson' AND h.sourceId = ?",
    )
    .all(learner.number, String(lesson.id));
  expect(entries).toEqual([{ amount: 50, category: "online", note: "两秒视频课时" }]);

  // The learner's own record of 学时 lists it.
  await page.goto("/hours");
  const row = page.getByRole("listitem").filter({ hasText: "两秒视频课时" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("+0.5");

  await page.goto(`/courses/${course.slug}`);
  await expect(page.getByTestId("lesson-row")).toContainText("已完成");
  await expect(page.getByText("本课程已全部完成。")).toBeVisible();
});

test("dragging the bar past what was watched is sent back, says why, and earns nothing; a forged heartbeat is refused", async ({ page, db, baseURL }) => {
  const course = seedCourse({
    titlePrefix: "跳播课",
    lessons: [{ key: "weidangke", title: "微党课：不能跳过", credit: 100, minutes: 1, video: MEDIA.weidangke, tree: [{ t: "p", c: ["按顺序观看。"] }] }],
  });
  const lesson = course.lessons.weidangke;
  await page.clock.install();
  const learner = seedLearnerLike("cadre", "跳播干部");
  await signInAs(page, learner.number, learner.name);
  await page.goto(lesson.url);
  await play(page);
  // The page's timers stop once the player plays (the video plays on: media does not run on them), so
  // the heartbeat awaited below is the one the pause sends, never the 15 s timer's on a slow machine.
  await page.clock.pauseAt(Date.now() + 1000);
  await expect.poll(() => currentTime(page), { timeout: 10_000 }).toBeGreaterThan(1.5);

  // The person drags the progress bar to 0:30.
  await video(page).evaluate((v: HTMLVideoElement) => {
    v.currentTime = 30;
  });
  await expect(page.getByTestId("credit-notes")).toContainText(/请按顺序观看：不能跳过未观看的部分，已回到 0:0\d/);
  await expect.poll(() => currentTime(page)).toBeLessThan(10);

  // Pausing sends what was played: nothing beyond where the learner really got to is stored.
  const beat = studyAnswer(page, "video");
  await video(page).evaluate((v: HTMLVideoElement) => v.pause());
  const answer = (await (await beat).json()) as StudyAnswer;
  expect(answer.ok).toBe(true);
  expect(answer.messages).toEqual([]);
  const stored = JSON.parse(lessonProgress(db, learner.number, lesson.id)!.watched) as [number, number][];
  expect(stored.length).toBeGreaterThan(0);
  const furthest = Math.max(...stored.map(([, end]) => end));
  expect(furthest).toBeLessThan(10);
  await expect(page.getByTestId("lesson-progress")).toHaveText(/^1 学时 · 已观看 ([0-9]|1[0-9]|2[0-4])%（完成需 95%）$/);
  await expect(page.getByTestId("lesson-complete")).toHaveCount(0);

  // The server judges skipping by itself: a heartbeat sent by hand with this learner's session,
  // claiming 0:25–0:35, is refused with the reason and stores nothing. (Origin: the server refuses
  // state-changing requests that do not name the site, as a browser's would.)
  const post = async (form: Record<string, string>) => {
    const r = await page.request.post("/api/study", { form: { lessonId: String(lesson.id), ...form }, headers: { Origin: baseURL! } });
    expect(r.status()).toBe(200);
    return (await r.json()) as StudyAnswer;
  };
  const { sessionId } = await post({ intent: "begin" });
  const forged = await post({ intent: "video", sessionId: sessionId!, seq: "1", intervals: JSON.stringify([[25, 35]]) });
  expect(forged.newSeconds).toBe(0);
  expect(forged.messages).toHaveLength(1);
  expect(forged.messages![0]).toMatch(/^从 0:0\d 跳到 0:25 的部分没有观看，不计入学习进度，请从 0:0\d 继续观看$/);
  expect(JSON.parse(lessonProgress(db, learner.number, lesson.id)!.watched)).toEqual(stored);
  expect(forged.status?.watched).toEqual(stored);
});

test("a second tab of the same learner takes the study time over, and the first can take it back", async ({ page, context }) => {
  const course = seedCourse({
    titlePrefix: "双窗口课",
    lessons: [
      { key: "weidangke", title: "微党课：一处学习", credit: 100, minutes: 1, video: MEDIA.weidangke, tree: [{ t: "p", c: ["同一时间只在一处学习。"] }] },
    ],
  });
  const lesson = course.lessons.weidangke;
  // The clock belongs to the context: one runFor fires the heartbeat timer of both tabs, as 15 s of
  // real time would.
  await context.clock.install();
  const learner = seedLearnerLike("branchsec", "双窗支书");
  await signInAs(page, learner.number, learner.name);
  const firstLog = studyLog(page);
  await page.goto(lesson.url);
  await play(page);
  await expect.poll(() => currentTime(page), { timeout: 10_000 }).toBeGreaterThan(0.5);

  const second = await context.newPage();
  const secondLog = studyLog(second);
  await second.goto(lesson.url);
  // From here on, every heartbeat of the first tab reaches the server after the second began.
  const firstSince = firstLog.mark();
  await play(second);
  await expect.poll(() => currentTime(second), { timeout: 10_000 }).toBeGreaterThan(0.5);
  const secondSince = secondLog.mark();

  const superseded = (p: Page) => p.getByRole("alert").filter({ hasText: "您已在另一个窗口或设备上开始学习，本窗口的播放不再计入。" });
  // The next heartbeat of each tab: the first is told it no longer counts and stops; the second counts.
  await context.clock.runFor(15_000);
  await expect(superseded(page)).toBeVisible();
  expect((await firstLog.beatsSince(firstSince)).some((a) => a.superseded)).toBe(true);
  await expect.poll(async () => (await secondLog.beatsSince(secondSince)).some((a) => !a.superseded && (a.newSeconds ?? 0) > 0)).toBe(true);
  await expect(page.getByTestId("credit-notes")).toContainText("您已在另一个窗口或设备上开始学习，本窗口不再计入学习进度");
  await expect.poll(() => video(page).evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
  await expect(superseded(second)).toHaveCount(0);

  // 在此窗口继续: the first tab owns the study time again and plays on; the second learns it at its next heartbeat.
  const begun = studyAnswer(page, "begin");
  await superseded(page).getByRole("button", { name: "在此窗口继续" }).click();
  expect(((await (await begun).json()) as StudyAnswer).ok).toBe(true);
  const firstAgainSince = firstLog.mark();
  const secondAgainSince = secondLog.mark();
  await expect(superseded(page)).toHaveCount(0);
  const resumedAt = await currentTime(page);
  await expect.poll(() => currentTime(page), { timeout: 10_000 }).toBeGreaterThan(resumedAt + 0.5);

  await context.clock.runFor(15_000);
  await expect(superseded(second)).toBeVisible();
  expect((await secondLog.beatsSince(secondAgainSince)).some((a) => a.superseded)).toBe(true);
  // Counted as this tab's again (not superseded). Whether its seconds are credited is the next test.
  await expect.poll(async () => (await firstLog.beatsSince(firstAgainSince)).length).toBeGreaterThan(0);
  expect((await firstLog.beatsSince(firstAgainSince)).map((a) => a.superseded)).not.toContain(true);
  await expect.poll(() => video(second).evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
  await expect(superseded(page)).toHaveCount(0);
});

// The stretch a tab played after it was superseded is refused; the player forgets it too, so after
// 在此窗口继续 it plays on from what the server credited and is credited again (it once kept its own
// furthest point and every later heartbeat was refused as skipping ahead).
test("after taking the study time back, the first tab's playing is credited again", async ({ page, context }) => {
  const course = seedCourse({
    titlePrefix: "接回学习课",
    lessons: [{ key: "weidangke", title: "微党课：接回学习", credit: 100, minutes: 1, video: MEDIA.weidangke, tree: [{ t: "p", c: ["接回后继续计入。"] }] }],
  });
  const lesson = course.lessons.weidangke;
  await context.clock.install();
  const learner = seedLearnerLike("admin", "接回组织");
  await signInAs(page, learner.number, learner.name);
  const firstLog = studyLog(page);
  await page.goto(lesson.url);
  await play(page);
  // The first tab gets well ahead before the second opens, so where it resumes is clearly past what
  // the second tab will have had credited.
  await expect.poll(() => currentTime(page), { timeout: 10_000 }).toBeGreaterThan(4.5);

  const second = await context.newPage();
  await second.goto(lesson.url);
  const firstSince = firstLog.mark();
  await play(second);
  await expect.poll(() => currentTime(second), { timeout: 10_000 }).toBeGreaterThan(0.5);
  await context.clock.runFor(15_000);
  const resume = page.getByRole("button", { name: "在此窗口继续" });
  await expect(resume).toBeVisible();
  expect((await firstLog.beatsSince(firstSince)).some((a) => a.superseded)).toBe(true);

  const begun = studyAnswer(page, "begin");
  await resume.click();
  expect(((await (await begun).json()) as StudyAnswer).ok).toBe(true);
  const regainedSince = firstLog.mark();
  const resumedAt = await currentTime(page);
  await expect.poll(() => currentTime(page), { timeout: 10_000 }).toBeGreaterThan(resumedAt + 1);
  await context.clock.runFor(15_000);
  // What the learner is entitled to: the tab that continues counts, or the player takes them back
  // to where credit stopped (and nothing they then play is refused).
  await expect.poll(async () => (await firstLog.beatsSince(regainedSince)).some((a) => (a.newSeconds ?? 0) > 0)).toBe(true);
  expect((await firstLog.beatsSince(regainedSince)).flatMap((a) => a.messages ?? [])).toEqual([]);
});

// When a video ends, Chromium fires its last timeupdate (at the end) after `paused` is already true;
// the player extends the running stretch to the playhead when it pauses or ends, so the whole video
// is reported (it once lost up to a quarter of a second at every pause, and a short video could not
// reach 95 %). At the other end, on a busy phone the page hears that playback began some tenths
// after the media started: the stretch starts where the playhead stood, not where it is by then (a
// CI machine under load once lost 0.1 s that way; a page slowed 8× lost 0.6 s of the two).
test("watching a video to its end reports it watched from its start to its end, also on a slow phone", async ({ page }) => {
  const course = seedCourse({
    titlePrefix: "看完课",
    lessons: [{ key: "tiny", title: "看到最后一秒", credit: 50, minutes: 1, video: MEDIA.tiny, tree: [{ t: "p", c: ["看到结尾。"] }] }],
  });
  const learner = seedLearnerLike("trainer", "看完教员");
  await signInAs(page, learner.number, learner.name);
  await page.goto(course.lessons.tiny.url);
  // A phone eight times slower than this machine's Chromium.
  await (await page.context().newCDPSession(page)).send("Emulation.setCPUThrottlingRate", { rate: 8 });
  const sent = page.waitForRequest((r) => new URL(r.url()).pathname === "/api/study" && new URLSearchParams(r.postData() ?? "").get("intent") === "video");
  await play(page);
  const intervals = JSON.parse(new URLSearchParams((await sent).postData() ?? "").get("intervals") ?? "[]") as [number, number][];
  expect(await video(page).evaluate((v: HTMLVideoElement) => v.ended)).toBe(true);
  // The heartbeat sent as the video ended starts at its first frame and reaches its last …
  expect(Math.min(...intervals.map(([start]) => start))).toBe(0);
  expect(Math.max(...intervals.map(([, end]) => end))).toBeGreaterThanOrEqual(1.99);
  // … so the usual 95 % is reached by watching it through.
  await expect(page.getByTestId("lesson-complete")).toHaveText("本课时已完成，获得 0.5 学时。");
});

// A video lesson opens light on a phone (issue 15, decision 072): its page loads no video.js (the
// site's largest script) and no media until the learner taps 播放视频; that one tap loads the
// player, plays the video and starts the study time, and what is played is credited.
test("a video lesson loads no player until 播放视频 is tapped, and that tap plays and credits time @phone", async ({ page }) => {
  const course = seedCourse({
    titlePrefix: "轻页面视频课",
    lessons: [{ key: "weidangke", title: "微党课：点击播放", credit: 100, minutes: 1, video: MEDIA.weidangke, tree: [{ t: "p", c: ["点击播放。"] }] }],
  });
  const learner = seedLearnerLike("member", "点播党员");
  await signInAs(page, learner.number, learner.name);
  const fetched: string[] = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  const playerFiles = () => fetched.filter((p) => /\/assets\/video[.-]/.test(p) || p.startsWith("/media/"));
  const log = studyLog(page);
  await page.goto(course.lessons.weidangke.url);
  const button = page.getByRole("button", { name: "播放视频" });
  await expect(button).toBeEnabled();
  // The poster is a finger's size and keeps the player's 16:9 place on the 390 px screen.
  const box = (await button.boundingBox())!;
  expect(box.width).toBeGreaterThan(300);
  expect(Math.round((box.width * 9) / 16)).toBeCloseTo(box.height, -1);
  await page.waitForLoadState("networkidle");
  expect(playerFiles()).toEqual([]);
  await expect(page.locator(".vjs-big-play-button")).toHaveCount(0);

  const begun = studyAnswer(page, "begin");
  await button.tap();
  expect(((await (await begun).json()) as StudyAnswer).ok).toBe(true);
  expect(playerFiles().some((p) => /\/assets\/video\.es-/.test(p))).toBe(true);
  await expect(button).toHaveCount(0);
  await expect.poll(() => currentTime(page), { timeout: 15_000 }).toBeGreaterThan(2);

  // Pausing sends what was played, and the server credits it.
  const since = log.mark();
  await video(page).evaluate((v: HTMLVideoElement) => v.pause());
  await expect.poll(async () => (await log.beatsSince(since)).some((a) => a.ok && (a.newSeconds ?? 0) > 1)).toBe(true);
  await expect(page.getByTestId("lesson-progress")).toHaveText(/^1 学时 · 已观看 [1-9]\d?%（完成需 95%）$/);
});
