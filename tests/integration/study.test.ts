import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { type Checkpoint } from "~/lib/course-format";
import { ledgerYear } from "~/lib/hours";
import { type CourseFactory, openCourseFactory } from "../course-factories";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Study heartbeats against the real server (POST /api/study), with the rules of app/lib/watch-credit.ts:
// what a beat credits and what it refuses (and says so, in Chinese), what is stored, completion and its
// 学时 credited once, checkpoints, reading time, and who may study at all.
//
// Time: the server credits media seconds only as wall-clock time passes (a 2 s first allowance, then
// one second per second, the bucket capped at 60 s). The tests do not sleep. Where a test needs time to
// have passed it moves the account's StudySession.lastBeatAt (the server's own stored clock) back by
// that much, which is exactly what the server sees when that much time has gone by (`letTimePass`).
// Where a number depends on the few milliseconds the test's own requests took, the expected value is
// computed from the two clocks the server stored (`refilled`), so every assertion is exact.

let server: TestServer;
let cf: CourseFactory;
const ids: Record<string, number> = {};
const PASSWORD = "Passw0rd1";
const DURATION = 48; // content/courses/jijifenzi-peixun/media/lesson-01.mp4, as ffprobe reports it
const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");

const CHECKPOINTS: Checkpoint[] = [
  {
    id: "cp-single",
    at: 10,
    type: "single",
    question: "党的最高领导机关是什么？",
    options: { A: "党的全国代表大会和它所产生的中央委员会", B: "中央政治局", C: "中央书记处" },
    answer: "A",
    explanation: "党章第十条：党的最高领导机关，是党的全国代表大会和它所产生的中央委员会。",
  },
  { id: "cp-judge", at: 30, type: "judge", question: "预备党员的预备期为一年。", answer: true, explanation: "党章第七条。" },
];

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  cf = openCourseFactory(f.db);
  const root = f.unit({ name: "学习大学党委", kind: "committee" });
  const college = f.unit({ name: "文学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "文学院学生党支部", kind: "branch", branchType: "student", parent: college });
  const other = f.unit({ name: "理学院党委", kind: "college", parent: root });
  Object.assign(ids, { college: college.id, branch: branch.id, other: other.id });
  // One argon2 hash for everybody: each sign-in still verifies it for real.
  const hash = await hashPassword(PASSWORD);
  const person = (key: string, politicalStatus = "activist", unitId = branch.id) => {
    ids[key] = f.person({ number: key, name: `学员${key}`, unitId, politicalStatus });
    f.passwordHash(ids[key], hash);
  };
  for (const key of ["begin", "fast", "skip", "tabs", "done", "edge", "cp", "read", "refuse", "assigned", "closed"]) person(key);
  person("outsider", "masses");
  person("far", "activist", other.id);

  ids.course = cf.course({ slug: "rudang-jichu", unitId: college.id, audienceStatuses: ["activist", "member"] });
  cf.media({
    courseId: ids.course,
    path: "media/lesson-01.mp4",
    file: "content/courses/jijifenzi-peixun/media/lesson-01.mp4",
    mime: "video/mp4",
    durationSec: DURATION,
  });
  const video = { courseId: ids.course, minutes: 1, videoPath: "media/lesson-01.mp4" };
  ids.plain = cf.lesson({ ...video, key: "dangzhang", position: 1, credit: 25 });
  ids.quiz = cf.lesson({ ...video, key: "zuzhi", position: 2, credit: 50, checkpoints: CHECKPOINTS });
  ids.text = cf.lesson({ courseId: ids.course, key: "yuedu", position: 3, credit: 30, minutes: 2, body: "请认真阅读党章总纲。" });
  ids.archived = cf.lesson({ ...video, key: "jiuke", position: 4, credit: 10, archivedAt: new Date() });

  ids.draft = cf.course({ slug: "caogao", unitId: college.id, status: "draft" });
  ids.draftLesson = cf.lesson({ courseId: ids.draft, key: "yi", position: 1, credit: 10, minutes: 1 });

  ids.closing = cf.course({ slug: "jiangyao-xiajia", unitId: college.id, audienceStatuses: ["activist"] });
  cf.media({
    courseId: ids.closing,
    path: "media/lesson-01.mp4",
    file: "content/courses/jijifenzi-peixun/media/lesson-01.mp4",
    mime: "video/mp4",
    durationSec: DURATION,
  });
  ids.closingLesson = cf.lesson({ courseId: ids.closing, key: "yi", position: 1, credit: 10, minutes: 1, videoPath: "media/lesson-01.mp4" });

  ids.members = cf.course({ slug: "dangyuan-zhuanti", unitId: college.id, audienceStatuses: ["member"] });
  ids.membersLesson = cf.lesson({ courseId: ids.members, key: "yi", position: 1, credit: 20, minutes: 1 });
});
afterAll(() => server?.stop());

async function as(number: string) {
  const c = new Client(server.url);
  expect((await c.login(number, PASSWORD)).status).toBe(302);
  return c;
}

type Status = { watched: [number, number][]; furthest: number; coverage: number; readSeconds: number; completed: boolean; credited: number };
type Reply = {
  ok: boolean;
  error?: string;
  sessionId?: string;
  status: Status;
  newSeconds: number;
  superseded: boolean;
  messages: string[];
  correct?: boolean;
  answer?: string[];
  explanation?: string | null;
};

async function call(c: Client, fields: [string, string][], init: { origin?: string | null } = {}) {
  const res = await c.request("/api/study", { method: "POST", body: new URLSearchParams(fields), ...init });
  return { status: res.status, body: (res.headers.get("content-type")?.includes("json") ? JSON.parse(res.text) : res.text) as Reply };
}

async function begin(c: Client, lessonId: number) {
  const r = await call(c, [
    ["intent", "begin"],
    ["lessonId", String(lessonId)],
  ]);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.sessionId).toMatch(/^[\w-]{16}$/);
  return r.body.sessionId!;
}

const video = (c: Client, lessonId: number, sessionId: string, seq: number, intervals: [number, number][]) =>
  call(c, [
    ["intent", "video"],
    ["lessonId", String(lessonId)],
    ["sessionId", sessionId],
    ["seq", String(seq)],
    ["intervals", JSON.stringify(intervals)],
  ]);

const reading = (c: Client, lessonId: number, sessionId: string, seq: number, visibleSeconds: number) =>
  call(c, [
    ["intent", "reading"],
    ["lessonId", String(lessonId)],
    ["sessionId", sessionId],
    ["seq", String(seq)],
    ["visibleSeconds", String(visibleSeconds)],
  ]);

const answer = (c: Client, lessonId: number, checkpointId: string, values: string[]) =>
  call(c, [["intent", "checkpoint"], ["lessonId", String(lessonId)], ["checkpointId", checkpointId], ...values.map((v): [string, string] => ["answer", v])]);

// ---- the stored rows ----

type SessionRow = { id: string; lessonId: number; lastBeatAt: string; lastSeq: number; allowance: number };
type ProgressRow = { watched: string; watchedSeconds: number; readSeconds: number; checkpoints: string; completedAt: string | null };

const db = () => server.factory.db;
const sessionRow = (personId: number) =>
  db().prepare("SELECT id, lessonId, lastBeatAt, lastSeq, allowance FROM StudySession WHERE personId = ?").get(personId) as SessionRow | undefined;
const progressRow = (personId: number, lessonId: number) =>
  db()
    .prepare("SELECT watched, watchedSeconds, readSeconds, checkpoints, completedAt FROM LessonProgress WHERE personId = ? AND lessonId = ?")
    .get(personId, lessonId) as ProgressRow | undefined;
const hoursRows = (personId: number, lessonId: number) =>
  db()
    .prepare("SELECT year, amount, category, sourceKind, sourceId FROM HoursEntry WHERE personId = ? AND sourceKind = 'lesson' AND sourceId = ?")
    .all(personId, String(lessonId)) as { year: number; amount: number; category: string; sourceKind: string; sourceId: string }[];

/** Stands in for `seconds` of wall-clock time passing: the account's last heartbeat moves that far into the past. */
function letTimePass(personId: number, seconds: number) {
  const row = sessionRow(personId)!;
  db()
    .prepare("UPDATE StudySession SET lastBeatAt = ? WHERE personId = ?")
    .run(ts(new Date(Date.parse(row.lastBeatAt) - seconds * 1000)), personId);
}

/**
 * The allowance, in tenths of a second, that the server had for the heartbeat that turned `before`
 * into `after`: the stored allowance plus the time between the two stored clocks, capped at 60 s
 * (refill() in app/lib/watch-credit.ts).
 */
const refilled = (before: SessionRow, after: SessionRow) =>
  Math.min(Math.round(before.allowance * 10) + Math.floor((Date.parse(after.lastBeatAt) - Date.parse(before.lastBeatAt)) / 100), 600);

/** The calendar year in China, which the ledger files hours under. */
const chinaYear = () => ledgerYear(new Date());

const SUPERSEDED = "您已在另一个窗口或设备上开始学习，本窗口不再计入学习进度";
const DUPLICATE = "这条学习记录已经提交过，不重复计入";
const tooFastVideo = (range: string, secs: number) =>
  `${range} 有 ${secs} 秒的播放快于正常速度（可能调快了倍速、网络中断过久或页面时间异常），不计入学习进度，请以正常速度重新观看这一段`;
const tooFastReading = (secs: number) => `有 ${secs} 秒的阅读时间超过了实际经过的时间（可能网络中断过久或页面时间异常），不计入学习进度`;

describe("video heartbeats", () => {
  it("begins a session and credits a beat within the allowance", async () => {
    const c = await as("begin");
    const res = await call(c, [
      ["intent", "begin"],
      ["lessonId", String(ids.plain)],
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: true,
      status: { watched: [], furthest: 0, coverage: 0, readSeconds: 0, completed: false, credited: 0 },
    });
    const sessionId = res.body.sessionId!;
    // The account's first session: the 2 s first allowance, nothing played yet.
    const s0 = sessionRow(ids.begin)!;
    expect(s0).toMatchObject({ id: sessionId, lessonId: ids.plain, lastSeq: 0, allowance: 2 });
    expect(progressRow(ids.begin, ids.plain)).toBeUndefined();

    const beat = await video(c, ids.plain, sessionId, 1, [[0, 1.5]]);
    expect(beat.status).toBe(200);
    expect(beat.body).toMatchObject({
      ok: true,
      newSeconds: 1.5,
      superseded: false,
      messages: [],
      status: { watched: [[0, 1.5]], furthest: 1.5, coverage: 1.5 / DURATION, completed: false, credited: 0 },
    });
    expect(progressRow(ids.begin, ids.plain)).toEqual({ watched: "[[0,1.5]]", watchedSeconds: 1.5, readSeconds: 0, checkpoints: "{}", completedAt: null });
    const s1 = sessionRow(ids.begin)!;
    expect(s1).toMatchObject({ id: sessionId, lastSeq: 1, allowance: (refilled(s0, s1) - 15) / 10 });
  });

  it("charges re-watched seconds to the allowance without crediting them again", async () => {
    const c = await as("begin");
    // A new session (new page load) carries the account's allowance; it does not start again from 2 s.
    const s1 = sessionRow(ids.begin)!;
    const sessionId = await begin(c, ids.plain);
    const s2 = sessionRow(ids.begin)!;
    expect(s2).toMatchObject({ id: sessionId, lastSeq: 0, allowance: refilled(s1, s2) / 10 });
    letTimePass(ids.begin, 5);
    const before = sessionRow(ids.begin)!;
    const beat = await video(c, ids.plain, sessionId, 1, [
      [0, 1.5],
      [1.5, 4],
    ]);
    expect(beat.body).toMatchObject({ newSeconds: 2.5, messages: [], status: { watched: [[0, 4]], furthest: 4 } });
    expect(progressRow(ids.begin, ids.plain)).toMatchObject({ watched: "[[0,4]]", watchedSeconds: 4 });
    const after = sessionRow(ids.begin)!;
    expect(after.allowance).toBe((refilled(before, after) - 40) / 10);
  });

  it("credits a forged 40 s beat right after begin only as far as the allowance goes", async () => {
    const c = await as("fast");
    const sessionId = await begin(c, ids.plain);
    const s0 = sessionRow(ids.fast)!;
    const beat = await video(c, ids.plain, sessionId, 1, [[0, 40]]);
    const s1 = sessionRow(ids.fast)!;
    // 2 s plus the few milliseconds between the two requests, in whole tenths.
    const allowed = refilled(s0, s1);
    expect(allowed).toBeGreaterThanOrEqual(20);
    expect(allowed).toBeLessThan(30);
    const credited = allowed / 10;
    expect(beat.body).toMatchObject({
      ok: true,
      newSeconds: credited,
      superseded: false,
      status: { watched: [[0, credited]], furthest: credited, completed: false },
      messages: [tooFastVideo("0:02–0:40", Math.round(40 - credited))],
    });
    expect(progressRow(ids.fast, ids.plain)).toMatchObject({ watched: JSON.stringify([[0, credited]]), watchedSeconds: credited });
    expect(s1).toMatchObject({ lastSeq: 1, allowance: 0 });

    // Ten seconds later the refused part is credited as far as those ten seconds go.
    letTimePass(ids.fast, 10);
    const s2 = sessionRow(ids.fast)!;
    const again = await video(c, ids.plain, sessionId, 2, [[credited, 40]]);
    const s3 = sessionRow(ids.fast)!;
    const more = refilled(s2, s3);
    expect(more).toBeGreaterThanOrEqual(100);
    expect(more).toBeLessThan(400 - allowed);
    const reached = (allowed + more) / 10;
    expect(again.body).toMatchObject({
      newSeconds: more / 10,
      status: { watched: [[0, reached]] },
      messages: [tooFastVideo(`0:${Math.floor(reached)}–0:40`, Math.round(40 - reached))],
    });
  });

  it("refuses skipping ahead past the furthest point and stores nothing for it", async () => {
    const c = await as("skip");
    const sessionId = await begin(c, ids.plain);
    // An hour idle fills the bucket only to its cap: 60 s.
    letTimePass(ids.skip, 3600);
    const first = await video(c, ids.plain, sessionId, 1, [[0, 10]]);
    expect(first.body).toMatchObject({ newSeconds: 10, messages: [], status: { watched: [[0, 10]], furthest: 10 } });
    expect(sessionRow(ids.skip)!.allowance).toBe(50);

    // A seek within the 2 s tolerance is not a skip; the gap is never bridged.
    const seek = await video(c, ids.plain, sessionId, 2, [[11.5, 13]]);
    expect(seek.body).toMatchObject({
      newSeconds: 1.5,
      messages: [],
      status: {
        watched: [
          [0, 10],
          [11.5, 13],
        ],
        furthest: 13,
      },
    });

    const stored = progressRow(ids.skip, ids.plain);
    expect(stored).toMatchObject({ watched: "[[0,10],[11.5,13]]", watchedSeconds: 11.5 });
    const before = sessionRow(ids.skip)!;
    const skip = await video(c, ids.plain, sessionId, 3, [[30, 40]]);
    expect(skip.status).toBe(200);
    expect(skip.body).toMatchObject({
      ok: true,
      newSeconds: 0,
      superseded: false,
      status: { furthest: 13, completed: false },
      messages: ["从 0:13 跳到 0:30 的部分没有观看，不计入学习进度，请从 0:13 继续观看"],
    });
    expect(progressRow(ids.skip, ids.plain)).toEqual(stored);
    // The skipped seconds were played, so they used the allowance.
    const after = sessionRow(ids.skip)!;
    expect(after).toMatchObject({ lastSeq: 3, allowance: (refilled(before, after) - 100) / 10 });
  });

  it("answers a replayed sequence number as a duplicate and changes nothing", async () => {
    const c = await as("skip");
    const session = sessionRow(ids.skip)!;
    const progress = progressRow(ids.skip, ids.plain);
    letTimePass(ids.skip, 60);
    const moved = sessionRow(ids.skip)!;
    // The last heartbeat retried unchanged, and an older sequence number carrying seconds never credited.
    const replays: [number, [number, number][]][] = [
      [3, [[30, 40]]],
      [2, [[13, 20]]],
    ];
    for (const [seq, intervals] of replays) {
      const replay = await video(c, ids.plain, session.id, seq, intervals);
      expect(replay.status).toBe(200);
      expect(replay.body).toMatchObject({ ok: true, newSeconds: 0, superseded: false, messages: [DUPLICATE], status: { furthest: 13 } });
      expect(sessionRow(ids.skip)).toEqual(moved);
      expect(progressRow(ids.skip, ids.plain)).toEqual(progress);
    }
  });

  it("refuses a played interval that is not in the video as invalid", async () => {
    const c = await as("skip");
    const sessionId = await begin(c, ids.plain);
    const progress = progressRow(ids.skip, ids.plain);
    const beat = await video(c, ids.plain, sessionId, 1, [[13, DURATION + 5]]);
    expect(beat.body).toMatchObject({ newSeconds: 0, messages: ["学习记录无效，未计入学习进度"] });
    expect(progressRow(ids.skip, ids.plain)).toEqual(progress);
  });
});

describe("one session per account", () => {
  it("stops counting in the older tab once another one begins", async () => {
    const first = await as("tabs");
    const second = await as("tabs");
    const s1 = await begin(first, ids.plain);
    const s2 = await begin(second, ids.plain);
    expect(s2).not.toBe(s1);
    const stored = sessionRow(ids.tabs)!;
    expect(stored).toMatchObject({ id: s2, lastSeq: 0 });

    for (const seq of [1, 2]) {
      const stale = await video(first, ids.plain, s1, seq, [[0, 1]]);
      expect(stale.status).toBe(200);
      expect(stale.body).toMatchObject({ ok: true, superseded: true, newSeconds: 0, messages: [SUPERSEDED], status: { watched: [] } });
      expect(sessionRow(ids.tabs)).toEqual(stored);
      expect(progressRow(ids.tabs, ids.plain)).toBeUndefined();
    }

    const current = await video(second, ids.plain, s2, 1, [[0, 1]]);
    expect(current.body).toMatchObject({ superseded: false, newSeconds: 1, messages: [] });
    expect(progressRow(ids.tabs, ids.plain)).toMatchObject({ watched: "[[0,1]]", watchedSeconds: 1 });
  });

  it("stops counting a session once the account opens another lesson", async () => {
    const c = await as("tabs");
    const onVideo = sessionRow(ids.tabs)!.id;
    await begin(c, ids.text);
    const progress = progressRow(ids.tabs, ids.plain);
    const stale = await video(c, ids.plain, onVideo, 2, [[1, 2]]);
    expect(stale.body).toMatchObject({ superseded: true, newSeconds: 0, messages: [SUPERSEDED] });
    expect(progressRow(ids.tabs, ids.plain)).toEqual(progress);
  });
});

describe("completion", () => {
  it("completes at the coverage threshold exactly, and credits the lesson's 学时 once", async () => {
    const c = await as("edge");
    const sessionId = await begin(c, ids.plain);
    letTimePass(ids.edge, 3600);
    // 95 % of 48 s is 45.6 s.
    const short = await video(c, ids.plain, sessionId, 1, [[0, 45.5]]);
    expect(short.body).toMatchObject({ newSeconds: 45.5, status: { completed: false, credited: 0 } });
    expect(progressRow(ids.edge, ids.plain)!.completedAt).toBeNull();
    expect(hoursRows(ids.edge, ids.plain)).toEqual([]);

    const enough = await video(c, ids.plain, sessionId, 2, [[45.5, 45.6]]);
    expect(enough.body).toMatchObject({ newSeconds: 0.1, status: { watched: [[0, 45.6]], coverage: 0.95, completed: true, credited: 25 } });
    const done = progressRow(ids.edge, ids.plain)!;
    expect(done).toMatchObject({ watched: "[[0,45.6]]", watchedSeconds: 45.6 });
    expect(done.completedAt).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+\+00:00$/);
    expect(hoursRows(ids.edge, ids.plain)).toEqual([{ year: chinaYear(), amount: 25, category: "online", sourceKind: "lesson", sourceId: String(ids.plain) }]);

    // Watching the rest adds coverage but no second credit.
    const rest = await video(c, ids.plain, sessionId, 3, [[45.6, DURATION]]);
    expect(rest.body).toMatchObject({ newSeconds: 2.4, status: { coverage: 1, completed: true, credited: 0 } });
    expect(progressRow(ids.edge, ids.plain)!.completedAt).toBe(done.completedAt);
    expect(hoursRows(ids.edge, ids.plain)).toHaveLength(1);
  });

  it("needs every checkpoint answered, even at full coverage", async () => {
    const c = await as("done");
    const sessionId = await begin(c, ids.quiz);
    letTimePass(ids.done, 3600);
    const all = await video(c, ids.quiz, sessionId, 1, [[0, DURATION]]);
    expect(all.body).toMatchObject({ newSeconds: DURATION, messages: [], status: { coverage: 1, completed: false, credited: 0 } });
    expect(progressRow(ids.done, ids.quiz)).toMatchObject({ watchedSeconds: DURATION, completedAt: null });

    const one = await answer(c, ids.quiz, "cp-single", ["A"]);
    expect(one.body).toMatchObject({ ok: true, correct: true, status: { completed: false, credited: 0 } });
    expect(progressRow(ids.done, ids.quiz)!.completedAt).toBeNull();
    expect(hoursRows(ids.done, ids.quiz)).toEqual([]);

    const two = await answer(c, ids.quiz, "cp-judge", ["true"]);
    expect(two.body).toMatchObject({ ok: true, correct: true, answer: ["正确"], status: { completed: true, credited: 50 } });
    const done = progressRow(ids.done, ids.quiz)!;
    expect(done.completedAt).not.toBeNull();
    expect(hoursRows(ids.done, ids.quiz)).toEqual([{ year: chinaYear(), amount: 50, category: "online", sourceKind: "lesson", sourceId: String(ids.quiz) }]);

    // Neither a further beat nor a further answer credits again.
    letTimePass(ids.done, 60);
    const beat = await video(c, ids.quiz, sessionId, 2, [[0, 10]]);
    expect(beat.body).toMatchObject({ newSeconds: 0, status: { completed: true, credited: 0 } });
    const again = await answer(c, ids.quiz, "cp-judge", ["false"]);
    expect(again.body).toMatchObject({ ok: true, status: { completed: true, credited: 0 } });
    expect(progressRow(ids.done, ids.quiz)!.completedAt).toBe(done.completedAt);
    expect(hoursRows(ids.done, ids.quiz)).toHaveLength(1);
  });
});

describe("checkpoints", () => {
  it("returns the key and the explanation after a wrong answer, and keeps the first answer", async () => {
    const c = await as("cp");
    const wrong = await answer(c, ids.quiz, "cp-single", ["B"]);
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({
      ok: true,
      correct: false,
      answer: ["A"],
      explanation: "党章第十条：党的最高领导机关，是党的全国代表大会和它所产生的中央委员会。",
      status: { completed: false, credited: 0 },
    });
    const stored = progressRow(ids.cp, ids.quiz)!;
    const answered = JSON.parse(stored.checkpoints) as Record<string, { correct: boolean; at: string }>;
    expect(Object.keys(answered)).toEqual(["cp-single"]);
    expect(answered["cp-single"].correct).toBe(false);

    // Answering again with the key just shown changes nothing, and the reply says so: the first answer's result.
    const again = await answer(c, ids.quiz, "cp-single", ["A"]);
    expect(again.body).toMatchObject({ ok: true, correct: false, answer: ["A"] });
    expect(progressRow(ids.cp, ids.quiz)!.checkpoints).toBe(stored.checkpoints);

    const judge = await answer(c, ids.quiz, "cp-judge", ["false"]);
    expect(judge.body).toMatchObject({ correct: false, answer: ["正确"], explanation: "党章第七条。" });
  });

  it("refuses an unknown checkpoint and an empty answer", async () => {
    const c = await as("cp");
    const before = progressRow(ids.cp, ids.quiz);
    const unknown = await answer(c, ids.quiz, "cp-none", ["A"]);
    expect(unknown).toEqual({ status: 404, body: { ok: false, error: "检查点不存在" } });
    const empty = await answer(c, ids.quiz, "cp-single", []);
    expect(empty).toEqual({ status: 400, body: { ok: false, error: "请先选择答案" } });
    expect(progressRow(ids.cp, ids.quiz)).toEqual(before);
  });
});

describe("reading a text lesson", () => {
  it("credits visible time no faster than the clock and completes after the lesson's minutes", async () => {
    const c = await as("read");
    const sessionId = await begin(c, ids.text);
    const s0 = sessionRow(ids.read)!;
    const first = await reading(c, ids.text, sessionId, 1, 15);
    const s1 = sessionRow(ids.read)!;
    const allowed = refilled(s0, s1);
    expect(allowed).toBeGreaterThanOrEqual(20);
    expect(allowed).toBeLessThan(30);
    expect(first.body).toMatchObject({
      ok: true,
      newSeconds: allowed / 10,
      messages: [tooFastReading(Math.round(15 - allowed / 10))],
      status: { readSeconds: allowed / 10, completed: false },
    });
    expect(progressRow(ids.read, ids.text)).toMatchObject({ readSeconds: allowed / 10, watched: "[]", completedAt: null });

    // An hour of the page left open counts for one minute at most: the bucket's cap.
    letTimePass(ids.read, 3600);
    const idle = await reading(c, ids.text, sessionId, 2, 100);
    const read2 = allowed + 600;
    expect(idle.body).toMatchObject({ newSeconds: 60, messages: [tooFastReading(40)], status: { readSeconds: read2 / 10, completed: false } });

    // The lesson takes 2 minutes: a tenth short is not enough.
    letTimePass(ids.read, 3600);
    const almost = await reading(c, ids.text, sessionId, 3, (1199 - read2) / 10);
    expect(almost.body).toMatchObject({ messages: [], status: { readSeconds: 119.9, completed: false, credited: 0 } });
    expect(hoursRows(ids.read, ids.text)).toEqual([]);

    letTimePass(ids.read, 1);
    const enough = await reading(c, ids.text, sessionId, 4, 0.1);
    expect(enough.body).toMatchObject({ newSeconds: 0.1, messages: [], status: { readSeconds: 120, completed: true, credited: 30 } });
    expect(progressRow(ids.read, ids.text)).toMatchObject({ readSeconds: 120 });
    expect(progressRow(ids.read, ids.text)!.completedAt).not.toBeNull();
    expect(hoursRows(ids.read, ids.text)).toEqual([{ year: chinaYear(), amount: 30, category: "online", sourceKind: "lesson", sourceId: String(ids.text) }]);
  });
});

describe("who may study", () => {
  const noSession = (key: string) => expect(sessionRow(ids[key])).toBeUndefined();

  it("sends an anonymous request to sign in", async () => {
    const res = await new Client(server.url).post("/api/study", { intent: "begin", lessonId: String(ids.plain) });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/login?redirectTo=%2Fapi%2Fstudy");
  });

  it("answers a lesson outside the person's audience like one that does not exist", async () => {
    const c = await as("outsider");
    for (const lessonId of [ids.plain, 999_999, ids.archived, ids.draftLesson, ids.membersLesson]) {
      const res = await call(c, [
        ["intent", "begin"],
        ["lessonId", String(lessonId)],
      ]);
      expect(res, `lesson ${lessonId}`).toEqual({ status: 404, body: { ok: false, error: "课时不存在" } });
    }
    noSession("outsider");
  });

  it("answers an archived lesson and a draft course's lesson with 404 to their audience too", async () => {
    const c = await as("refuse");
    for (const lessonId of [ids.archived, ids.draftLesson, 999_999]) {
      const res = await call(c, [
        ["intent", "begin"],
        ["lessonId", String(lessonId)],
      ]);
      expect(res, `lesson ${lessonId}`).toEqual({ status: 404, body: { ok: false, error: "课时不存在" } });
    }
    noSession("refuse");
  });

  it("refuses malformed requests with 400 and stores nothing", async () => {
    const c = await as("refuse");
    const sessionId = await begin(c, ids.plain);
    const before = sessionRow(ids.refuse);
    const base: [string, string][] = [
      ["lessonId", String(ids.plain)],
      ["sessionId", sessionId],
      ["seq", "1"],
    ];
    for (const intervals of ["[[0,1", "[[0]]", '{"0":[0,1]}', '[[0,"1"]]']) {
      const res = await call(c, [["intent", "video"], ...base, ["intervals", intervals]]);
      expect(res, intervals).toEqual({ status: 400, body: { ok: false, error: "播放记录格式不正确" } });
    }
    expect(
      await call(c, [
        ["intent", "video"],
        ["lessonId", "abc"],
      ]),
    ).toEqual({ status: 400, body: { ok: false, error: "请求格式不正确" } });
    expect(await call(c, [["intent", "reading"], ...base, ["visibleSeconds", "a while"]])).toEqual({
      status: 400,
      body: { ok: false, error: "阅读记录格式不正确" },
    });
    expect(await call(c, [["intent", "rewind"], ...base])).toEqual({ status: 400, body: { ok: false, error: "无法识别的操作" } });
    expect(sessionRow(ids.refuse)).toEqual(before);
    // A text lesson has no video to send beats for.
    await begin(c, ids.text);
    const textBefore = sessionRow(ids.refuse);
    const onText = await call(c, [
      ["intent", "video"],
      ["lessonId", String(ids.text)],
      ["sessionId", textBefore!.id],
      ["seq", "1"],
      ["intervals", "[[0,1]]"],
    ]);
    expect(onText).toEqual({ status: 400, body: { ok: false, error: "这个课时没有视频" } });
    expect(sessionRow(ids.refuse)).toEqual(textBefore);
    expect(progressRow(ids.refuse, ids.plain)).toBeUndefined();
    expect(progressRow(ids.refuse, ids.text)).toBeUndefined();
  });

  it("refuses a cross-site post, with or without an Origin", async () => {
    const c = await as("far");
    for (const origin of [null, "https://evil.example"]) {
      const res = await c.request("/api/study", { method: "POST", body: new URLSearchParams({ intent: "begin", lessonId: String(ids.plain) }), origin });
      expect(res.status).toBe(403);
      expect(res.text).toBe("跨站请求已被拒绝");
    }
    noSession("far");
    // The same request from the site itself goes through: the person is in the audience.
    await begin(c, ids.plain);
  });

  it("opens a course to a person outside its audience once an assignment covers them", async () => {
    const c = await as("assigned");
    const tryBegin = () =>
      call(c, [
        ["intent", "begin"],
        ["lessonId", String(ids.membersLesson)],
      ]);
    expect((await tryBegin()).status).toBe(404);
    // Assignments that do not cover them change nothing: another status, another college.
    cf.assignment({ courseId: ids.members, unitId: ids.college, politicalStatus: "target" });
    cf.assignment({ courseId: ids.members, unitId: ids.other, politicalStatus: "activist" });
    expect((await tryBegin()).status).toBe(404);
    cf.assignment({ courseId: ids.members, unitId: ids.college, politicalStatus: "activist", dueAt: new Date(Date.now() + 30 * 86400_000) });
    const res = await tryBegin();
    expect(res.status).toBe(200);
    expect(sessionRow(ids.assigned)).toMatchObject({ id: res.body.sessionId, lessonId: ids.membersLesson });
    // Still nobody else's: the masses member of the same branch is not covered.
    const outsider = await as("outsider");
    const other = await call(outsider, [
      ["intent", "begin"],
      ["lessonId", String(ids.membersLesson)],
    ]);
    expect(other.status).toBe(404);
  });

  it("stops counting a running session at once when its course is unpublished", async () => {
    const c = await as("closed");
    const sessionId = await begin(c, ids.closingLesson);
    letTimePass(ids.closed, 10);
    expect((await video(c, ids.closingLesson, sessionId, 1, [[0, 5]])).body.newSeconds).toBe(5);
    db().prepare("UPDATE Course SET status = 'draft' WHERE id = ?").run(ids.closing);
    const before = { session: sessionRow(ids.closed), progress: progressRow(ids.closed, ids.closingLesson) };
    letTimePass(ids.closed, 10);
    const moved = sessionRow(ids.closed);
    const res = await video(c, ids.closingLesson, sessionId, 2, [[5, 10]]);
    expect(res).toEqual({ status: 404, body: { ok: false, error: "课时不存在" } });
    expect(progressRow(ids.closed, ids.closingLesson)).toEqual(before.progress);
    expect(sessionRow(ids.closed)).toEqual(moved);
    expect(before.session?.lastSeq).toBe(1);
  });

  it("checks in full a heartbeat that names a session other than the account's own", async () => {
    // Another person's session id for a lesson the outsider may not see: refused like a missing lesson.
    const owner = await as("tabs");
    const theirs = await begin(owner, ids.plain);
    const outsider = await as("outsider");
    const res = await video(outsider, ids.plain, theirs, 1, [[0, 1]]);
    expect(res).toEqual({ status: 404, body: { ok: false, error: "课时不存在" } });
    noSession("outsider");
  });
});
