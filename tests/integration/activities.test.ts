import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkinToken, codeFor, slotAt } from "~/.server/activities/checkin-code";
import { toLocalInput } from "~/lib/quiz-settings";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// Offline activities against the real server: a secretary creates one for a unit in scope (and not
// outside it); members check in with the rotating code (refused when the code is old or made up,
// outside the window, or from another unit; harmless twice); the secretary adds someone with a
// reason, confirms (each attendee credited once, however often confirmed), corrects by reversal and
// adds someone afterwards. Codes are computed from the stored secret, so no test waits for a slot.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const HOUR = 3600_000;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "签到大学党委", kind: "committee" });
  const college = f.unit({ name: "文学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "文学院第一党支部", kind: "branch", branchType: "student", parent: college });
  const other = f.unit({ name: "理学院党委", kind: "college", parent: root });
  Object.assign(ids, { branch: branch.id, other: other.id });
  const person = async (key: string, unitId: number) => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("SEC", branch.id);
  f.grant(ids.SEC, "secretary", branch.id);
  await person("SEC2", branch.id);
  f.grant(ids.SEC2, "secretary", branch.id);
  await person("OTHERSEC", other.id);
  f.grant(ids.OTHERSEC, "secretary", other.id);
  for (const key of ["M1", "M2", "M3", "M4"]) await person(key, branch.id);
  await person("FAR", other.id);
});
afterAll(async () => {
  await server?.stop();
});

const form = (overrides: Record<string, string> = {}) => {
  const now = Date.now();
  return {
    unitId: String(ids.branch),
    title: "十一月主题党日",
    kind: "theme_day",
    startsAt: toLocalInput(new Date(now)),
    endsAt: toLocalInput(new Date(now + 2 * HOUR)),
    checkinOpensAt: toLocalInput(new Date(now - HOUR)),
    checkinClosesAt: toLocalInput(new Date(now + 2 * HOUR)),
    hours: "2",
    ...overrides,
  };
};
async function create(overrides: Record<string, string> = {}) {
  const res = await clients.SEC.post("/manage/activities", form(overrides));
  expect(res.status).toBe(302);
  return Number(/\/manage\/activities\/(\d+)$/.exec(res.location!)![1]);
}
const secret = (activityId: number) =>
  (server.factory.db.prepare("SELECT codeSecret FROM Activity WHERE id = ?").get(activityId) as { codeSecret: string }).codeSecret;
const token = (activityId: number) => checkinToken(activityId, secret(activityId));
const checkin = (key: string, t: string) => clients[key].get(`/checkin/${t}`);
const attendance = (activityId: number, key: string) =>
  server.factory.db.prepare("SELECT source, reason, removedAt FROM ActivityAttendance WHERE activityId = ? AND personId = ?").get(activityId, ids[key]) as
    { source: string; reason: string | null; removedAt: string | null } | undefined;
const entries = (key: string) =>
  server.factory.db.prepare("SELECT id, amount, category, sourceKind, sourceId FROM HoursEntry WHERE personId = ? ORDER BY id").all(ids[key]) as {
    id: number;
    amount: number;
    category: string;
    sourceKind: string;
    sourceId: string;
  }[];
const total = (key: string) => entries(key).reduce((s, e) => s + e.amount, 0);
const page = (activityId: number) => `/manage/activities/${activityId}`;

describe("activities", () => {
  it("lets a secretary create an activity for a unit in scope only", async () => {
    const id = await create();
    const row = server.factory.db.prepare("SELECT unitId, kind, hours, status, length(codeSecret) AS n FROM Activity WHERE id = ?").get(id) as Record<
      string,
      unknown
    >;
    expect(row).toEqual({ unitId: ids.branch, kind: "theme_day", hours: 200, status: "open", n: 43 });
    const view = await clients.SEC.get(page(id));
    expect(view.status).toBe(200);
    expect(view.text).toContain('data-testid="checkin-qr"');
    expect(view.text).toContain(`/checkin/${id}-`);
    expect(view.text).not.toContain(secret(id));
    // The projector's code points here even when the page was asked for with a forged Host header.
    const forged = await clients.SEC.getWithHost(page(id), "evil.example");
    expect(forged.text).toContain(`data-checkin-url="${server.url}/checkin/${id}-`);
    expect(forged.text).not.toContain("evil.example");

    expect((await clients.SEC.post("/manage/activities", form({ unitId: String(ids.other) }))).status).toBe(403);
    expect((await clients.OTHERSEC.get(page(id))).status).toBe(403);
    expect((await clients.OTHERSEC.post(page(id), { intent: "confirm" })).status).toBe(403);
    expect((await clients.M1.get("/manage/activities")).status).toBe(403);
    const bad = await clients.SEC.post("/manage/activities", form({ title: "", endsAt: form().startsAt }));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("请填写活动名称");
    expect(bad.text).toContain("结束时间须晚于开始时间");
    // 30 February is refused, not rolled forward to 2 March; 0x10 is not 16 学时.
    const before = (server.factory.db.prepare("SELECT COUNT(*) AS n FROM Activity").get() as { n: number }).n;
    const impossible = await clients.SEC.post("/manage/activities", form({ startsAt: "2026-02-30T19:00", endsAt: "2026-03-02T21:00", hours: "0x10" }));
    expect(impossible.status).toBe(400);
    expect(impossible.text).toContain("日期或时间不存在");
    expect(impossible.text).toContain("学时须为数字");
    expect((server.factory.db.prepare("SELECT COUNT(*) AS n FROM Activity").get() as { n: number }).n).toBe(before);
  });

  it("checks a member in with the current code, once, and refuses old, made-up and foreign codes", async () => {
    const id = await create({ title: "支部党员大会", kind: "branch_meeting" });
    const anonymous = await new Client(server.url).get(`/checkin/${token(id)}`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toBe(`/login?redirectTo=${encodeURIComponent(`/checkin/${token(id)}`)}`);

    const first = await checkin("M1", token(id));
    expect(first.status).toBe(200);
    expect(first.text).toContain("签到成功");
    expect(attendance(id, "M1")).toMatchObject({ source: "checkin", removedAt: null });
    const again = await checkin("M1", token(id));
    expect(again.text).toContain("已签到");
    expect(again.text).not.toContain("签到成功");
    expect(server.factory.db.prepare("SELECT COUNT(*) AS n FROM ActivityAttendance WHERE activityId = ?").get(id)).toEqual({ n: 1 });

    // The previous slot's code still works (a phone a few seconds late); older ones do not.
    const previous = `${id}-${codeFor(secret(id), slotAt(new Date()) - 1)}`;
    expect((await checkin("M2", previous)).text).toContain("签到成功");
    const expired = await checkin("M3", `${id}-${codeFor(secret(id), slotAt(new Date()) - 3)}`);
    expect(expired.text).toContain("二维码已过期");
    expect(attendance(id, "M3")).toBeUndefined();

    // Another activity's code, a made-up code, a malformed token.
    const otherId = await create({ title: "党小组会", kind: "group_meeting" });
    expect((await checkin("M3", `${id}-${codeFor(secret(otherId), slotAt(new Date()))}`)).text).toContain("二维码已过期");
    expect((await checkin("M3", `${id}-AAAAAAAAAA`)).text).toContain("二维码已过期");
    expect((await checkin("M3", "not-a-code")).text).toContain("二维码无效");
    expect((await checkin("M3", `99999-${codeFor(secret(id), slotAt(new Date()))}`)).text).toContain("二维码无效");
    expect(attendance(id, "M3")).toBeUndefined();

    // Wrong unit: a valid code, a person outside the activity's unit.
    const foreign = await checkin("FAR", token(id));
    expect(foreign.text).toContain("您不在该组织内");
    expect(attendance(id, "FAR")).toBeUndefined();
  });

  it("refuses check-in outside the window", async () => {
    const now = Date.now();
    const later = await create({
      title: "组织生活会",
      kind: "life_meeting",
      startsAt: toLocalInput(new Date(now + 24 * HOUR)),
      endsAt: toLocalInput(new Date(now + 26 * HOUR)),
      checkinOpensAt: toLocalInput(new Date(now + 23 * HOUR)),
      checkinClosesAt: toLocalInput(new Date(now + 26 * HOUR)),
    });
    expect((await checkin("M1", token(later))).text).toContain("签到尚未开始");
    expect((await clients.SEC.get(page(later))).text).not.toContain('data-testid="checkin-qr"');
    const past = await create({
      title: "党课",
      kind: "party_lecture",
      startsAt: toLocalInput(new Date(now - 26 * HOUR)),
      endsAt: toLocalInput(new Date(now - 24 * HOUR)),
      checkinOpensAt: toLocalInput(new Date(now - 27 * HOUR)),
      checkinClosesAt: toLocalInput(new Date(now - 24 * HOUR)),
    });
    expect((await checkin("M1", token(past))).text).toContain("签到已结束");
    expect(attendance(later, "M1")).toBeUndefined();
    expect(attendance(past, "M1")).toBeUndefined();
  });

  it("confirms the list once, credits each attendee once, corrects by reversal and credits late additions", async () => {
    const id = await create({ title: "党校集中培训", kind: "party_school", hours: "4" });
    expect((await checkin("M1", token(id))).text).toContain("签到成功");
    const before = { M1: total("M1"), M2: total("M2"), M3: total("M3") };

    // M3 was there without a phone: added with a reason, which is required.
    expect((await clients.SEC.post(page(id), { intent: "add", personId: String(ids.M3), reason: "" })).status).toBe(400);
    expect((await clients.SEC.post(page(id), { intent: "add", personId: String(ids.FAR), reason: "未带手机" })).text).toContain("只能补登本组织的人员");
    expect((await clients.SEC.post(page(id), { intent: "add", personId: String(ids.M3), reason: "未带手机" })).status).toBe(200);
    expect(attendance(id, "M3")).toMatchObject({ source: "added", reason: "未带手机" });
    expect((await clients.SEC.post(page(id), { intent: "add", personId: String(ids.M1), reason: "重复" })).text).toContain("已在签到名单中");
    const search = await clients.SEC.get(`${page(id)}?q=${encodeURIComponent("人员M")}`);
    expect(search.text).toContain("人员M2");
    expect(search.text).not.toContain("人员FAR");

    // M2 checked in by mistake and is taken off before confirmation: the row stays, marked removed,
    // and scanning again does not put them back.
    expect((await checkin("M2", token(id))).text).toContain("签到成功");
    expect((await clients.SEC.post(page(id), { intent: "remove", personId: String(ids.M2), reason: "" })).text).toContain("已移出签到名单");
    expect(attendance(id, "M2")!.removedAt).not.toBeNull();
    expect((await checkin("M2", token(id))).text).toContain("移出本次活动的签到名单");

    const confirmed = await clients.SEC.post(page(id), { intent: "confirm" });
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain("2 人记入学时");
    // Confirming again (a double click, a retry) credits nobody twice.
    expect((await clients.SEC.post(page(id), { intent: "confirm" })).text).toContain("签到名单已确认过");
    for (const key of ["M1", "M3"] as const) {
      const mine = entries(key).filter((e) => e.sourceKind === "activity" && e.sourceId === String(id));
      expect(mine).toEqual([expect.objectContaining({ amount: 400, category: "party_school" })]);
    }
    expect(total("M1")).toBe(before.M1 + 400);
    expect(total("M2")).toBe(before.M2);
    expect((await clients.M1.get("/hours")).text).toContain("党校培训：党校集中培训");
    // Check-in is closed once the list is confirmed; the secretary adds people instead.
    expect((await checkin("M4", token(id))).text).toContain("签到名单已确认");
    expect(attendance(id, "M4")).toBeUndefined();

    // Correction: removing M3 needs a reason and reverses the entry; the rows stay.
    expect((await clients.SEC.post(page(id), { intent: "remove", personId: String(ids.M3), reason: "" })).text).toContain("须填写原因");
    expect(total("M3")).toBe(before.M3 + 400);
    expect((await clients.SEC.post(page(id), { intent: "remove", personId: String(ids.M3), reason: "实际未参加" })).text).toContain("冲销");
    expect(total("M3")).toBe(before.M3);
    expect(attendance(id, "M3")!.removedAt).not.toBeNull();
    const reversal = entries("M3").at(-1)!;
    expect(reversal).toMatchObject({ sourceKind: "reversal", amount: -400 });
    const logged = server.factory.db
      .prepare(
        "SELECT action, COUNT(*) AS n FROM AuditLog WHERE action IN ('activity.confirm', 'activity.remove_attendee', 'hours.reverse') GROUP BY action ORDER BY action",
      )
      .all();
    expect(logged).toEqual([
      { action: "activity.confirm", n: 1 },
      { action: "activity.remove_attendee", n: 2 },
      { action: "hours.reverse", n: 1 },
    ]);

    // A person added after confirmation is credited at once; someone removed and added back is credited again.
    expect((await clients.SEC.post(page(id), { intent: "add", personId: String(ids.M2), reason: "签到时手机没电" })).text).toContain("已补登并记入学时");
    expect(total("M2")).toBe(before.M2 + 400);
    expect((await clients.SEC.post(page(id), { intent: "add", personId: String(ids.M3), reason: "核实后确实参加" })).text).toContain("已补登并记入学时");
    expect(total("M3")).toBe(before.M3 + 400);
    expect((await clients.SEC.post(page(id), { intent: "confirm" })).text).toContain("签到名单已确认过");
    expect(total("M1")).toBe(before.M1 + 400);
    expect(total("M2")).toBe(before.M2 + 400);
    expect(total("M3")).toBe(before.M3 + 400);
  });

  it("edits an open activity, cancels it with a reason, and a cancelled one takes no check-ins", async () => {
    const id = await create({ title: "临时取消的会议", kind: "committee_meeting" });
    const { unitId: _unit, ...settings } = form({ title: "支部委员会（改期前）", hours: "1.5" });
    expect((await clients.SEC.post(page(id), { intent: "settings", ...settings })).text).toContain("活动设置已保存");
    expect(server.factory.db.prepare("SELECT title, hours FROM Activity WHERE id = ?").get(id)).toEqual({ title: "支部委员会（改期前）", hours: 150 });
    expect((await clients.SEC.post(page(id), { intent: "settings", ...settings, hours: "0" })).status).toBe(400);
    expect((await clients.SEC.post(page(id), { intent: "cancel", reason: "" })).status).toBe(400);
    expect((await clients.SEC.post(page(id), { intent: "cancel", reason: "改期举行" })).text).toContain("活动已取消");
    expect((await checkin("M1", token(id))).text).toContain("该活动已取消");
    expect((await clients.SEC.post(page(id), { intent: "confirm" })).text).toContain("活动已取消，不能确认");
    expect((await clients.SEC.post(page(id), { intent: "settings", ...settings })).text).toContain("不能再修改");
  });

  it("tells a person outside the activity's unit nothing about it: no title, unit, time or state", async () => {
    const now = Date.now();
    const title = "保密的支委扩大会议";
    const opens = new Date(now + 23 * HOUR);
    const open = await create({ title });
    const later = await create({
      title,
      startsAt: toLocalInput(new Date(now + 24 * HOUR)),
      endsAt: toLocalInput(new Date(now + 25 * HOUR)),
      checkinOpensAt: toLocalInput(opens),
      checkinClosesAt: toLocalInput(new Date(now + 26 * HOUR)),
    });
    const cancelled = await create({ title });
    expect((await clients.SEC.post(page(cancelled), { intent: "cancel", reason: "改期举行" })).status).toBe(200);
    const confirmed = await create({ title });
    expect((await clients.SEC.post(page(confirmed), { intent: "confirm" })).status).toBe(200);

    const codes = [
      token(open),
      `${open}-${codeFor(secret(open), slotAt(new Date()) - 3)}`, // expired
      token(later),
      token(cancelled),
      token(confirmed),
    ];
    const leaks = [title, "文学院第一党支部", "文学院", "签到尚未开始", "已取消", "已确认", "已过期", opens.getUTCFullYear() + "-"];
    for (const code of codes) {
      const res = await checkin("FAR", code);
      expect(res.status).toBe(200);
      expect(res.text).toContain("您不在该组织内");
      for (const leak of leaks) expect(res.text, `${code} leaks ${leak}`).not.toContain(leak);
    }
    expect(server.factory.db.prepare("SELECT COUNT(*) AS n FROM ActivityAttendance WHERE personId = ?").get(ids.FAR)).toEqual({ n: 0 });
    // A member of the unit is still told what is wrong, with the activity's name.
    const member = await checkin("M1", token(later));
    expect(member.text).toContain("签到尚未开始");
    expect(member.text).toContain(title);
  });

  it("credits nobody's 学时 by their own hand: no adding oneself, and a confirmer's own attendance waits for another manager", async () => {
    const id = await create({ title: "书记也参加的主题党日", hours: "3" });
    const before = { SEC: total("SEC"), SEC2: total("SEC2"), M1: total("M1") };
    const selfAdd = await clients.SEC.post(page(id), { intent: "add", personId: String(ids.SEC), reason: "我也参加了" });
    expect(selfAdd.status).toBe(400);
    expect(selfAdd.text).toContain("不能为自己补登");
    expect(attendance(id, "SEC")).toBeUndefined();

    // The secretary checks in like everybody else, then confirms the list.
    expect((await checkin("SEC", token(id))).text).toContain("签到成功");
    expect((await checkin("M1", token(id))).text).toContain("签到成功");
    const confirmed = await clients.SEC.post(page(id), { intent: "confirm" });
    expect(confirmed.text).toContain("1 人记入学时");
    expect(confirmed.text).toContain("您本人的学时须由本组织的其他管理员确认");
    expect(total("M1")).toBe(before.M1 + 300);
    expect(total("SEC")).toBe(before.SEC);
    // Confirming again does not credit oneself either; the page says who is waiting and offers nothing to do.
    expect((await clients.SEC.post(page(id), { intent: "confirm" })).text).toContain("签到名单已确认过");
    expect(total("SEC")).toBe(before.SEC);
    const own = await clients.SEC.get(page(id));
    expect(own.text).toContain("学时待本组织其他管理员确认");
    expect(own.text).not.toContain("确认待确认人员的学时");

    // Another secretary of the branch confirms it: credited once, approved by them.
    const other = await clients.SEC2.get(page(id));
    expect(other.text).toContain("确认待确认人员的学时");
    expect((await clients.SEC2.post(page(id), { intent: "confirm" })).text).toContain("已为 1 人记入学时");
    expect(total("SEC")).toBe(before.SEC + 300);
    expect(total("M1")).toBe(before.M1 + 300);
    expect(total("SEC2")).toBe(before.SEC2);
    const entry = server.factory.db
      .prepare("SELECT approvedById FROM HoursEntry WHERE personId = ? AND sourceKind = 'activity' AND sourceId = ?")
      .get(ids.SEC, String(id));
    expect(entry).toEqual({ approvedById: ids.SEC2 });
    expect((await clients.SEC2.get(page(id))).text).not.toContain("确认待确认人员的学时");

    // After confirmation, adding oneself is refused just the same.
    expect((await clients.SEC2.post(page(id), { intent: "add", personId: String(ids.SEC2), reason: "补登自己" })).text).toContain("不能为自己补登");
    expect(total("SEC2")).toBe(before.SEC2);
  });
});
