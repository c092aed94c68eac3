import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkinToken } from "~/.server/activities/checkin-code";
import { toLocalInput } from "~/lib/quiz-settings";
import { Client } from "../support/client";
import { TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";

// Meetings recorded whole, against the real server (decision 056): a member of another branch reads
// nothing of a meeting (page, minutes, leave) and gets the same 404 as for a meeting that does not
// exist; 请假 is asked before the start, refused with a reason, asked again and approved, all audited;
// 补学 needs the list confirmed and the minutes written, and completing it credits the meeting's 学时
// once however it is raced: two requests at once, again later, re-assigned, or attended as well.

let server: TestServer;
const dataDir = path.join(TMP, `meetings-data-${process.pid}-${Date.now()}`);
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const HOUR = 3600_000;

beforeAll(async () => {
  server = await startTestServer({ env: { DATA_DIR: dataDir } });
  const f = server.factory;
  const root = f.unit({ name: "会议大学党委", kind: "committee" });
  const college = f.unit({ name: "历史学院党委", kind: "college", parent: root });
  const branch = f.unit({ name: "历史学院第一党支部", kind: "branch", branchType: "student", parent: college });
  const other = f.unit({ name: "历史学院第二党支部", kind: "branch", branchType: "student", parent: college });
  Object.assign(ids, { branch: branch.id, other: other.id, college: college.id });
  const person = async (key: string, unitId: number) => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("SEC", branch.id);
  f.grant(ids.SEC, "secretary", branch.id);
  for (const key of ["M1", "M2", "M3", "M4"]) await person(key, branch.id);
  await person("FAR", other.id);
  await person("COL", college.id);
  // An activist of the branch: not a party member, so not expected at its meetings.
  ids.ACT = f.person({ number: "ACT", name: "人员ACT", unitId: branch.id, politicalStatus: "activist" });
  await f.password(ids.ACT, PASSWORD);
  clients.ACT = new Client(server.url);
  expect((await clients.ACT.login("ACT", PASSWORD)).status).toBe(302);
  f.grant(ids.COL, "secretary", college.id);
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function plan(startsIn: number, overrides: Record<string, string> = {}) {
  const start = Date.now() + startsIn;
  const res = await clients.SEC.post("/manage/activities", {
    unitId: String(ids.branch),
    title: "十二月主题党日",
    kind: "theme_day",
    startsAt: toLocalInput(new Date(start)),
    endsAt: toLocalInput(new Date(start + 2 * HOUR)),
    checkinOpensAt: toLocalInput(new Date(start - HOUR)),
    checkinClosesAt: toLocalInput(new Date(start + 2 * HOUR)),
    hours: "1.5",
    place: "文科楼 302 室",
    agenda: "学习党章第三章\n\n讨论发展对象人选",
    ...overrides,
  });
  expect(res.status).toBe(302);
  return Number(/\/manage\/activities\/(\d+)$/.exec(res.location!)![1]);
}
const db = () => server.factory.db;
const meetingEntries = (key: string, activityId: number) =>
  db()
    .prepare("SELECT amount, sourceKind, sourceId, note FROM HoursEntry WHERE personId = ? AND sourceKind = 'activity' AND (sourceId = ? OR sourceId LIKE ?)")
    .all(ids[key], String(activityId), `${activityId}#%`) as { amount: number; sourceId: string; note: string }[];
const audits = (action: string, activityId: number) =>
  (db().prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action = ? AND targetId = ?").get(action, String(activityId)) as { n: number }).n;
const record = (id: number) => `/manage/activities/${id}/meeting`;

describe("meetings", () => {
  it("shows a meeting with its plan to its members only, and to nobody else by id", async () => {
    const id = await plan(2 * 24 * HOUR);
    const list = await clients.M1.get("/meetings");
    expect(list.status).toBe(200);
    expect(list.text).toContain(`/meetings/${id}`);
    const view = await clients.M1.get(`/meetings/${id}`);
    expect(view.status).toBe(200);
    expect(view.text).toContain("文科楼 302 室");
    expect(view.text).toMatch(/<li>学习党章第三章<\/li><li>讨论发展对象人选<\/li>/);
    expect(view.text).toContain("提交请假");

    // Another branch of the same college: not in its list, and the page, the leave and the 补学 are refused like a missing id.
    expect((await clients.FAR.get("/meetings")).text).not.toContain(`/meetings/${id}`);
    const far = await clients.FAR.get(`/meetings/${id}`);
    const missing = await clients.FAR.get("/meetings/999999");
    expect([far.status, missing.status]).toEqual([404, 404]);
    expect(far.text).not.toContain("十二月主题党日");
    expect((await clients.FAR.post(`/meetings/${id}`, { intent: "leave", reason: "出差在外" })).status).toBe(404);
    expect((await clients.FAR.post(`/meetings/${id}`, { intent: "makeup" })).status).toBe(404);
    expect((await clients.FAR.get(record(id))).status).toBe(403);
    // Nor is a meeting of her own branch listed for someone not expected at it, and its page is refused alike.
    expect((await clients.ACT.get("/meetings")).text).not.toContain(`/meetings/${id}`);
    expect((await clients.ACT.get(`/meetings/${id}`)).status).toBe(404);
    expect((await clients.M1.get(record(id))).status).toBe(403);
    expect((db().prepare("SELECT COUNT(*) AS n FROM ActivityLeave WHERE personId = ?").get(ids.FAR) as { n: number }).n).toBe(0);
  });

  it("postpones a meeting not yet held with a reason, keeping its length and its first planned start", async () => {
    const id = await plan(24 * HOUR);
    const ms = (stored: string) => new Date(stored).getTime();
    const before = db().prepare("SELECT startsAt, endsAt, checkinOpensAt FROM Activity WHERE id = ?").get(id) as Record<string, string>;
    const later = new Date(ms(before.startsAt) + 3 * 24 * HOUR);
    const bare = await clients.SEC.post(record(id), { intent: "postpone", startsAt: toLocalInput(later), reason: "" });
    expect(bare.status).toBe(400);
    expect(bare.text).toContain("请填写改期原因");
    const earlier = await clients.SEC.post(record(id), {
      intent: "postpone",
      startsAt: toLocalInput(new Date(ms(before.startsAt) - HOUR)),
      reason: "场地冲突",
    });
    expect(earlier.text).toContain("新的开始时间须晚于原定时间");
    expect((await clients.SEC.post(record(id), { intent: "postpone", startsAt: toLocalInput(later), reason: "场地冲突" })).status).toBe(200);
    const after = db().prepare("SELECT startsAt, endsAt, checkinOpensAt, postponedFrom, statusReason FROM Activity WHERE id = ?").get(id) as Record<
      string,
      string
    >;
    expect(ms(after.startsAt)).toBe(later.getTime());
    expect(ms(after.endsAt) - ms(after.startsAt)).toBe(ms(before.endsAt) - ms(before.startsAt));
    expect(ms(after.startsAt) - ms(after.checkinOpensAt)).toBe(ms(before.startsAt) - ms(before.checkinOpensAt));
    expect([ms(after.postponedFrom), after.statusReason]).toEqual([ms(before.startsAt), "场地冲突"]);
    expect((await clients.M1.get(`/meetings/${id}`)).text).toContain("已改期");
    expect(audits("activity.postpone", id)).toBe(1);
    expect((await clients.FAR.post(record(id), { intent: "postpone", startsAt: toLocalInput(later), reason: "越权" })).status).toBe(403);
  });

  it("takes 请假 before the start, with a reason, refused with a reason and approved when asked again", async () => {
    const id = await plan(24 * HOUR);
    const short = await clients.M2.post(`/meetings/${id}`, { intent: "leave", reason: "病" });
    expect(short.status).toBe(400);
    expect(short.text).toContain("请填写请假原因（至少 2 个字）");
    expect((await clients.M2.post(`/meetings/${id}`, { intent: "leave", reason: "参加学院运动会" })).status).toBe(200);
    expect((await clients.M2.get(`/meetings/${id}`)).text).toContain("请假申请待书记审批");

    const bare = await clients.SEC.post(record(id), { intent: "leave", personId: String(ids.M2), decision: "reject", reason: "" });
    expect(bare.status).toBe(400);
    expect(bare.text).toContain("不批准请假须填写原因");
    expect((await clients.SEC.post(record(id), { intent: "leave", personId: String(ids.M2), decision: "reject", reason: "运动会可调整时间" })).status).toBe(
      200,
    );
    const refused = await clients.M2.get(`/meetings/${id}`);
    expect(refused.text).toContain("请假未获批准");
    expect(refused.text).toContain("运动会可调整时间");
    // Deciding again is refused: the decision stands.
    const again = await clients.SEC.post(record(id), { intent: "leave", personId: String(ids.M2), decision: "approve", reason: "" });
    expect(again.status).toBe(400);
    expect(again.text).toContain("该请假已处理或已撤回");

    expect((await clients.M2.post(`/meetings/${id}`, { intent: "leave", reason: "运动会裁判，无法调整" })).status).toBe(200);
    expect((await clients.SEC.post(record(id), { intent: "leave", personId: String(ids.M2), decision: "approve", reason: "" })).status).toBe(200);
    expect((await clients.M2.get(`/meetings/${id}`)).text).toContain("请假已批准");
    expect(db().prepare("SELECT status, reason FROM ActivityLeave WHERE activityId = ? AND personId = ?").get(id, ids.M2)).toEqual({
      status: "approved",
      reason: "运动会裁判，无法调整",
    });
    expect([audits("activity.leave_request", id), audits("activity.leave_decide", id)]).toEqual([2, 2]);
    // Each decision reaches the asker's inbox, once, linking to the meeting.
    expect(db().prepare("SELECT title, body, url FROM Notification WHERE personId = ? AND dedupeKey LIKE ? ORDER BY id").all(ids.M2, `leave:${id}:%`)).toEqual([
      { title: "请假未获批准", body: "“十二月主题党日”：运动会可调整时间", url: `/meetings/${id}` },
      { title: "请假已批准", body: "“十二月主题党日”", url: `/meetings/${id}` },
    ]);

    // The secretary's own request is decided by someone else, never by her.
    db()
      .prepare("INSERT INTO ActivityLeave (activityId, personId, reason, status, createdAt) VALUES (?, ?, '出差', 'pending', ?)")
      .run(id, ids.SEC, new Date().toISOString());
    const own = await clients.SEC.post(record(id), { intent: "leave", personId: String(ids.SEC), decision: "approve", reason: "" });
    expect(own.status).toBe(403);
    expect(own.text).toContain("不能审批自己的请假");
    expect(db().prepare("SELECT status FROM ActivityLeave WHERE activityId = ? AND personId = ?").get(id, ids.SEC)).toEqual({ status: "pending" });
    expect((await clients.COL.post(record(id), { intent: "leave", personId: String(ids.SEC), decision: "approve", reason: "" })).status).toBe(200);
    expect(audits("activity.leave_decide", id)).toBe(3);
    // Out of the record the later tests read (its book lists M2's leave only).
    db().prepare("DELETE FROM ActivityLeave WHERE activityId = ? AND personId = ?").run(id, ids.SEC);

    // A meeting already started takes no leave.
    const started = await plan(-HOUR / 2);
    const late = await clients.M3.post(`/meetings/${started}`, { intent: "leave", reason: "临时有事" });
    expect(late.status).toBe(400);
    expect(late.text).toContain("会议已开始，不能再请假");
  });

  it("credits a 补学 once: two requests at once, again, re-assigned, or attended as well", async () => {
    const id = await plan(-HOUR / 2);
    const secret = (db().prepare("SELECT codeSecret FROM Activity WHERE id = ?").get(id) as { codeSecret: string }).codeSecret;
    expect((await clients.M1.get(`/checkin/${checkinToken(id, secret)}`)).status).toBe(200);

    // Not before the list is confirmed, nor before the minutes are written.
    expect((await clients.SEC.post(record(id), { intent: "makeup" })).text).toContain("请先确认签到名单");
    expect((await clients.SEC.post(`/manage/activities/${id}`, { intent: "confirm" })).status).toBe(200);
    expect(meetingEntries("M1", id)).toHaveLength(1);
    expect((await clients.SEC.post(record(id), { intent: "makeup" })).text).toContain("请先填写会议纪要");
    const minutes = { intent: "minutes", minutes: "会议学习了党章第三章，讨论了发展对象人选。", decisions: "确定两名发展对象\n下月开展志愿服务" };
    expect((await clients.SEC.post(record(id), minutes)).status).toBe(200);
    expect((await clients.SEC.post(record(id), { ...minutes, minutes: "会议学习了党章第三章，讨论并确定了发展对象人选。" })).status).toBe(200);
    expect(audits("activity.minutes", id)).toBe(2);

    const assigned = await clients.SEC.post(record(id), { intent: "makeup" });
    expect(assigned.text).toContain("已为 3 名缺席人员布置补学");
    // The secretary was absent too, but assigns no 补学 to herself; M1 attended and has none.
    const assignedTo = db().prepare("SELECT personId FROM ActivityMakeup WHERE activityId = ? ORDER BY personId").all(id) as { personId: number }[];
    expect(assignedTo.map((r) => r.personId)).toEqual([ids.M2, ids.M3, ids.M4]);
    expect((await clients.M1.post(`/meetings/${id}`, { intent: "makeup" })).text).toContain("您没有本次会议的补学任务");

    const page = await clients.M2.get(`/meetings/${id}`);
    expect(page.text).toContain("待补学");
    expect(page.text).toContain("讨论并确定了发展对象人选");
    expect(page.text).toContain("<li>下月开展志愿服务</li>");
    const [a, b] = await Promise.all([clients.M2.post(`/meetings/${id}`, { intent: "makeup" }), clients.M2.post(`/meetings/${id}`, { intent: "makeup" })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await clients.M2.post(`/meetings/${id}`, { intent: "makeup" })).status).toBe(200);
    expect(meetingEntries("M2", id).map((e) => [e.amount, e.sourceId])).toEqual([[150, String(id)]]);
    expect(meetingEntries("M2", id)[0].note).toContain("补学");
    expect((await clients.M2.get(`/meetings/${id}`)).text).toContain("补学已完成");

    // Assigning again leaves a completed 补学 completed and credits nothing.
    expect((await clients.SEC.post(record(id), { intent: "makeup" })).text).toContain("已为 2 名缺席人员布置补学");
    expect(meetingEntries("M2", id)).toHaveLength(1);

    // M3 turns out to have been there: added to the list (credited), then completes the 补学 anyway.
    expect((await clients.SEC.post(`/manage/activities/${id}`, { intent: "add", personId: String(ids.M3), reason: "未带手机" })).status).toBe(200);
    expect(meetingEntries("M3", id)).toHaveLength(1);
    expect((await clients.M3.post(`/meetings/${id}`, { intent: "makeup" })).status).toBe(200);
    expect(meetingEntries("M3", id)).toHaveLength(1);
    // And the other way round: M4 completes the 补学, then is added to the list: still one entry.
    expect((await clients.M4.post(`/meetings/${id}`, { intent: "makeup" })).status).toBe(200);
    expect((await clients.SEC.post(`/manage/activities/${id}`, { intent: "add", personId: String(ids.M4), reason: "会后补签" })).status).toBe(200);
    expect(meetingEntries("M4", id)).toHaveLength(1);
    expect(audits("activity.makeup_complete", id)).toBe(2 + 0 + 1);
  });

  it("counts confirmed meetings against the rules per branch, rolls them up per college, and prints the record book", async () => {
    // By now the branch has one confirmed 主题党日 this month (the 补学 test); the planned ones do not count.
    const year = new Date(Date.now() + 8 * HOUR).getUTCFullYear();
    const month = new Date(Date.now() + 8 * HOUR).getUTCMonth() + 1;
    const mine = await clients.SEC.get(`/manage/meetings/compliance?year=${year}`);
    expect(mine.status).toBe(200);
    expect(mine.text).toContain("历史学院第一党支部");
    expect(mine.text).not.toContain("历史学院第二党支部");
    expect(mine.text).toContain("第十六条");
    const themeCell = new RegExp(`<td class="pr-2( text-red-800)?" title="[^"]*${month} 月：1/1[^"]*">1/${month}`);
    expect(mine.text).toMatch(themeCell);

    const college = await clients.COL.get(`/manage/meetings/compliance?year=${year}`);
    expect(college.text).toContain("历史学院第二党支部");
    expect(college.text).toContain('data-testid="college-rollup"');
    expect(college.text).toContain("历史学院党委");
    expect((await clients.M1.get("/manage/meetings/compliance")).status).toBe(403);
    expect((await clients.SEC.get("/manage/meetings/compliance?year=abc")).status).toBe(400);

    const book = await clients.SEC.get(`/manage/meetings/record/${ids.branch}?year=${year}`);
    expect(book.status).toBe(200);
    expect(book.text).toContain("组织生活记录本");
    expect(book.text).toContain("讨论并确定了发展对象人选");
    expect(book.text).toContain("break-before: page");
    // The leave approved in the leave test is listed under 请假, not 缺席.
    expect(book.text).toMatch(/请假（1）<\/th><td[^>]*>人员M2</);
    expect((await clients.SEC.get(`/manage/meetings/record/${ids.other}?year=${year}`)).status).toBe(403);
    expect((await clients.COL.get(`/manage/meetings/record/${ids.other}?year=${year}`)).status).toBe(200);
  });

  it("keeps the minutes' photos re-encoded and smaller, attachments by their bytes, and shows them to the meeting's people only", async () => {
    const id = await plan(-HOUR / 2);
    const upload = (name: string, bytes: Uint8Array, type: string) => {
      const form = new FormData();
      form.set("intent", "file");
      form.set("file", new File([bytes as Uint8Array<ArrayBuffer>], name, { type }));
      return clients.SEC.post(record(id), form);
    };
    // A wide photo with an EXIF comment (where a phone would write its place).
    const photo = await sharp({ create: { width: 2400, height: 600, channels: 3, background: "#c00" } })
      .withExif({ IFD0: { ImageDescription: "文科楼302 GPS" } })
      .jpeg()
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const ok = await upload("现场.jpg", photo, "image/jpeg");
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("照片已上传");
    const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    expect((await upload("会议材料.pdf", pdf, "application/pdf")).text).toContain("附件已上传");
    const fake = await upload("病毒.pdf", new TextEncoder().encode("MZ this is not a pdf"), "application/pdf");
    expect(fake.status).toBe(415);
    expect(fake.text).toContain("按文件内容判断");

    const files = db().prepare("SELECT id, kind, name, mime, filePath FROM ActivityFile WHERE activityId = ? ORDER BY id").all(id) as {
      id: number;
      kind: string;
      name: string;
      mime: string;
      filePath: string;
    }[];
    expect(files.map((f) => [f.kind, f.name, f.mime])).toEqual([
      ["photo", "现场.jpg", "image/jpeg"],
      ["attachment", "会议材料.pdf", "application/pdf"],
    ]);
    expect(audits("activity.file_add", id)).toBe(2);
    const stored = await sharp(fs.readFileSync(path.join(dataDir, files[0].filePath))).metadata();
    expect([stored.width, stored.exif]).toEqual([1200, undefined]);

    const photoUrl = `/meetings/${id}/files/${files[0].id}`;
    const seen = await clients.M1.download(photoUrl);
    expect([seen.status, seen.headers.get("content-type")]).toEqual([200, "image/jpeg"]);
    expect((await sharp(seen.bytes).metadata()).width).toBe(1200);
    const attachment = await clients.M1.download(`/meetings/${id}/files/${files[1].id}`);
    expect(attachment.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect((await clients.FAR.download(photoUrl)).status).toBe(404);
    // A file id of this meeting under another meeting's id is not found either.
    const another = await plan(-HOUR / 2);
    expect((await clients.M1.download(`/meetings/${another}/files/${files[0].id}`)).status).toBe(404);
  });

  it("removes a minutes file uploaded by mistake: only with a reason, only by those who write the minutes, audited, gone from disk", async () => {
    const id = await plan(-HOUR / 2);
    const form = new FormData();
    form.set("intent", "file");
    form.set("file", new File([new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")], "错传的材料.pdf", { type: "application/pdf" }));
    expect((await clients.SEC.post(record(id), form)).status).toBe(200);
    const [file] = db().prepare("SELECT id, filePath FROM ActivityFile WHERE activityId = ?").all(id) as { id: number; filePath: string }[];
    const stored = path.join(dataDir, file.filePath);
    expect(fs.existsSync(stored)).toBe(true);
    // The page asks twice without script: a 删除 summary, then the reason and 确认删除 in its form.
    const page = await clients.SEC.get(record(id));
    expect(page.text).toMatch(/<summary[^>]*>删除<span class="sr-only">附件“错传的材料.pdf”<\/span><\/summary>/);
    expect(page.text).toContain("确认删除");

    const remove = (key: string, fields: Record<string, string>) =>
      clients[key].post(record(id), { intent: "remove-file", fileId: String(file.id), ...fields });
    const noReason = await remove("SEC", { reason: "" });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain("请填写删除原因");
    // A member reading the meeting and a member of another branch may not.
    expect((await remove("M1", { reason: "不小心" })).status).toBe(403);
    expect((await remove("FAR", { reason: "不小心" })).status).toBe(403);
    expect(fs.existsSync(stored)).toBe(true);
    expect(audits("activity.file_remove", id)).toBe(0);

    const done = await remove("SEC", { reason: "上传错了会议" });
    expect(done.status).toBe(200);
    expect(done.text).toContain("已删除附件“错传的材料.pdf”");
    expect(db().prepare("SELECT COUNT(*) AS n FROM ActivityFile WHERE id = ?").get(file.id)).toEqual({ n: 0 });
    expect(fs.existsSync(stored)).toBe(false);
    const logged = db().prepare("SELECT actorId, detail FROM AuditLog WHERE action = 'activity.file_remove' AND targetId = ?").all(String(id)) as {
      actorId: number;
      detail: string;
    }[];
    expect(logged.map((l) => [l.actorId, JSON.parse(l.detail)])).toEqual([
      [ids.SEC, { fileId: file.id, kind: "attachment", name: "错传的材料.pdf", size: expect.any(Number), reason: "上传错了会议" }],
    ]);
    expect((await clients.M1.download(`/meetings/${id}/files/${file.id}`)).status).toBe(404);
    const again = await remove("SEC", { reason: "上传错了会议" });
    expect(again.status).toBe(404);
    expect(again.text).toContain("该附件不存在或已删除");
    expect(audits("activity.file_remove", id)).toBe(1);
  });

  it("takes the expected people chosen by hand: the member list, 请假, 补学 and the record book follow the list", async () => {
    const title = "支委会：研究发展对象人选";
    const id = await plan(HOUR / 2, { kind: "committee_meeting", title });
    const summary = async () =>
      /data-testid="invitee-summary"[^>]*>([^<]*(?:<!-- -->[^<]*)*)</.exec((await clients.SEC.get(record(id))).text)![1].replace(/<!-- -->/g, "");
    // No committee member is named in this branch: by the rule, its five party members.
    expect(await summary()).toMatch(/按会议类型确定.*共 5 人/);
    const choose = (key: string, people: string[]) => {
      const form = new URLSearchParams({ intent: "invitees" });
      for (const p of people) form.append("personId", String(ids[p]));
      return clients[key].post(record(id), form);
    };
    const chosen = await choose("SEC", ["SEC", "M1", "M3"]);
    expect(chosen.status).toBe(200);
    expect(chosen.text).toContain("已设定应到人员 3 人");
    expect(await summary()).toMatch(/由书记手动选定.*共 3 人/);
    // Only people of the meeting's unit and below; only its managers choose.
    const far = await choose("SEC", ["M1", "FAR"]);
    expect(far.status).toBe(400);
    expect(far.text).toContain("应到人员须是本组织及下级组织的在册人员");
    expect((await choose("M1", ["M1"])).status).toBe(403);
    expect(db().prepare("SELECT personId FROM ActivityInvitee WHERE activityId = ? ORDER BY personId").all(id)).toEqual(
      [ids.SEC, ids.M1, ids.M3].sort((a, b) => a - b).map((personId) => ({ personId })),
    );

    // A member left off neither sees it nor asks leave of it; one on the list does both.
    expect((await clients.M2.get(`/meetings/${id}`)).status).toBe(404);
    expect((await clients.M2.get("/meetings")).text).not.toContain(title);
    expect((await clients.M1.get("/meetings")).text).toContain(title);
    expect((await clients.M2.post(`/meetings/${id}`, { intent: "leave", reason: "出差在外" })).status).not.toBe(200);
    expect((await clients.M3.post(`/meetings/${id}`, { intent: "leave", reason: "出差在外" })).status).toBe(200);
    expect((await clients.SEC.post(record(id), { intent: "leave", personId: String(ids.M3), decision: "approve", reason: "" })).status).toBe(200);

    // Held: M1 checks in, the list is confirmed; the absentees are the chosen people not there, no one else.
    const secret = (db().prepare("SELECT codeSecret FROM Activity WHERE id = ?").get(id) as { codeSecret: string }).codeSecret;
    expect((await clients.M1.get(`/checkin/${checkinToken(id, secret)}`)).status).toBe(200);
    expect((await clients.SEC.post(`/manage/activities/${id}`, { intent: "confirm" })).status).toBe(200);
    const absentees = /data-testid="absentee-list"[^>]*>([\s\S]*?)<\/ul>/.exec((await clients.SEC.get(record(id))).text)![1];
    expect(absentees).toContain("人员SEC");
    expect(absentees).toContain("人员M3");
    expect(absentees).not.toContain("人员M2");
    expect(absentees).not.toContain("人员M4");
    const year = new Date(Date.now() + 8 * HOUR).getUTCFullYear();
    expect((await clients.SEC.get(`/manage/meetings/record/${ids.branch}?year=${year}`)).text).toMatch(new RegExp(`${title}[\\s\\S]*?出席（1/3）`));
    // Once confirmed the list stands.
    const late = await choose("SEC", ["M1"]);
    expect(late.status).toBe(400);
    expect(late.text).toContain("会议已确认或已取消，不能再修改应到人员");
    expect(audits("activity.invitees", id)).toBe(1);

    // Back to the rule: the choice is dropped, audited.
    const other = await plan(2 * HOUR, { kind: "theme_day", title: "手动选择后恢复的主题党日" });
    expect((await clients.SEC.post(record(other), { intent: "invitees", personId: String(ids.M1) })).status).toBe(200);
    expect((await clients.M2.get(`/meetings/${other}`)).status).toBe(404);
    const reset = await clients.SEC.post(record(other), { intent: "invitees-reset" });
    expect(reset.text).toContain("应到人员已恢复为按会议类型确定");
    expect(db().prepare("SELECT COUNT(*) AS n FROM ActivityInvitee WHERE activityId = ?").get(other)).toEqual({ n: 0 });
    expect((await clients.M2.get(`/meetings/${other}`)).status).toBe(200);
    expect(audits("activity.invitees", other)).toBe(2);
  });
});
