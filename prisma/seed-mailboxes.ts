import type Database from "better-sqlite3";
import { letterDueAt } from "../app/lib/mailbox";
import { all, get, run, sql } from "../app/.server/sql";

// The demo's 书记信箱 (decision 047): the committee's, every college's and the computer college's
// student branches' 书记信箱, and the computer college's 院长信箱, each with its handlers (the demo
// accounts where one fits: admin for the committee, secretary for the computer college, branchsec for
// its first student branch); a handful of letters in every state, from the demo accounts, so the
// writer's page and the handlers' desk show something at first start. A year of letters is for later.

export type DemoMailboxes = { mailboxes: number; letters: number };

type Unit = { id: number; name: string; kind: string; parentId: number | null };

export function seedDemoMailboxes(db: Database.Database, now: Date): DemoMailboxes {
  const person = (number: string) => get<{ id: number }>(db, sql`SELECT "id" FROM "Person" WHERE "number" = ${number}`)?.id;
  const [admin, secretary, branchsec, member, activist, target] = ["admin", "secretary", "branchsec", "member", "activist", "target"].map(person);
  if (!admin || !secretary || !branchsec || !member || !activist || !target) return { mailboxes: 0, letters: 0 };
  const units = all<Unit>(db, sql`SELECT "id", "name", "kind", "parentId" FROM "OrgUnit" WHERE "archivedAt" IS NULL ORDER BY "depth", "sortOrder", "id"`);
  const home = (personId: number) => get<{ unitId: number }>(db, sql`SELECT "unitId" FROM "Person" WHERE "id" = ${personId}`)!.unitId;
  const csBranch = home(branchsec);
  const csCollege = units.find((u) => u.id === csBranch)!.parentId!;

  const boxes = new Map<string, { id: number; serviceDays: number }>();
  const open = (unit: Unit, kind: "secretary" | "dean", handlers: number[], serviceDays: number, allowAnonymous = true) => {
    const id = get<{ id: number }>(
      db,
      sql`INSERT INTO "Mailbox" ("unitId", "kind", "allowAnonymous", "serviceDays", "createdAt") VALUES (${unit.id}, ${kind}, ${allowAnonymous}, ${serviceDays},
            ${now}) RETURNING "id"`,
    )!.id;
    for (const h of handlers) run(db, sql`INSERT INTO "MailboxHandler" ("mailboxId", "personId", "createdAt") VALUES (${id}, ${h}, ${now})`);
    boxes.set(`${unit.id}:${kind}`, { id, serviceDays });
  };
  // A college's handler elsewhere than the computer college: a branch secretary (支部书记) of one of its staff branches.
  const committeeMemberOf = (collegeId: number) =>
    get<{ id: number }>(
      db,
      sql`SELECT p."id" FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId" WHERE u."parentId" = ${collegeId} AND p."committeeRole" = '支部书记'
          ORDER BY p."id" LIMIT 1`,
    )?.id;
  for (const u of units) {
    if (u.kind === "committee") open(u, "secretary", [admin], 10, false);
    else if (u.kind === "college") {
      const handler = u.id === csCollege ? secretary : committeeMemberOf(u.id);
      open(u, "secretary", handler ? [handler] : [], 5);
      if (u.id === csCollege) open(u, "dean", [secretary], 5);
    } else if (u.kind === "branch" && u.parentId === csCollege) open(u, "secretary", u.id === csBranch ? [branchsec] : [], 3);
  }

  const DAY = 86_400_000;
  const box = (unitId: number, kind = "secretary") => boxes.get(`${unitId}:${kind}`)!;
  const root = units.find((u) => u.kind === "committee")!;
  type Step = { kind: "reply" | "note" | "escalation" | "close"; by: number | null; body: string; after: number; to?: number };
  let letters = 0;
  const letter = (input: {
    from: number;
    to: { id: number; serviceDays: number };
    daysAgo: number;
    anonymous: boolean;
    subject: string;
    body: string;
    steps?: Step[];
  }) => {
    const createdAt = new Date(now.getTime() - input.daysAgo * DAY);
    let mailboxId = input.to.id;
    let dueAt = letterDueAt(createdAt, input.to.serviceDays);
    let status = "pending";
    let firstRepliedAt: Date | null = null;
    let closedAt: Date | null = null;
    const entries: { kind: string; by: number | null; body: string; at: Date; from: number | null; to: number | null }[] = [];
    for (const s of input.steps ?? []) {
      const at = new Date(createdAt.getTime() + s.after * DAY);
      if (s.kind === "reply") {
        status = "answered";
        firstRepliedAt ??= at;
      } else if (s.kind === "note" && status === "pending") status = "in_progress";
      else if (s.kind === "escalation") {
        const next = [...boxes.values()].find((b) => b.id === s.to)!;
        entries.push({ kind: s.kind, by: s.by, body: s.body, at, from: mailboxId, to: next.id });
        mailboxId = next.id;
        dueAt = letterDueAt(at, next.serviceDays);
        status = "escalated";
        continue;
      } else if (s.kind === "close") {
        status = "closed";
        closedAt = at;
      }
      entries.push({ kind: s.kind, by: s.by, body: s.body, at, from: null, to: null });
    }
    const updatedAt = entries.at(-1)?.at ?? createdAt;
    const id = get<{ id: number }>(
      db,
      sql`INSERT INTO "Letter" ("mailboxId", "originMailboxId", "authorId", "anonymous", "subject", "body", "status", "dueAt", "firstRepliedAt", "sweptAt",
            "closedAt", "createdAt", "updatedAt")
          VALUES (${mailboxId}, ${input.to.id}, ${input.from}, ${input.anonymous}, ${input.subject}, ${input.body}, ${status}, ${dueAt}, ${firstRepliedAt},
            ${entries.some((e) => e.kind === "escalation" && e.by === null) ? updatedAt : null}, ${closedAt}, ${createdAt}, ${updatedAt}) RETURNING "id"`,
    )!.id;
    for (const e of entries) {
      run(
        db,
        sql`INSERT INTO "LetterEntry" ("letterId", "kind", "authorId", "body", "fromMailboxId", "toMailboxId", "createdAt")
            VALUES (${id}, ${e.kind}, ${e.by}, ${e.body}, ${e.from}, ${e.to}, ${e.at})`,
      );
    }
    letters++;
  };

  letter({
    from: member,
    to: box(csCollege),
    daysAgo: 20,
    anonymous: false,
    subject: "关于教工支部组织生活时间安排的建议",
    body: "教工支部的组织生活多安排在周三下午，与部分老师的课程冲突。建议每学期初统一征求意见，或者固定在没有课程安排的时段。",
    steps: [
      { kind: "note", by: secretary, body: "请组织员统计各支部组织生活时间与课表的冲突情况。", after: 1 },
      { kind: "reply", by: secretary, body: "感谢你的建议。学院党委已请各支部在学期初征求党员意见后确定组织生活时间，下学期起执行。", after: 3 },
      { kind: "close", by: secretary, body: "已答复并落实。", after: 10 },
    ],
  });
  letter({
    from: activist,
    to: box(csBranch),
    daysAgo: 9,
    anonymous: true,
    subject: "宿舍区晚间学习室开放时间",
    body: "期末复习期间，宿舍区学习室晚上十点就关门了，希望能延长到十二点。",
    steps: [{ kind: "reply", by: branchsec, body: "已向学院反映，期末两周学习室开放到零点，请同学们注意安全。", after: 2 }],
  });
  letter({
    from: target,
    to: box(csBranch),
    daysAgo: 8,
    anonymous: false,
    subject: "发展对象培训的时间能否提前通知",
    body: "上次发展对象集中培训只提前一天通知，有同学来不及调整实验安排。希望能至少提前一周通知。",
    steps: [{ kind: "escalation", by: null, body: "超过办理时限未答复，已自动转上级信箱", after: 6, to: box(csCollege).id }],
  });
  letter({
    from: activist,
    to: box(csCollege),
    daysAgo: 2,
    anonymous: true,
    subject: "希望增加党课的线上回放",
    body: "有的党课和专业课冲突，希望网上党校能提供录像回放，方便补学。",
  });
  letter({
    from: member,
    to: box(csCollege, "dean"),
    daysAgo: 12,
    anonymous: false,
    subject: "实验室设备报修流程",
    body: "实验室的设备报修需要跑三个部门签字，能否在网上统一办理？",
    steps: [{ kind: "note", by: secretary, body: "已转告实验室与设备管理处，待其答复。", after: 2 }],
  });
  letter({
    from: member,
    to: box(root.id),
    daysAgo: 1,
    anonymous: false,
    subject: "关于“两学一做”学习资料的建议",
    body: "建议把学校编印的学习资料放到网上党校的文件下载栏目，方便手机阅读。",
  });
  return { mailboxes: boxes.size, letters };
}
