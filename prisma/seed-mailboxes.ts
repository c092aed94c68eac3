import type Database from "better-sqlite3";
import { letterDueAt } from "../app/lib/mailbox";
import { AUTO_ESCALATION_NOTE } from "../app/.server/mailbox/letters";
import { type SqlValue, all, get, run, sql } from "../app/.server/sql";
import { rng } from "./seed";
import { insertRows } from "./seed-rows";

// The demo's 书记信箱 (decision 047): the committee's, every college's and the computer college's
// student branches' 书记信箱, and the computer college's 院长信箱, each with its handlers (the demo
// accounts where one fits: admin for the committee, secretary for the computer college, branchsec for
// its first student branch); a handful of letters in every state from the demo accounts, so the
// writer's page and the handlers' desk show something at first start, and a year of letters from members.

export type DemoMailboxes = { mailboxes: number; letters: number };

type Unit = { id: number; name: string; kind: string; parentId: number | null; path: string };

export function seedDemoMailboxes(db: Database.Database, now: Date): DemoMailboxes {
  const person = (number: string) => get<{ id: number }>(db, sql`SELECT "id" FROM "Person" WHERE "number" = ${number}`)?.id;
  const [admin, secretary, branchsec, member, activist, target] = ["admin", "secretary", "branchsec", "member", "activist", "target"].map(person);
  if (!admin || !secretary || !branchsec || !member || !activist || !target) return { mailboxes: 0, letters: 0 };
  const units = all<Unit>(
    db,
    sql`SELECT "id", "name", "kind", "parentId", "path" FROM "OrgUnit" WHERE "archivedAt" IS NULL ORDER BY "depth", "sortOrder", "id"`,
  );
  const home = (personId: number) => get<{ unitId: number }>(db, sql`SELECT "unitId" FROM "Person" WHERE "id" = ${personId}`)!.unitId;
  const csBranch = home(branchsec);
  const csCollege = units.find((u) => u.id === csBranch)!.parentId!;

  type Box = { id: number; serviceDays: number; unit: Unit; kind: string; handlers: number[]; allowAnonymous: boolean };
  const boxes = new Map<string, Box>();
  const open = (unit: Unit, kind: "secretary" | "dean", handlers: number[], serviceDays: number, allowAnonymous = true) => {
    const id = get<{ id: number }>(
      db,
      sql`INSERT INTO "Mailbox" ("unitId", "kind", "allowAnonymous", "serviceDays", "createdAt") VALUES (${unit.id}, ${kind}, ${allowAnonymous}, ${serviceDays},
            ${now}) RETURNING "id"`,
    )!.id;
    for (const h of handlers) run(db, sql`INSERT INTO "MailboxHandler" ("mailboxId", "personId", "createdAt") VALUES (${id}, ${h}, ${now})`);
    boxes.set(`${unit.id}:${kind}`, { id, serviceDays, unit, kind, handlers, allowAnonymous });
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
  const HOUR = 3_600_000;
  const box = (unitId: number, kind = "secretary") => boxes.get(`${unitId}:${kind}`)!;
  const byId = new Map([...boxes.values()].map((b) => [b.id, b]));
  const root = units.find((u) => u.kind === "committee")!;
  type Step = { kind: "reply" | "note" | "escalation" | "close"; by: number | null; body: string; after: number; to?: number };
  type Entry = { kind: string; by: number | null; body: string; at: Date; from: number | null; to: number | null };
  const entryRows: SqlValue[][] = [];
  const auditRows: SqlValue[][] = [];
  let letters = 0;
  // A letter and its entries, in order, with the status, due time and sweep mark the app's own steps
  // (app/.server/mailbox/letters.ts) would have left; each step is audited as the app audits it, and an
  // anonymous letter's submission names no author and no address.
  const letter = (input: {
    from: number;
    to: { id: number; serviceDays: number };
    daysAgo: number;
    anonymous: boolean;
    subject: string;
    body: string;
    steps?: Step[];
    /** Days after writing when the sweeper found it overdue with no mailbox above (the committee's). */
    sweptAfter?: number;
  }) => {
    const createdAt = new Date(now.getTime() - input.daysAgo * DAY);
    let mailboxId = input.to.id;
    let dueAt = letterDueAt(createdAt, input.to.serviceDays);
    let status = "pending";
    let firstRepliedAt: Date | null = null;
    let closedAt: Date | null = null;
    let sweptAt: Date | null = input.sweptAfter === undefined ? null : new Date(createdAt.getTime() + input.sweptAfter * DAY);
    const entries: Entry[] = [];
    for (const s of input.steps ?? []) {
      const at = new Date(createdAt.getTime() + s.after * DAY);
      if (s.kind === "reply") {
        status = "answered";
        firstRepliedAt ??= at;
      } else if (s.kind === "note" && status === "pending") status = "in_progress";
      else if (s.kind === "escalation") {
        const next = byId.get(s.to!)!;
        entries.push({ kind: s.kind, by: s.by, body: s.body, at, from: mailboxId, to: next.id });
        mailboxId = next.id;
        dueAt = letterDueAt(at, next.serviceDays);
        status = "escalated";
        if (s.by === null) sweptAt = at;
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
            ${sweptAt}, ${closedAt}, ${createdAt}, ${updatedAt}) RETURNING "id"`,
    )!.id;
    const submit = JSON.stringify({ mailboxId: input.to.id, anonymous: input.anonymous });
    auditRows.push([createdAt, input.anonymous ? null : input.from, "letter.submit", "letter", String(id), null, submit]);
    for (const e of entries) {
      entryRows.push([id, e.kind, e.by, e.body, e.from, e.to, e.at]);
      const detail = e.kind === "escalation" ? JSON.stringify({ from: e.from, to: e.to, ...(e.by === null ? { automatic: true } : {}) }) : null;
      auditRows.push([e.at, e.by, `letter.${e.kind === "escalation" ? "escalate" : e.kind}`, "letter", String(id), null, detail]);
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
    daysAgo: 3,
    anonymous: false,
    subject: "实验室设备报修流程",
    body: "实验室的设备报修需要跑三个部门签字，能否在网上统一办理？",
    steps: [{ kind: "note", by: secretary, body: "已转告实验室与设备管理处，待其答复。", after: 1 }],
  });
  letter({
    from: member,
    to: box(root.id),
    daysAgo: 1,
    anonymous: false,
    subject: "关于“两学一做”学习资料的建议",
    body: "建议把学校编印的学习资料放到网上党校的文件下载栏目，方便手机阅读。",
  });
  // A year of letters (issue 18): most answered within the service time, some by the mailbox above after
  // a handler passed them up or the sweeper found them overdue (once: the sweep mark), some anonymous
  // where the mailbox allows it, some with internal notes first, most answered ones closed later.
  const rand = rng(20_261_205);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const unitById = new Map(units.map((u) => [u.id, u]));
  const parentOf = (b: Box): Box | null => {
    for (let u = b.unit.parentId === null ? undefined : unitById.get(b.unit.parentId); u; u = u.parentId === null ? undefined : unitById.get(u.parentId)) {
      const up = boxes.get(`${u.id}:${b.kind}`) ?? boxes.get(`${u.id}:secretary`);
      if (up) return up;
    }
    return null;
  };
  const people = all<{ id: number; path: string }>(db, sql`SELECT p."id", u."path" FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId" ORDER BY p."id"`);
  const writable = [...boxes.values()]
    .map((b) => ({ b, up: parentOf(b), writers: people.filter((p) => p.path.startsWith(b.unit.path) && !b.handlers.includes(p.id)).map((p) => p.id) }))
    // A letter nobody could answer (no handler here nor above) would only sit overdue: the demo writes none.
    .filter((x) => x.writers.length > 0 && (x.b.handlers.length > 0 || (x.up?.handlers.length ?? 0) > 0));
  const weight = (b: Box) => (b.unit.kind === "committee" ? 6 : b.unit.id === csCollege ? 5 : b.unit.kind === "college" ? 1.6 : 1.2);
  const totalWeight = writable.reduce((s, x) => s + weight(x.b), 0);
  const chooseBox = () => {
    let r = rand() * totalWeight;
    for (const x of writable) if ((r -= weight(x.b)) < 0) return x;
    return writable[writable.length - 1];
  };
  const YEAR_LETTERS = 320;
  for (let i = 0; i < YEAR_LETTERS; i++) {
    const { b, up, writers } = chooseBox();
    const [subject, body] = pick(LETTER_TOPICS);
    // Written on a day of the past year, between 8:00 and 22:00 Beijing time.
    const day = Math.floor(now.getTime() / DAY) * DAY - Math.floor(2 + rand() * 362) * DAY;
    const createdMs = Math.min(day + Math.floor(rand() * 14 * HOUR), now.getTime() - HOUR);
    const daysAgo = (now.getTime() - createdMs) / DAY;
    const after = (ms: number) => (ms - createdMs) / DAY;
    const due = letterDueAt(new Date(createdMs), b.serviceDays).getTime();
    const anonymous = b.allowAnonymous && rand() < 0.2;
    const from = pick(writers);
    const steps: Step[] = [];
    let sweptAfter: number | undefined;
    const between = (a: number, z: number) => a + rand() * (z - a);
    // The handler's part once the letter sits in `box` since `since`, due at `dueMs`: maybe a note, a reply (late when asked), maybe a close.
    const answer = (at: Box, since: number, dueMs: number, late: boolean) => {
      const by = pick(at.handlers);
      let t = since;
      // Written in the last few days and not yet due: half of these are still open.
      const open = !late && dueMs > now.getTime() && rand() < 0.5;
      if (rand() < 0.25) {
        t = between(since, late ? dueMs : since + (dueMs - since) * 0.4);
        if (t < now.getTime()) steps.push({ kind: "note", by, body: pick(LETTER_NOTES), after: after(t) });
      }
      if (open) return;
      const replyAt = late ? dueMs + between(0.5, 4) * DAY : between(t + 0.1 * HOUR, Math.min(dueMs, now.getTime()));
      if (replyAt >= now.getTime()) return;
      steps.push({ kind: "reply", by, body: pick(LETTER_REPLIES), after: after(replyAt) });
      const closeAt = replyAt + between(1, 12) * DAY;
      if (rand() < 0.7 && closeAt < now.getTime()) steps.push({ kind: "close", by, body: pick(LETTER_CLOSES), after: after(closeAt) });
    };
    const roll = rand();
    if (b.handlers.length === 0 || (roll > 0.86 && up && up.handlers.length > 0)) {
      // Nobody answered in time: the sweeper passed it up an hour after it fell due, and the mailbox above answered (late, now and then).
      const sweptMs = due + HOUR;
      if (sweptMs < now.getTime()) {
        steps.push({ kind: "escalation", by: null, body: AUTO_ESCALATION_NOTE, after: after(sweptMs), to: up!.id });
        answer(up!, sweptMs, letterDueAt(new Date(sweptMs), up!.serviceDays).getTime(), rand() < 0.2);
      }
    } else if (roll > 0.86 && !up) {
      // No mailbox above (the committee's): found overdue once, answered late.
      if (due + HOUR < now.getTime()) sweptAfter = after(due + HOUR);
      answer(b, createdMs, due, true);
    } else if (roll > 0.78 && up && up.handlers.length > 0) {
      // Passed up by a handler, with a reason, before it fell due; answered above in time.
      const at = between(createdMs + HOUR, Math.min(due, now.getTime()));
      steps.push({ kind: "escalation", by: pick(b.handlers), body: pick(LETTER_ESCALATIONS), after: after(at), to: up.id });
      answer(up, at, letterDueAt(new Date(at), up.serviceDays).getTime(), false);
    } else answer(b, createdMs, due, false);
    letter({ from, to: b, daysAgo, anonymous, subject, body, steps, sweptAfter });
  }

  insertRows(db, "LetterEntry", ["letterId", "kind", "authorId", "body", "fromMailboxId", "toMailboxId", "createdAt"], entryRows);
  insertRows(db, "AuditLog", ["at", "actorId", "action", "targetKind", "targetId", "ip", "detail"], auditRows);
  return { mailboxes: boxes.size, letters };
}

// What members write about, and how handlers answer: [subject, body].
const LETTER_TOPICS: readonly (readonly [string, string])[] = [
  ["组织生活时间与课程冲突", "支部组织生活常安排在周三下午，与部分同学的专业课冲突，建议学期初统一征求意见后再定时间。"],
  ["希望增加党课线上回放", "有的党课和实验课时间冲突，希望网上党校提供录像回放，方便补学。"],
  ["入党申请书提交后多久有人谈话", "我上学期递交了入党申请书，至今还没有党组织派人谈话，想了解一下流程和时间。"],
  ["思想汇报的格式要求", "不同老师对思想汇报的格式要求不一样，能否统一发一个模板？"],
  ["党费缴纳方式", "能否开通线上缴纳党费？现在每月要找支部委员当面交，毕业实习期间很不方便。"],
  ["实验室夜间安全问题", "实验楼晚上十点后只有一个出口开放，遇到紧急情况很危险，希望学院协调。"],
  ["宿舍区学习室开放时间", "期末复习期间学习室晚上十点就关门，希望能延长到十二点。"],
  ["奖学金评定程序公开", "希望学院在奖学金评定前公示评分细则，评定后公示名单和得分。"],
  ["发展对象培训通知太晚", "发展对象集中培训只提前一天通知，有同学来不及调整实验安排，希望至少提前一周。"],
  ["食堂饭菜价格", "二食堂部分窗口价格上涨较多，希望学校关注学生就餐负担。"],
  ["关于党员志愿服务的建议", "建议把党员志愿服务时长记入网上党校，和学时一起统计。"],
  ["毕业生党员组织关系转接", "即将毕业，想了解组织关系转到工作单位需要准备哪些材料、找哪位老师办理。"],
  ["教学楼电梯经常停运", "六号教学楼电梯经常停运，行动不便的同学上课很困难。"],
  ["学习资料能否放到网上", "学校编印的学习资料只有纸质版，建议放到网上党校的文件下载栏目。"],
  ["校园网晚上很慢", "宿舍区晚上九点到十一点校园网很慢，影响在线学习和提交作业。"],
  ["对支部评议工作的意见", "民主评议党员时个别同学没有参加就被评为合格，希望支部严格程序。"],
  ["研究生助研补贴发放", "部分导师的助研补贴发放不及时，希望学院了解情况并督促。"],
  ["预备党员转正时间", "我的预备期下个月满一年，想了解转正需要提前准备哪些材料。"],
  ["图书馆座位预约", "图书馆座位经常被人占着不来，希望完善预约和签到规则。"],
  ["教职工子女入托", "学校幼儿园名额紧张，希望能公开招收规则和排队情况。"],
  ["主题党日形式单一", "主题党日多是集中读文件，建议多组织参观学习、志愿服务等形式。"],
  ["心理咨询预约难", "心理咨询中心预约要等两周以上，希望增加咨询师或开通线上咨询。"],
  ["对学院网站信息更新的建议", "学院网站通知更新不及时，不少通知只在微信群里发，容易漏看。"],
  ["评优评先名额分配", "希望学院说明各支部评优名额是怎样分配的，做到公开透明。"],
];
const LETTER_REPLIES = [
  "感谢你的来信。学院已研究你反映的问题，相关安排将于下周起调整，具体以学院通知为准。",
  "你好，来信收悉。已请相关部门核实情况并限期整改，如仍有问题欢迎再次来信。",
  "你反映的情况属实，我们已与相关部门沟通，下学期起按你的建议执行。谢谢你的关心。",
  "感谢建议。相关流程说明已发布在学院网站通知栏，你也可以直接联系组织员老师咨询。",
  "来信收到。该事项按学校规定办理，我们已把具体要求整理后发给你所在支部，请留意支部通知。",
  "你好，问题已转交后勤保障部门，对方答复将在两周内处理完毕，我们会跟踪落实情况。",
  "谢谢你的意见。支部将在下次支委会上专题讨论，结果会在支部大会上向大家通报。",
];
const LETTER_NOTES = [
  "已电话联系相关部门，等待书面答复。",
  "请组织员统计各支部的相关情况后再答复。",
  "此事需提交党委会研究，先告知来信人正在办理。",
  "已核实来信反映的情况基本属实。",
  "与学生工作办公室沟通，对方本周内给出意见。",
];
const LETTER_CLOSES = ["已答复并落实。", "来信人表示满意，办结。", "已按答复意见整改完毕。", "问题已解决，办结。"];
const LETTER_ESCALATIONS = ["涉及全校性安排，需上级党组织统筹答复。", "超出本单位职责范围，转上级信箱办理。", "需要学校相关部门协调，转上级党组织。"];
