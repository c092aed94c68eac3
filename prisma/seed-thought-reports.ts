import type Database from "better-sqlite3";
import { all, get, run, sql } from "../app/.server/sql";
import { THOUGHT_REPORT_LIMITS, thoughtReportQuarter } from "../app/lib/assignments";
import { wordCount } from "../app/lib/word-count";
import { rng } from "./seed";

// The demo's 思想汇报 (decision 044): activists and targets hand one in each quarter. Most did last
// quarter's (read and commented by one of their 培养联系人, or still unread); this quarter's is handed in
// by some, the rest have until the quarter's last day. So the due list (/manage/pipeline) shows this
// quarter's reports as due and a few missing ones of last quarter as overdue, as a 组织部 would see
// them in a quarter's last weeks. Deterministic for a given `now`, with a sequence of its own.

export type DemoThoughtReports = { reports: number };

const DEMO_STILL_DUE = new Set(["activist", "target"]);

const OPENINGS = ["通过本季度的理论学习，", "本季度我认真参加了支部组织的学习活动，", "在党组织和培养联系人的帮助下，", "回顾这一季度的学习和工作，"];
const BODIES = [
  "我系统学习了党章和党的基本理论，进一步认识到中国共产党是中国工人阶级的先锋队，同时是中国人民和中华民族的先锋队。",
  "我把学习与专业实践结合起来，在实验室和课堂上严格要求自己，主动承担班级工作，帮助学习上有困难的同学。",
  "我认真阅读了学校党校推荐的书目，对全心全意为人民服务的宗旨有了更具体的理解，也看到了自己在理论联系实际方面的不足。",
  "参加主题党日和志愿服务活动，让我体会到党员的先锋模范作用就体现在平凡的岗位和日常的小事之中。",
  "我反思了自己入党动机中不够端正的地方，决心从思想上入党，而不只是在组织上入党。",
  "在今后的学习和工作中，我将继续加强理论学习，按时向党组织汇报思想，虚心接受党员同志的批评和帮助。",
];
const COMMENTS = ["汇报认真，联系实际，望继续保持。", "认识有提高，建议多结合本职工作谈体会。", "已阅。请在下季度汇报中谈谈志愿服务的收获。"];

export function seedDemoThoughtReports(db: Database.Database, now: Date): DemoThoughtReports {
  const rand = rng(20_261_204);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const admin = get<{ id: number }>(db, sql`SELECT "personId" AS "id" FROM "RoleGrant" WHERE "role" = 'admin' ORDER BY "id" LIMIT 1`);
  if (!admin) return { reports: 0 };
  const current = thoughtReportQuarter(now);
  const previous = thoughtReportQuarter(new Date(current.opensAt.getTime() - 1));

  // Activists and targets, with the day they became activists and their 培养联系人 (the readers).
  const reporters = all<{ id: number; number: string; since: string | Date }>(
    db,
    sql`SELECT p."id", p."number", MAX(s."effectiveOn") AS "since" FROM "Person" p JOIN "StatusChange" s ON s."personId" = p."id" AND s."toStatus" = 'activist'
        WHERE p."politicalStatus" IN ('activist', 'target') AND p."disabledAt" IS NULL GROUP BY p."id", p."number" ORDER BY p."id"`,
  );
  const contactsOf = new Map<number, number[]>();
  for (const c of all<{ personId: number; memberId: number }>(
    db,
    sql`SELECT "personId", "memberId" FROM "PipelineContact" WHERE "role" = 'contact' ORDER BY "id"`,
  )) {
    contactsOf.set(c.personId, [...(contactsOf.get(c.personId) ?? []), c.memberId]);
  }

  const quarterRow = (q: ReturnType<typeof thoughtReportQuarter>) =>
    get<{ id: number }>(
      db,
      sql`INSERT INTO "Assignment" ("classId", "kind", "series", "title", "prompt", "minChars", "maxChars", "opensAt", "dueAt", "lateUntil",
            "allowAttachments", "rubric", "createdById", "createdAt", "updatedAt")
          VALUES (NULL, 'thought_report', ${q.series}, ${q.title}, '向党组织汇报本季度的学习、工作和思想情况。', ${THOUGHT_REPORT_LIMITS.minChars},
            ${THOUGHT_REPORT_LIMITS.maxChars}, ${q.opensAt}, ${q.dueAt}, NULL, ${false}, '[]', ${admin.id}, ${q.opensAt}, ${q.opensAt})
          ON CONFLICT ("series") DO NOTHING RETURNING "id"`,
    )?.id;
  const quarters = [
    { q: previous, id: quarterRow(previous), share: 0.92, end: previous.dueAt },
    { q: current, id: quarterRow(current), share: 0.55, end: now },
  ];
  let reports = 0;
  for (const { q, id, share, end } of quarters) {
    // The rows existed already: the demo's reports were written before.
    if (id === undefined) continue;
    for (const r of reporters) {
      if (new Date(r.since) > q.opensAt || rand() >= share) continue;
      // The demo's own activist and target have this quarter's still to write, so their homes show it due.
      if (q === current && DEMO_STILL_DUE.has(r.number)) continue;
      const text = [pick(OPENINGS) + pick(BODIES), ...[0, 1, 2].map(() => pick(BODIES))].join("");
      const submittedAt = new Date(q.opensAt.getTime() + Math.floor(rand() * (end.getTime() - q.opensAt.getTime())));
      const readers = contactsOf.get(r.id) ?? [];
      const read = q === previous && readers.length > 0 && rand() < 0.8;
      const readAt = new Date(Math.min(submittedAt.getTime() + 7 * 86_400_000, now.getTime()));
      const chars = wordCount(text);
      const submission = get<{ id: number }>(
        db,
        sql`INSERT INTO "Submission" ("assignmentId", "personId", "status", "text", "chars", "version", "submittedAt", "late", "comment", "gradedById",
              "gradedAt", "createdAt", "updatedAt")
            VALUES (${id}, ${r.id}, ${read ? "graded" : "submitted"}, ${text}, ${chars}, 1, ${submittedAt}, ${false}, ${read ? pick(COMMENTS) : null},
              ${read ? pick(readers) : null}, ${read ? readAt : null}, ${submittedAt}, ${read ? readAt : submittedAt}) RETURNING "id"`,
      )!;
      run(
        db,
        sql`INSERT INTO "SubmissionVersion" ("submissionId", "version", "text", "chars", "submittedAt") VALUES (${submission.id}, 1, ${text}, ${chars}, ${submittedAt})`,
      );
      reports++;
    }
  }
  return { reports };
}
