import { readSheet } from "read-excel-file/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { type TestServer, startTestServer } from "../support/server";

// 书记信箱 against the real server (decision 047): a member writes to the mailboxes on her path; only
// she and the handlers of the mailbox (or a secretary over its unit) reach a letter, by any id; an
// anonymous letter's author appears on no handler's page, export or audit entry; a reply changes the
// status and the author reads it, an internal note she never sees; a handler escalates to the parent
// unit's mailbox. Letters are text: script in a subject or body comes back escaped.

let server: TestServer;
const ids: Record<string, number> = {};
const boxes: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const XSS_SUBJECT = `<script>alert("subject")</script>食堂问题`;
const XSS_BODY = `<img src=x onerror="alert('body')">宿舍热水经常停供。\n' OR 1=1; DROP TABLE "Letter"; --`;

beforeAll(async () => {
  server = await startTestServer();
  const f = server.factory;
  const root = f.unit({ name: "信箱大学党委", kind: "committee" });
  const collegeA = f.unit({ name: "计算机学院党委", kind: "college", parent: root });
  const branchA = f.unit({ name: "计算机本科生党支部", kind: "branch", branchType: "student", parent: collegeA });
  const collegeB = f.unit({ name: "外语学院党委", kind: "college", parent: root });
  const branchB = f.unit({ name: "外语本科生党支部", kind: "branch", branchType: "student", parent: collegeB });
  const person = async (key: string, name: string, unitId: number) => {
    ids[key] = f.person({ number: key, name, unitId, politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("W2024001", "林匿名", branchA.id);
  await person("O2024001", "外院学生", branchB.id);
  await person("HA", "学院处理人", collegeA.id);
  await person("HA1", "支部处理人", branchA.id);
  await person("HB", "外院处理人", collegeB.id);
  await person("SECA", "学院书记", collegeA.id);
  f.grant(ids.SECA, "secretary", collegeA.id);
  await person("ROOTADMIN", "校党委管理员", root.id);
  f.grant(ids.ROOTADMIN, "admin", root.id);
  const box = (unitId: number, allowAnonymous: boolean, handlers: number[]) => {
    const { id } = f.db
      .prepare(`INSERT INTO "Mailbox" ("unitId", "kind", "allowAnonymous", "serviceDays", "createdAt") VALUES (?, 'secretary', ?, 3, ?) RETURNING "id"`)
      .get(unitId, allowAnonymous ? 1 : 0, new Date().toISOString()) as { id: number };
    for (const h of handlers)
      f.db.prepare(`INSERT INTO "MailboxHandler" ("mailboxId", "personId", "createdAt") VALUES (?, ?, ?)`).run(id, h, new Date().toISOString());
    return id;
  };
  boxes.root = box(root.id, false, [ids.ROOTADMIN]);
  boxes.collegeA = box(collegeA.id, true, [ids.HA]);
  boxes.branchA = box(branchA.id, true, [ids.HA1]);
  boxes.collegeB = box(collegeB.id, true, [ids.HB]);
});
afterAll(async () => {
  await server?.stop();
});

const write = (key: string, fields: Record<string, string>) => clients[key].post("/mailbox", fields);
const letterId = (location: string | null) => Number(/\/mailbox\/letters\/(\d+)/.exec(location ?? "")?.[1]);
const letterRow = (id: number) =>
  server.factory.db.prepare(`SELECT "mailboxId", "status", "authorId", "anonymous" FROM "Letter" WHERE "id" = ?`).get(id) as {
    mailboxId: number;
    status: string;
    authorId: number;
    anonymous: number;
  };

let anonymousId = 0;
let signedId = 0;

describe("writing a letter", () => {
  it("offers the mailboxes on the writer's path only, and refuses one elsewhere", async () => {
    const page = await clients.W2024001.get("/mailbox");
    expect(page.status).toBe(200);
    for (const title of ["计算机本科生党支部书记信箱", "计算机学院党委书记信箱", "信箱大学党委书记信箱"]) expect(page.text).toContain(title);
    expect(page.text).not.toContain("外语学院党委书记信箱");
    const elsewhere = await write("W2024001", { mailboxId: String(boxes.collegeB), subject: "越级", body: "写给别的学院" });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.text).toContain("请选择可以写信的信箱");
  });

  it("checks the fields and the mailbox's anonymity policy, keeping nothing of a refused letter", async () => {
    const empty = await write("W2024001", { mailboxId: String(boxes.collegeA), subject: " ", body: "" });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("请填写主题");
    expect(empty.text).toContain("请填写内容");
    const long = await write("W2024001", { mailboxId: String(boxes.collegeA), subject: "太长", body: "字".repeat(2001) });
    expect(long.status).toBe(400);
    expect(long.text).toContain("内容最多 2000 个字");
    const anonymousToRoot = await write("W2024001", { mailboxId: String(boxes.root), subject: "匿名", body: "想匿名", anonymous: "on" });
    expect(anonymousToRoot.status).toBe(400);
    expect(anonymousToRoot.text).toContain("该信箱不接受匿名来信");
    expect(server.factory.db.prepare(`SELECT COUNT(*) AS n FROM "Letter"`).get()).toEqual({ n: 0 });
  });

  it("sends an anonymous letter and a signed one; the writer reads them back as text", async () => {
    const anonymous = await write("W2024001", { mailboxId: String(boxes.collegeA), subject: XSS_SUBJECT, body: XSS_BODY, anonymous: "on" });
    expect(anonymous.status).toBe(302);
    anonymousId = letterId(anonymous.location);
    expect(letterRow(anonymousId)).toMatchObject({ mailboxId: boxes.collegeA, status: "pending", anonymous: 1 });
    const signed = await write("W2024001", { mailboxId: String(boxes.collegeA), subject: "署名来信：图书馆开放时间", body: "希望延长开放时间。" });
    signedId = letterId(signed.location);

    const page = await clients.W2024001.get(`/mailbox/letters/${anonymousId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("待处理");
    expect(page.text).toContain("&lt;script&gt;alert(&quot;subject&quot;)&lt;/script&gt;食堂问题");
    expect(page.text).toContain("&lt;img src=x onerror=");
    expect(page.text).not.toContain('<script>alert("subject")');
    expect(page.text).not.toContain("<img src=x");
    expect((await clients.W2024001.get("/mailbox")).text).toContain("署名来信：图书馆开放时间");
  });
});

describe("scope by id", () => {
  it("answers 404 to another member, another mailbox's handler and a handler below, for any id", async () => {
    expect((await clients.O2024001.get(`/mailbox/letters/${anonymousId}`)).status).toBe(404);
    expect((await clients.HA.get(`/mailbox/letters/${anonymousId}`)).status).toBe(404);
    expect((await clients.HB.get(`/manage/mailbox/letters/${anonymousId}`)).status).toBe(404);
    expect((await clients.HA1.get(`/manage/mailbox/letters/${anonymousId}`)).status).toBe(404);
    expect((await clients.O2024001.get(`/manage/mailbox/letters/${anonymousId}`)).status).toBe(404);
    for (const bad of ["999999", "0", "abc", "1e3"]) {
      expect((await clients.W2024001.get(`/mailbox/letters/${bad}`)).status).toBe(404);
      expect((await clients.HA.get(`/manage/mailbox/letters/${bad}`)).status).toBe(404);
    }
    const reply = await clients.HB.post(`/manage/mailbox/letters/${anonymousId}`, { intent: "reply", body: "越权答复" });
    expect(reply.status).toBe(404);
    const close = await clients.HA1.post(`/manage/mailbox/letters/${signedId}`, { intent: "close", body: "越权关闭" });
    expect(close.status).toBe(404);
    expect(letterRow(anonymousId).status).toBe("pending");
    expect(letterRow(signedId).status).toBe("pending");
    expect((await clients.HB.get("/manage/mailbox")).text).not.toContain("食堂问题");
    // Someone who handles nothing and may set nothing up has no desk.
    expect((await clients.O2024001.get("/manage/mailbox")).status).toBe(403);
  });

  it("lets the college's secretary reach the letters of the units under the grant", async () => {
    const page = await clients.SECA.get(`/manage/mailbox/letters/${signedId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("署名来信：图书馆开放时间");
  });
});

describe("anonymity", () => {
  const author = { name: "林匿名", number: "W2024001" };

  it("never shows an anonymous letter's author on the handler's pages; a signed letter's author is shown", async () => {
    for (const key of ["HA", "SECA"]) {
      const page = await clients[key].get(`/manage/mailbox/letters/${anonymousId}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain("匿名");
      expect(page.text).not.toContain(author.name);
      expect(page.text).not.toContain(author.number);
      expect(page.text).not.toContain(`"authorId"`);
      const desk = await clients[key].get("/manage/mailbox?view=all");
      expect(desk.text).toContain("食堂问题");
      expect(desk.text).not.toContain(author.name);
    }
    expect((await clients.HA.get(`/manage/mailbox/letters/${signedId}`)).text).toContain("林匿名（计算机本科生党支部）");
  });

  it("writes the export with the anonymous letter as 匿名 and the signed one masked, and audits it", async () => {
    const file = await clients.HA.download("/manage/mailbox/statistics.xlsx");
    expect(file.status).toBe(200);
    const letters = await readSheet(file.bytes, "来信");
    const cells = letters.flat().map(String);
    expect(cells.join("\n")).not.toContain(author.name);
    expect(cells.join("\n")).not.toContain(author.number);
    const byId = new Map(letters.slice(1).map((r) => [Number(r[0]), r]));
    expect(byId.get(anonymousId)?.[3]).toBe("匿名");
    expect(byId.get(signedId)?.[3]).toBe("林*名");
    expect(byId.get(anonymousId)?.[2]).toBe(XSS_SUBJECT);
    const stats = await readSheet(file.bytes, "统计");
    expect(stats[1]).toEqual(["计算机学院党委书记信箱", 2, 0, 0, 0, null]);
    expect(server.factory.db.prepare(`SELECT COUNT(*) AS n FROM "AuditLog" WHERE "action" = 'letter.export' AND "actorId" = ?`).get(ids.HA)).toEqual({ n: 1 });
  });

  it("keeps the author and their address out of the audit log the root's administrator reads", async () => {
    const rows = server.factory.db
      .prepare(`SELECT "actorId", "ip", "detail" FROM "AuditLog" WHERE "targetKind" = 'letter' AND "targetId" = ?`)
      .all(String(anonymousId)) as { actorId: number | null; ip: string | null; detail: string | null }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorId: null, ip: null });
    expect(rows[0].detail).not.toContain(String(ids.W2024001));
    // The signed letter's entry names its writer, as every other action does.
    const signedRows = server.factory.db.prepare(`SELECT "actorId" FROM "AuditLog" WHERE "targetKind" = 'letter' AND "targetId" = ?`).all(String(signedId));
    expect(signedRows).toEqual([{ actorId: ids.W2024001 }]);
    const log = await clients.ROOTADMIN.get("/manage/audit?action=letter.submit");
    expect(log.status).toBe(200);
    expect(log.text).toContain(`letter:${anonymousId}`);
    // The table row of the anonymous letter's entry (the signed letter's row names its writer, rightly).
    const anonymousLine =
      log.text
        .split("<tr")
        .map((row) => row.split("</tr>")[0])
        .find((row) => row.includes(`letter:${anonymousId}<`)) ?? "";
    expect(anonymousLine).not.toBe("");
    expect(anonymousLine).not.toContain(author.name);
    expect(anonymousLine).not.toContain(author.number);
  });
});

describe("handling a letter", () => {
  it("keeps internal notes from the author; a reply makes it 已答复 and the author reads it", async () => {
    const note = await clients.HA.post(`/manage/mailbox/letters/${anonymousId}`, { intent: "note", body: "内部：已联系后勤处核实" });
    expect(note.status).toBe(200);
    expect(letterRow(anonymousId).status).toBe("in_progress");
    expect((await clients.W2024001.get(`/mailbox/letters/${anonymousId}`)).text).toContain("处理中");

    const empty = await clients.HA.post(`/manage/mailbox/letters/${anonymousId}`, { intent: "reply", body: "" });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain("请填写答复");

    const reply = await clients.HA.post(`/manage/mailbox/letters/${anonymousId}`, { intent: "reply", body: "已协调后勤处，本周内恢复热水供应。<b>谢谢</b>" });
    expect(reply.status).toBe(200);
    expect(letterRow(anonymousId).status).toBe("answered");
    const mine = await clients.W2024001.get(`/mailbox/letters/${anonymousId}`);
    expect(mine.text).toContain("已答复");
    expect(mine.text).toContain("已协调后勤处，本周内恢复热水供应。&lt;b&gt;谢谢&lt;/b&gt;");
    expect(mine.text).not.toContain("已联系后勤处核实");
    // The handler's reply history lists it.
    expect((await clients.HA.get("/manage/mailbox")).text).toContain("已协调后勤处");
    // An answered letter is no longer escalated; a closed one takes no more replies.
    const escalate = await clients.HA.post(`/manage/mailbox/letters/${anonymousId}`, { intent: "escalate", body: "转上级" });
    expect(escalate.status).toBe(409);
    expect((await clients.HA.post(`/manage/mailbox/letters/${anonymousId}`, { intent: "close", body: "已解决" })).status).toBe(200);
    expect((await clients.HA.post(`/manage/mailbox/letters/${anonymousId}`, { intent: "reply", body: "再答复" })).status).toBe(409);
    expect((await clients.W2024001.get(`/mailbox/letters/${anonymousId}`)).text).toContain("已关闭");

    // The writer's own data (decision 033) holds the letter and the reply, not the note nor the handler's name.
    const download = await clients.W2024001.get("/account/data.json");
    expect(download.status).toBe(200);
    const data = JSON.parse(download.text) as { sections: { id: string; rows: Record<string, unknown>[] }[] };
    const rows = data.sections.find((x) => x.id === "letters")!.rows;
    expect(rows.find((r) => r["主题"] === XSS_SUBJECT)).toMatchObject({ 匿名: true, 状态: "已关闭", 信箱: "计算机学院党委书记信箱" });
    expect(String(rows.find((r) => r["主题"] === XSS_SUBJECT)!["答复"])).toContain("已协调后勤处");
    expect(download.text).not.toContain("已联系后勤处核实");
    expect(download.text).not.toContain("学院处理人");
  });

  it("escalates a branch letter to the college's mailbox, where the college's handler takes it over", async () => {
    const sent = await write("W2024001", { mailboxId: String(boxes.branchA), subject: "支部活动安排", body: "希望把主题党日改到周四。" });
    const id = letterId(sent.location);
    expect((await clients.HA.get(`/manage/mailbox/letters/${id}`)).status).toBe(404);
    const escalated = await clients.HA1.post(`/manage/mailbox/letters/${id}`, { intent: "escalate", body: "涉及学院统一安排" });
    expect(escalated.status).toBe(200);
    expect(letterRow(id)).toMatchObject({ mailboxId: boxes.collegeA, status: "escalated" });
    const page = await clients.HA.get(`/manage/mailbox/letters/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("涉及学院统一安排");
    // The branch's handler still reads it, but no longer acts on it.
    expect((await clients.HA1.get(`/manage/mailbox/letters/${id}`)).status).toBe(200);
    expect((await clients.HA1.post(`/manage/mailbox/letters/${id}`, { intent: "reply", body: "支部答复" })).status).toBe(404);
    expect((await clients.W2024001.get(`/mailbox/letters/${id}`)).text).toContain("已转上级");
  });
});

describe("setting mailboxes up", () => {
  it("lets a secretary open a mailbox in their subtree, name handlers and set its policy; not elsewhere", async () => {
    const sec = clients.SECA;
    const settings = "/manage/mailbox/settings";
    expect((await clients.HA.get(settings)).status).toBe(403);
    const page = await sec.get(settings);
    expect(page.status).toBe(200);
    expect(page.text).toContain("计算机学院党委书记信箱");
    expect(page.text).not.toContain("外语学院党委书记信箱");

    const collegeAId = (server.factory.db.prepare(`SELECT "unitId" FROM "Mailbox" WHERE "id" = ?`).get(boxes.collegeA) as { unitId: number }).unitId;
    const opened = await sec.post(settings, { intent: "open", unitId: String(collegeAId), kind: "dean" });
    expect(opened.status).toBe(200);
    expect(opened.text).toContain("已开设院长信箱");
    expect((await sec.post(settings, { intent: "open", unitId: String(collegeAId), kind: "dean" })).text).toContain("该党组织已开设这个信箱");
    const collegeBId = (server.factory.db.prepare(`SELECT "unitId" FROM "Mailbox" WHERE "id" = ?`).get(boxes.collegeB) as { unitId: number }).unitId;
    expect((await sec.post(settings, { intent: "open", unitId: String(collegeBId), kind: "dean" })).status).toBe(403);

    const days = await sec.post(settings, { intent: "settings", mailboxId: String(boxes.collegeA), serviceDays: "0" });
    expect(days.status).toBe(400);
    expect(days.text).toContain("答复时限为 1–30 个工作日");
    expect((await sec.post(settings, { intent: "settings", mailboxId: String(boxes.collegeA), serviceDays: "7" })).status).toBe(200);
    expect(server.factory.db.prepare(`SELECT "allowAnonymous", "serviceDays" FROM "Mailbox" WHERE "id" = ?`).get(boxes.collegeA)).toEqual({
      allowAnonymous: 0,
      serviceDays: 7,
    });
    // With anonymity off, the writer must sign.
    const anonymous = await write("W2024001", { mailboxId: String(boxes.collegeA), subject: "再写一封", body: "内容", anonymous: "on" });
    expect(anonymous.status).toBe(400);
    expect(anonymous.text).toContain("该信箱不接受匿名来信");

    expect((await sec.post(settings, { intent: "addHandler", mailboxId: String(boxes.collegeA), number: "NOBODY" })).text).toContain("没有找到这个学号/工号");
    // Someone of another college cannot be made a handler of this college's box, and is not told apart from an unknown number.
    const outsider = await sec.post(settings, { intent: "addHandler", mailboxId: String(boxes.collegeA), number: "O2024001" });
    expect(outsider.status).toBe(400);
    expect(outsider.text).toContain("没有找到这个学号/工号");
    expect(
      server.factory.db.prepare(`SELECT COUNT(*) AS n FROM "MailboxHandler" WHERE "mailboxId" = ? AND "personId" = ?`).get(boxes.collegeA, ids.O2024001),
    ).toEqual({ n: 0 });
    expect((await sec.post(settings, { intent: "addHandler", mailboxId: String(boxes.collegeA), number: "HA1" })).status).toBe(200);
    // The committee's own people (above the college) may handle it.
    expect((await sec.post(settings, { intent: "addHandler", mailboxId: String(boxes.collegeA), number: "ROOTADMIN" })).status).toBe(200);
    expect((await sec.post(settings, { intent: "removeHandler", mailboxId: String(boxes.collegeA), personId: String(ids.ROOTADMIN) })).status).toBe(200);
    expect((await clients.HA1.get(`/manage/mailbox/letters/${signedId}`)).status).toBe(200);
    expect((await sec.post(settings, { intent: "removeHandler", mailboxId: String(boxes.collegeA), personId: String(ids.HA1) })).status).toBe(200);
    expect((await clients.HA1.get(`/manage/mailbox/letters/${signedId}`)).status).toBe(404);

    // Another college's mailbox, by id: as if it did not exist, and unchanged.
    const other = await sec.post(settings, { intent: "addHandler", mailboxId: String(boxes.collegeB), number: "SECA" });
    expect(other.status).toBe(404);
    expect(server.factory.db.prepare(`SELECT COUNT(*) AS n FROM "MailboxHandler" WHERE "mailboxId" = ?`).get(boxes.collegeB)).toEqual({ n: 1 });
    expect(server.factory.db.prepare(`SELECT COUNT(*) AS n FROM "AuditLog" WHERE "action" = 'mailbox.configure' AND "actorId" = ?`).get(ids.SECA)).toEqual({
      n: 6,
    });
  });
});

describe("a flood of letters", () => {
  it("takes at most five letters from one person in 24 hours", async () => {
    const written = (server.factory.db.prepare(`SELECT COUNT(*) AS n FROM "Letter" WHERE "authorId" = ?`).get(ids.W2024001) as { n: number }).n;
    for (let i = written; i < 5; i++) {
      expect((await write("W2024001", { mailboxId: String(boxes.branchA), subject: `第${i + 1}封`, body: "内容" })).status).toBe(302);
    }
    const sixth = await write("W2024001", { mailboxId: String(boxes.branchA), subject: "第六封", body: "内容" });
    expect(sixth.status).toBe(429);
    expect(sixth.text).toContain("24 小时内最多写 5 封信");
    expect(server.factory.db.prepare(`SELECT COUNT(*) AS n FROM "Letter" WHERE "authorId" = ?`).get(ids.W2024001)).toEqual({ n: 5 });
  });
});
