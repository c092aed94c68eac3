import Database from "better-sqlite3";
import { all, get, run, sql } from "../app/.server/sql";
import { ACTIVITY_KIND_LABELS, type ActivityKind, activityCategory } from "../app/lib/activities";
import { ledgerMonth, ledgerYear } from "../app/lib/hours";
import { newCodeSecret } from "../app/.server/activities/checkin-code";
import { rng } from "./seed";

// The demo's organisation life recorded whole (decision 056), on top of the year of confirmed meetings
// that seed-history.ts writes: each meeting gains a place, an agenda, minutes and decisions; the demo
// branches' last meetings show a few approved leaves and 补学 (some done, credited as completeMakeup
// credits: the attendance's source key), and the coming weeks hold planned meetings, one with a leave
// waiting for the secretary. Deterministic for a given `now`; skipped once any meeting has minutes.

const DAY = 86_400_000;

const PLACES: Record<string, string[]> = {
  student: ["学生活动中心 201 室", "文科楼 302 室", "图书馆研讨室 A", "学院会议室"],
  staff: ["学院会议室", "行政楼 405 会议室", "实验楼 110 室"],
};
const AGENDAS: Record<Exclude<ActivityKind, "party_school">, string[]> = {
  theme_day: ["集体学习本月学习材料", "交流学习体会", "通报支部近期工作", "开展志愿服务安排"],
  branch_meeting: ["支部书记报告本季度工作", "讨论发展党员相关事项", "审议下季度工作计划"],
  committee_meeting: ["研究本月支部工作安排", "讨论党员教育管理事项", "研究入党积极分子培养考察情况"],
  group_meeting: ["学习上级文件精神", "党员谈心谈话情况交流", "开展批评和自我批评"],
  party_lecture: ["支部书记讲党课", "党员交流学习体会", "布置课后学习任务"],
  life_meeting: ["通报上年度组织生活会整改落实情况", "支部班子对照检查", "党员开展批评和自我批评", "民主评议党员"],
};
const DECISIONS: Record<Exclude<ActivityKind, "party_school">, string[]> = {
  theme_day: ["全体党员于下周完成网上学习任务", "下月主题党日开展社区志愿服务"],
  branch_meeting: ["通过本季度工作总结", "确定下季度支部工作重点"],
  committee_meeting: ["确定本月主题党日内容与分工", "安排培养联系人与入党积极分子谈话"],
  group_meeting: ["小组成员本月完成一次谈心谈话"],
  party_lecture: ["课后一周内提交学习心得"],
  life_meeting: ["形成支部班子整改清单，限期整改", "民主评议结果报学院党委"],
};

export function seedDemoMeetings(dbFile: string, now = new Date()): string | null {
  const started = performance.now();
  const db = new Database(dbFile, { timeout: 5000 });
  try {
    const done = get<{ n: number }>(db, sql`SELECT COUNT(*) AS "n" FROM "Activity" WHERE "minutes" IS NOT NULL`)!;
    if (done.n > 0) return null;
    const rand = rng(20_261_202);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    const counts = { minutes: 0, leaves: 0, makeups: 0, planned: 0 };
    db.transaction(() => {
      // ---------- the record of every meeting held ----------
      const held = all<{ id: number; kind: ActivityKind; title: string; unitName: string; confirmedById: number | null; confirmedAt: Date | string | null }>(
        db,
        sql`SELECT a."id", a."kind", a."title", u."name" AS "unitName", a."confirmedById", a."confirmedAt" FROM "Activity" a JOIN "OrgUnit" u ON u."id" = a."unitId"
            WHERE a."status" = 'confirmed' AND a."kind" <> 'party_school' ORDER BY a."id"`,
      );
      for (const a of held) {
        const kind = a.kind as Exclude<ActivityKind, "party_school">;
        const place = pick(/学生|本科|研究生/.test(a.unitName) ? PLACES.student : PLACES.staff);
        const agenda = AGENDAS[kind].join("\n");
        const minutes = `${a.title}按计划召开，应到党员大多出席。会议${AGENDAS[kind].join("，")}。与会党员结合学习和工作实际发言，会议气氛严肃认真。`;
        run(
          db,
          sql`UPDATE "Activity" SET "place" = ${place}, "agenda" = ${agenda}, "minutes" = ${minutes}, "decisions" = ${DECISIONS[kind].join("\n")},
                "minutesById" = ${a.confirmedById}, "minutesAt" = ${a.confirmedAt === null ? null : new Date(a.confirmedAt)} WHERE "id" = ${a.id}`,
        );
        counts.minutes++;
      }

      // ---------- meetings already planned (the demo seed's coming ones) get a place and an agenda ----------
      const unplaced = all<{ id: number; kind: ActivityKind; unitName: string }>(
        db,
        sql`SELECT a."id", a."kind", u."name" AS "unitName" FROM "Activity" a JOIN "OrgUnit" u ON u."id" = a."unitId"
            WHERE a."status" = 'open' AND a."startsAt" > ${now} AND a."place" IS NULL AND a."kind" <> 'party_school' ORDER BY a."id"`,
      );
      for (const a of unplaced) {
        const place = pick(/学生|本科|研究生/.test(a.unitName) ? PLACES.student : PLACES.staff);
        run(
          db,
          sql`UPDATE "Activity" SET "place" = ${place}, "agenda" = ${AGENDAS[a.kind as Exclude<ActivityKind, "party_school">].join("\n")} WHERE "id" = ${a.id}`,
        );
      }

      // ---------- the demo branches: leaves and 补学 in their last meetings, and the coming weeks ----------
      const demoBranches = all<{ id: number; path: string; name: string }>(
        db,
        sql`SELECT DISTINCT u."id", u."path", u."name" FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId" WHERE p."number" IN ('member', 'target') ORDER BY u."id"`,
      );
      for (const b of demoBranches) {
        const recent = all<{
          id: number;
          kind: ActivityKind;
          title: string;
          startsAt: Date | string;
          hours: number;
          confirmedById: number;
          confirmedAt: Date | string;
        }>(
          db,
          sql`SELECT "id", "kind", "title", "startsAt", "hours", "confirmedById", "confirmedAt" FROM "Activity"
              WHERE "unitId" = ${b.id} AND "status" = 'confirmed' AND "kind" IN ('theme_day', 'branch_meeting', 'party_lecture') ORDER BY "startsAt" DESC LIMIT 3`,
        );
        for (const a of recent) {
          const startsAt = new Date(a.startsAt);
          const confirmedAt = new Date(a.confirmedAt);
          const absent = all<{ id: number }>(
            db,
            sql`SELECT p."id" FROM "Person" p WHERE p."unitId" = ${b.id} AND p."disabledAt" IS NULL AND p."politicalStatus" IN ('probationary', 'member')
                AND p."number" NOT IN ('member', 'branchsec') AND p."id" <> ${a.confirmedById}
                AND NOT EXISTS (SELECT 1 FROM "ActivityAttendance" t WHERE t."activityId" = ${a.id} AND t."personId" = p."id") ORDER BY p."id"`,
          );
          absent.forEach((p, i) => {
            if (i % 3 === 0) {
              const asked = new Date(startsAt.getTime() - (1 + Math.floor(rand() * 3)) * DAY);
              run(
                db,
                sql`INSERT INTO "ActivityLeave" ("activityId", "personId", "reason", "status", "decidedById", "decidedAt", "decisionReason", "createdAt")
                    VALUES (${a.id}, ${p.id}, ${pick(["参加学院学术会议", "外出实习", "课程考试冲突", "家中有事"])}, 'approved', ${a.confirmedById},
                      ${new Date(asked.getTime() + 3 * 3600_000)}, NULL, ${asked})`,
              );
              counts.leaves++;
            }
            const assignedAt = new Date(confirmedAt.getTime() + 3600_000);
            const completedAt = i % 2 === 0 && assignedAt.getTime() + 2 * DAY < now.getTime() ? new Date(assignedAt.getTime() + 2 * DAY) : null;
            run(
              db,
              sql`INSERT INTO "ActivityMakeup" ("activityId", "personId", "lessonId", "assignedById", "assignedAt", "minutesReadAt", "completedAt")
                  VALUES (${a.id}, ${p.id}, NULL, ${a.confirmedById}, ${assignedAt}, ${completedAt}, ${completedAt})`,
            );
            counts.makeups++;
            if (completedAt) {
              // As completeMakeup credits: the meeting's hours under the attendance's source key, earned at its start.
              run(
                db,
                sql`INSERT INTO "HoursEntry" ("personId", "year", "month", "amount", "category", "sourceKind", "sourceId", "approvedById", "note", "earnedAt", "createdAt")
                    VALUES (${p.id}, ${ledgerYear(startsAt)}, ${ledgerMonth(startsAt)}, ${a.hours}, ${activityCategory(a.kind)}, 'activity', ${String(a.id)},
                      ${a.confirmedById}, ${`补学 · ${ACTIVITY_KIND_LABELS[a.kind]}：${a.title}`}, ${startsAt}, ${completedAt})`,
              );
            }
          });
        }

        // The coming weeks: a 主题党日 in five days, a 支委会 next week, a 党课 in three weeks (15:00 China time).
        const secretary = get<{ id: number }>(
          db,
          sql`SELECT "personId" AS "id" FROM "RoleGrant" WHERE "unitId" = ${b.id} AND "role" = 'secretary' ORDER BY "id" LIMIT 1`,
        );
        if (!secretary) continue;
        const dayStart = Math.floor((now.getTime() + 8 * 3600_000) / DAY) * DAY - 8 * 3600_000;
        const plans: [ActivityKind, string, number][] = [
          ["theme_day", "本月主题党日：学习贯彻党的创新理论", 5],
          ["committee_meeting", "支委会：研究下月工作", 8],
          ["party_lecture", "支部书记讲党课", 21],
        ];
        for (const [kind, title, inDays] of plans) {
          // The demo seed already gives the demo accounts' units next week's 主题党日 (prisma/seed-todo.ts):
          // a kind the branch already has coming is not planned twice; it gets its place and agenda above.
          const coming = get<{ id: number }>(
            db,
            sql`SELECT "id" FROM "Activity" WHERE "unitId" = ${b.id} AND "kind" = ${kind} AND "status" = 'open' AND "startsAt" > ${now} ORDER BY "startsAt" LIMIT 1`,
          );
          const startsAt = new Date(dayStart + inDays * DAY + 7 * 3600_000);
          const endsAt = new Date(startsAt.getTime() + 2 * 3600_000);
          const agenda = AGENDAS[kind as Exclude<ActivityKind, "party_school">].join("\n");
          const { id } =
            coming ??
            get<{ id: number }>(
              db,
              sql`INSERT INTO "Activity" ("unitId", "kind", "title", "startsAt", "endsAt", "checkinOpensAt", "checkinClosesAt", "hours", "codeSecret", "status",
                  "createdById", "place", "agenda", "createdAt", "updatedAt")
                VALUES (${b.id}, ${kind}, ${title}, ${startsAt}, ${endsAt}, ${new Date(startsAt.getTime() - 1800_000)}, ${endsAt}, ${kind === "committee_meeting" ? 100 : 200},
                  ${newCodeSecret()}, 'open', ${secretary.id}, ${pick(PLACES.student)}, ${agenda}, ${now}, ${now})
                RETURNING "id"`,
            )!;
          if (!coming) counts.planned++;
          if (kind === "theme_day") {
            const asker = get<{ id: number }>(
              db,
              sql`SELECT "id" FROM "Person" WHERE "unitId" = ${b.id} AND "politicalStatus" = 'member' AND "number" NOT IN ('member', 'branchsec')
                    AND "id" <> ${secretary.id} AND "disabledAt" IS NULL ORDER BY "id" LIMIT 1`,
            );
            if (asker) {
              run(
                db,
                sql`INSERT INTO "ActivityLeave" ("activityId", "personId", "reason", "status", "createdAt") VALUES (${id}, ${asker.id}, '当天有专业课考试', 'pending', ${now})`,
              );
              counts.leaves++;
            }
          }
        }
      }
    }).immediate();
    return `${counts.minutes} 份会议纪要、${counts.leaves} 条请假、${counts.makeups} 项补学、${counts.planned} 次计划中的会议，${Math.round(performance.now() - started)} ms`;
  } finally {
    db.close();
  }
}
