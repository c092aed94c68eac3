import { type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { type ReactNode } from "react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { requireClassStaff } from "~/.server/classes/access";
import { changeStatus, classHeader, setAudience, updateClass } from "~/.server/classes/classes";
import { classMembers, decideNomination, enrolByRule, nominate, nominationCandidates, previewRule, withdrawMember } from "~/.server/classes/enrolment";
import { addTutor, classGroups, createGroup, placeMember, removeTutor } from "~/.server/classes/groups";
import { addCourse, addExam, addSession, classSchedule, moveItem, removeItem, scheduleChoices, setItemDue } from "~/.server/classes/schedule";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { unitsUnder } from "~/.server/org/units";
import { FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { UnitOptions } from "~/components/ui/options";
import {
  CLASS_KIND_LABELS,
  CLASS_STATUS_LABELS,
  ClassSettingsSchema,
  MEMBER_SOURCE_LABELS,
  MEMBER_STATUSES,
  MEMBER_STATUS_LABELS,
  type MemberStatus,
  NEXT_STATUS,
  NEXT_STATUS_ACTION,
  ReasonSchema,
  unitRef,
} from "~/lib/classes";
import { endOfChinaDay, formatChinaDateTime, formatDate, todayInChina } from "~/lib/dates";
import { DateOnlySchema } from "~/lib/date-fields";
import { RequiredDateTime } from "~/lib/contest-settings";
import { formatHours } from "~/lib/hours";
import { HoursSchema } from "~/lib/hours-fields";
import { personFieldsFor } from "~/lib/mask";
import { pageMeta } from "~/lib/page-meta";

// One class, as its organiser runs it and a branch secretary nominates for it: details and status,
// members by status (approve or reject a nomination with a reason, withdraw a member with a reason,
// place them in a group), enrolment by rule (a preview, then one step), groups and tutors, and the
// schedule (courses, face-to-face sessions with QR check-in, the exam). A nominator sees the class,
// the schedule, their own people's rows and the nominate form. /manage/classes/:classId

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`${d?.cls.title ?? "培训班"} · 党校培训班`);

const CANDIDATES_SHOWN = 300;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireClassStaff(request, params.classId);
  const { user, scope, organiser, nominatorPaths } = staff;
  const cls = (await classHeader(scope.id))!;
  const [members, schedule, groups, choices, units, candidates] = await Promise.all([
    classMembers(scope.id, organiser ? {} : { within: nominatorPaths }),
    classSchedule(scope.id),
    organiser ? classGroups(scope.id) : [],
    organiser ? scheduleChoices(cls.unit.path) : { courses: [], quizzes: [] },
    organiser ? unitsUnder([cls.unit.path]) : [],
    nominatorPaths.length && cls.status === "enrolling" ? nominationCandidates(scope.id, nominatorPaths, CANDIDATES_SHOWN) : [],
  ]);
  return {
    organiser,
    nominator: nominatorPaths.length > 0,
    cls: {
      id: cls.id,
      title: cls.title,
      kind: cls.kind,
      term: cls.term,
      description: cls.description,
      status: cls.status,
      startsOn: formatDate(cls.startsOn),
      endsOn: formatDate(cls.endsOn),
      unitName: cls.unit.name,
      audience: cls.audience.map((u) => ({ id: u.id, name: u.name })),
    },
    members: members.map((m) => ({
      personId: m.personId,
      name: m.person.name,
      number: personFieldsFor(user.grants, { unitPath: m.person.unit.path, number: m.person.number }).number,
      unitName: m.person.unit.name,
      status: m.status as MemberStatus,
      source: m.source,
      reason: m.reason,
      groupId: m.groupId,
    })),
    schedule: schedule.map((i) => ({
      id: i.id,
      kind: i.kind,
      title: i.course?.title ?? i.activity?.title ?? i.quiz?.title ?? "",
      when: i.activity
        ? `${formatChinaDateTime(i.activity.startsAt)} 至 ${formatChinaDateTime(i.activity.endsAt)}`
        : i.dueAt
          ? `截止 ${formatChinaDateTime(i.dueAt)}`
          : "",
      activityId: i.activity?.id ?? null,
      dueOn: i.dueAt ? todayInChina(i.dueAt) : "",
      detail: i.activity ? `${formatHours(i.activity.hours)} 学时` : i.quiz && i.quiz.status !== "published" ? "测试尚未发布" : "",
    })),
    groups: groups.map((g) => ({
      id: g.id,
      name: g.name,
      members: g._count.members,
      tutors: g.tutors.map((t) => ({ personId: t.personId, name: t.person.name })),
    })),
    choices,
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    candidates: candidates.map((p) => ({
      id: p.id,
      name: p.name,
      number: personFieldsFor(user.grants, { unitPath: p.unit.path, number: p.number }).number,
      unitName: p.unit.name,
    })),
  };
}

const id = (message: string) => unitRef(message);
const optionalDue = z.preprocess((v) => (v === "" ? undefined : v), DateOnlySchema.optional());

const ActionSchema = z.discriminatedUnion(
  "intent",
  [
    ClassSettingsSchema.safeExtend({ intent: z.literal("settings") }),
    z.object({ intent: z.literal("audience"), audienceUnitIds: z.array(id("请选择面向的党组织")).min(1, "请至少选择一个面向的党组织").max(200) }),
    z.object({ intent: z.literal("status"), to: z.enum(["enrolling", "running", "finished"]) }),
    z.object({ intent: z.literal("nominate"), personId: id("请选择人员") }),
    z.object({ intent: z.literal("approve"), personId: id("请选择人员") }),
    z.object({ intent: z.literal("reject"), personId: id("请选择人员"), reason: ReasonSchema }),
    z.object({ intent: z.literal("withdraw"), personId: id("请选择人员"), reason: ReasonSchema }),
    z.object({ intent: z.literal("preview"), statusSinceBefore: optionalDue }),
    z.object({ intent: z.literal("enrolRule"), statusSinceBefore: optionalDue, expected: z.number().int().min(0) }),
    z.object({ intent: z.literal("group"), name: z.string({ error: "请填写小组名称" }).trim().min(1, "请填写小组名称").max(30, "小组名称最多 30 字") }),
    z.object({ intent: z.literal("tutor"), groupId: id("请选择小组"), number: z.string({ error: "请填写导师的学号/工号" }).trim().min(1).max(40) }),
    z.object({ intent: z.literal("untutor"), groupId: id("请选择小组"), personId: id("请选择导师") }),
    z.object({
      intent: z.literal("place"),
      personId: id("请选择人员"),
      groupId: z.preprocess((v) => (v === "" || v === undefined ? null : v), id("请选择小组").nullable()),
    }),
    z.object({ intent: z.literal("course"), courseId: id("请选择课程"), dueOn: optionalDue }),
    z.object({
      intent: z.literal("session"),
      title: z.string({ error: "请填写名称" }).trim().min(1, "请填写名称").max(100, "名称最多 100 字"),
      startsAt: RequiredDateTime("请填写开始时间"),
      endsAt: RequiredDateTime("请填写结束时间"),
      hours: HoursSchema({ max: 100 }),
    }),
    z.object({ intent: z.literal("exam"), quizId: id("请选择测试"), dueOn: optionalDue }),
    z.object({ intent: z.literal("remove"), itemId: id("请选择日程项") }),
    z.object({ intent: z.literal("due"), itemId: id("请选择日程项"), dueOn: optionalDue }),
    z.object({ intent: z.literal("move"), itemId: id("请选择日程项"), direction: z.enum(["up", "down"]) }),
  ],
  { error: "未知的操作" },
);

type Reply = {
  intent: string | null;
  result: SubmissionResult<string[]>;
  message?: string;
  preview?: Awaited<ReturnType<typeof previewRule>> & { date: string };
};

const dueOf = (d: Date | undefined) => (d ? endOfChinaDay(d) : null);

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireClassStaff(request, params.classId);
  const formData = await readForm(request);
  const posted = formData.get("intent");
  const intent = typeof posted === "string" ? posted : null;
  const submission = parseWithZod(formData, { schema: ActionSchema });
  if (submission.status !== "success") return data<Reply>({ intent, result: submission.reply() }, { status: 400 });
  const input = submission.value;
  const done = (message: string, extra: Partial<Reply> = {}) => data<Reply>({ intent, result: submission.reply({ resetForm: true }), message, ...extra });
  const classId = staff.scope.id;
  try {
    if (input.intent === "nominate") {
      // Refused (and logged) by the guard unless the caller may nominate at all.
      if (!staff.nominatorPaths.length) await requirePermission(request, "classes:nominate", staff.scope.unitId);
      const { name } = await nominate(staff.user, classId, input.personId);
      return done(`已推荐${name}，待主办方审核`);
    }
    if (!staff.organiser) await requirePermission(request, "classes:manage", staff.scope.unitId);
    const actor = staff.user.id;
    switch (input.intent) {
      case "settings":
        await updateClass(actor, classId, input);
        return done("已保存");
      case "audience":
        await setAudience(actor, classId, input.audienceUnitIds);
        return done("已更新面向的党组织");
      case "status":
        await changeStatus(actor, classId, input.to);
        return done(`培训班已改为“${CLASS_STATUS_LABELS[input.to]}”`);
      case "approve":
        await decideNomination(actor, classId, input.personId, "approve");
        return done("已通过推荐");
      case "reject":
        await decideNomination(actor, classId, input.personId, "reject", input.reason);
        return done("已退回推荐");
      case "withdraw":
        await withdrawMember(actor, classId, input.personId, input.reason);
        return done("已办理退出");
      case "preview": {
        const preview = await previewRule(actor, classId, { statusSinceBefore: input.statusSinceBefore ?? null });
        return data<Reply>({ intent, result: submission.reply(), preview: { ...preview, date: formatDate(input.statusSinceBefore) } });
      }
      case "enrolRule": {
        const count = await enrolByRule(actor, classId, { statusSinceBefore: input.statusSinceBefore ?? null }, input.expected);
        return done(`已按条件录取 ${count} 人`);
      }
      case "group":
        await createGroup(actor, classId, input.name);
        return done(`已新建小组“${input.name}”`);
      case "tutor": {
        const { name } = await addTutor(actor, classId, input.groupId, input.number);
        return done(`已添加导师${name}`);
      }
      case "untutor":
        await removeTutor(actor, classId, input.groupId, input.personId);
        return done("已移除导师");
      case "place":
        await placeMember(actor, classId, input.personId, input.groupId);
        return done("已调整分组");
      case "course":
        await addCourse(actor, classId, input.courseId, dueOf(input.dueOn));
        return done("已加入课程");
      case "session":
        await addSession(actor, classId, { title: input.title, startsAt: input.startsAt, endsAt: input.endsAt, hours: input.hours });
        return done("已加入面授课，签到二维码在活动页面");
      case "exam":
        await addExam(actor, classId, input.quizId, dueOf(input.dueOn));
        return done("已设置结业考试");
      case "due":
        await setItemDue(actor, classId, input.itemId, dueOf(input.dueOn));
        return done(input.dueOn ? "已修改期限" : "已取消期限");
      case "remove":
        await removeItem(actor, classId, input.itemId);
        return done("已从日程中移除");
      case "move":
        await moveItem(actor, classId, input.itemId, input.direction);
        return done("已调整顺序");
    }
  } catch (e) {
    return formRefusal<Omit<Reply, "result">>(submission, e, { intent });
  }
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

/** The reply to one of this page's forms, shown where that form is. */
function Reply({ intents }: { intents: string[] }) {
  const reply = useActionData<typeof action>();
  if (!reply || !reply.intent || !intents.includes(reply.intent)) return null;
  const errors = Object.values(reply.result.error ?? {}).flatMap((e) => e ?? []);
  return (
    <>
      <FormMessage messages={errors} />
      {reply.message ? <Notice>{reply.message}</Notice> : null}
    </>
  );
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="space-y-3 rounded-lg bg-white p-4 shadow" data-testid={testId}>
      <h2 className="font-bold">{title}</h2>
      {children}
    </section>
  );
}

export default function ClassPage() {
  const d = useLoaderData<typeof loader>();
  const { cls } = d;
  const next = NEXT_STATUS[cls.status];
  const finished = cls.status === "finished";
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-bold">{cls.title}</h1>
        <span className="rounded bg-stone-100 px-2 py-0.5 text-sm" data-testid="class-status">
          {CLASS_STATUS_LABELS[cls.status]}
        </span>
        <Link to="/manage/classes" className={`${secondaryButtonClass} ml-auto`}>
          返回列表
        </Link>
      </div>
      <p className="text-sm text-stone-600">
        第 {cls.term} 期{CLASS_KIND_LABELS[cls.kind]} · 主办：{cls.unitName} · {cls.startsOn} 至 {cls.endsOn}
      </p>
      <p className="text-sm text-stone-600">面向：{cls.audience.map((u) => u.name).join("、")}</p>
      {cls.description ? <p className="whitespace-pre-line text-sm">{cls.description}</p> : null}
      {d.organiser ? (
        <div className="flex flex-wrap gap-2">
          {next ? (
            <Form method="post">
              <input type="hidden" name="intent" value="status" />
              <input type="hidden" name="to" value={next} />
              <button type="submit" className={buttonClass}>
                {NEXT_STATUS_ACTION[cls.status]}
              </button>
            </Form>
          ) : null}
          {!finished ? (
            <Link to={`/manage/classes/${cls.id}/import`} className={secondaryButtonClass}>
              导入学员名单
            </Link>
          ) : null}
          <Link to={`/manage/classes/${cls.id}/results`} className={secondaryButtonClass}>
            成绩与结业
          </Link>
        </div>
      ) : null}
      <Reply intents={["status"]} />
      {d.nominator && cls.status === "enrolling" ? <NominateSection data={d} /> : null}
      <MembersSection data={d} />
      {d.organiser && !finished ? <RuleSection /> : null}
      {d.organiser ? <GroupsSection data={d} /> : null}
      <ScheduleSection data={d} />
      {d.organiser && !finished ? <SettingsSection data={d} /> : null}
    </div>
  );
}

function NominateSection({ data: d }: { data: Data }) {
  return (
    <Section title="推荐人员" testId="nominate">
      <p className="text-sm text-stone-600">以下为本组织符合条件、尚未推荐的人员。推荐后由主办方审核。</p>
      <Reply intents={["nominate"]} />
      {d.candidates.length === 0 ? <p className="text-sm text-stone-500">没有可推荐的人员。</p> : null}
      {d.candidates.length >= CANDIDATES_SHOWN ? <p className="text-sm text-stone-500">仅列出前 {CANDIDATES_SHOWN} 人；推荐后列表会显示其余人员。</p> : null}
      <ul className="max-h-96 divide-y divide-stone-100 overflow-y-auto">
        {d.candidates.map((p) => (
          <li key={p.id} className="flex items-center gap-2 py-2 text-sm">
            <span className="flex-1">
              {p.name} <span className="text-stone-500">{p.number}</span> · {p.unitName}
            </span>
            <Form method="post">
              <input type="hidden" name="intent" value="nominate" />
              <input type="hidden" name="personId" value={p.id} />
              <button type="submit" className={secondaryButtonClass}>
                推荐
              </button>
            </Form>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function MembersSection({ data: d }: { data: Data }) {
  const finished = d.cls.status === "finished";
  return (
    <Section title={d.organiser ? "学员" : "本组织的推荐与学员"} testId="members">
      <Reply intents={["approve", "reject", "withdraw", "place"]} />
      {MEMBER_STATUSES.map((status) => {
        const rows = d.members.filter((m) => m.status === status);
        if (!rows.length) return null;
        return (
          <div key={status}>
            <h3 className="mb-1 text-sm font-semibold">
              {MEMBER_STATUS_LABELS[status]}（{rows.length}）
            </h3>
            <ul className="divide-y divide-stone-100" data-testid={`members-${status}`}>
              {rows.map((m) => (
                <li key={m.personId} className="space-y-1 py-2 text-sm">
                  <p>
                    {m.name} <span className="text-stone-500">{m.number}</span> · {m.unitName} · {MEMBER_SOURCE_LABELS[m.source] ?? m.source}
                    {m.reason ? <span className="text-stone-600"> · 原因：{m.reason}</span> : null}
                  </p>
                  {d.organiser && !finished && status === "nominated" ? (
                    <div className="flex flex-wrap gap-2">
                      <Form method="post">
                        <input type="hidden" name="intent" value="approve" />
                        <input type="hidden" name="personId" value={m.personId} />
                        <button type="submit" className={secondaryButtonClass}>
                          通过
                        </button>
                      </Form>
                      <Form method="post" className="flex flex-wrap gap-1">
                        <input type="hidden" name="intent" value="reject" />
                        <input type="hidden" name="personId" value={m.personId} />
                        <input
                          name="reason"
                          aria-label={`退回${m.name}的原因`}
                          placeholder="退回原因"
                          className={`${inputClass} w-48`}
                          required
                          maxLength={200}
                        />
                        <button type="submit" className={secondaryButtonClass}>
                          退回
                        </button>
                      </Form>
                    </div>
                  ) : null}
                  {d.organiser && !finished && status === "enrolled" ? (
                    <div className="flex flex-wrap gap-2">
                      {d.groups.length ? (
                        <Form method="post" className="flex gap-1">
                          <input type="hidden" name="intent" value="place" />
                          <input type="hidden" name="personId" value={m.personId} />
                          <select name="groupId" defaultValue={m.groupId ?? ""} aria-label={`${m.name}的小组`} className={`${inputClass} w-32`}>
                            <option value="">未分组</option>
                            {d.groups.map((g) => (
                              <option key={g.id} value={g.id}>
                                {g.name}
                              </option>
                            ))}
                          </select>
                          <button type="submit" className={secondaryButtonClass}>
                            分组
                          </button>
                        </Form>
                      ) : null}
                      <Form method="post" className="flex flex-wrap gap-1">
                        <input type="hidden" name="intent" value="withdraw" />
                        <input type="hidden" name="personId" value={m.personId} />
                        <input
                          name="reason"
                          aria-label={`${m.name}退出的原因`}
                          placeholder="退出原因"
                          className={`${inputClass} w-48`}
                          required
                          maxLength={200}
                        />
                        <button type="submit" className={secondaryButtonClass}>
                          退出
                        </button>
                      </Form>
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
      {d.members.length === 0 ? <p className="text-sm text-stone-500">还没有推荐或学员。</p> : null}
    </Section>
  );
}

function RuleSection() {
  const reply = useActionData<typeof action>();
  const preview = reply?.intent === "preview" ? reply.preview : undefined;
  return (
    <Section title="按条件录取" testId="rule">
      <p className="text-sm text-stone-600">
        录取面向党组织中符合本班类型、尚未加入本班的全部人员；可限定在某日期之前进入当前发展阶段的人员。先预览，再一次录取。
      </p>
      <Reply intents={["preview", "enrolRule"]} />
      <Form method="post" className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="intent" value="preview" />
        <label className="text-sm">
          进入当前阶段早于（选填）
          <input type="date" name="statusSinceBefore" defaultValue={preview?.date ?? ""} className={inputClass} />
        </label>
        <button type="submit" className={secondaryButtonClass}>
          预览
        </button>
      </Form>
      {preview ? (
        <div className="space-y-2" data-testid="rule-preview">
          <p className="text-sm">
            符合条件 <strong>{preview.count}</strong> 人{preview.count > preview.people.length ? `（列出前 ${preview.people.length} 人）` : ""}
          </p>
          <ul className="max-h-64 overflow-y-auto text-sm">
            {preview.people.map((p) => (
              <li key={p.id}>
                {p.name} · {p.unit.name} · {p.statusSince}
              </li>
            ))}
          </ul>
          {preview.count > 0 ? (
            <Form method="post">
              <input type="hidden" name="intent" value="enrolRule" />
              <input type="hidden" name="statusSinceBefore" value={preview.date} />
              <input type="hidden" name="expected" value={preview.count} />
              <button type="submit" className={buttonClass}>
                录取这 {preview.count} 人
              </button>
            </Form>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}

function GroupsSection({ data: d }: { data: Data }) {
  const finished = d.cls.status === "finished";
  return (
    <Section title="分组与导师" testId="groups">
      <Reply intents={["group", "tutor", "untutor"]} />
      <ul className="space-y-2">
        {d.groups.map((g) => (
          <li key={g.id} className="rounded border border-stone-200 p-2 text-sm">
            <p className="font-semibold">
              {g.name}（{g.members} 人）
            </p>
            <p>
              导师：
              {g.tutors.length === 0 ? "未指定" : null}
              {g.tutors.map((t) => (
                <Form key={t.personId} method="post" className="mr-2 inline">
                  {t.name}
                  {!finished ? (
                    <>
                      <input type="hidden" name="intent" value="untutor" />
                      <input type="hidden" name="groupId" value={g.id} />
                      <input type="hidden" name="personId" value={t.personId} />
                      <button type="submit" className="ml-1 text-xs text-party underline">
                        移除
                      </button>
                    </>
                  ) : null}
                </Form>
              ))}
            </p>
            {!finished ? (
              <Form method="post" className="mt-1 flex flex-wrap gap-1">
                <input type="hidden" name="intent" value="tutor" />
                <input type="hidden" name="groupId" value={g.id} />
                <input
                  name="number"
                  aria-label={`${g.name}导师的学号/工号`}
                  placeholder="导师学号/工号"
                  className={`${inputClass} w-40`}
                  required
                  maxLength={40}
                />
                <button type="submit" className={secondaryButtonClass}>
                  添加导师
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      {!finished ? (
        <Form method="post" className="flex flex-wrap gap-1">
          <input type="hidden" name="intent" value="group" />
          <input name="name" aria-label="小组名称" placeholder="如：第一组" className={`${inputClass} w-40`} required maxLength={30} />
          <button type="submit" className={secondaryButtonClass}>
            新建小组
          </button>
        </Form>
      ) : null}
    </Section>
  );
}

const ITEM_KIND_LABELS: Record<string, string> = { course: "必修课程", session: "面授课", exam: "结业考试" };

function ScheduleSection({ data: d }: { data: Data }) {
  const editable = d.organiser && d.cls.status !== "finished";
  return (
    <Section title="日程" testId="schedule">
      <Reply intents={["course", "session", "exam", "remove", "move", "due"]} />
      {d.schedule.length === 0 ? <p className="text-sm text-stone-500">日程还是空的。</p> : null}
      <ol className="divide-y divide-stone-100">
        {d.schedule.map((i, k) => (
          <li key={i.id} className="flex flex-wrap items-center gap-2 py-2 text-sm" data-testid="schedule-item">
            <span className="rounded bg-stone-100 px-1.5 text-xs">{ITEM_KIND_LABELS[i.kind] ?? i.kind}</span>
            <span className="flex-1">
              {i.activityId && d.organiser ? (
                <Link to={`/manage/activities/${i.activityId}`} className="text-party underline">
                  {i.title}
                </Link>
              ) : (
                i.title
              )}
              <span className="text-stone-500"> {i.when}</span> {i.detail ? <span className="text-stone-500">· {i.detail}</span> : null}
            </span>
            {editable ? (
              <span className="flex gap-1">
                {(["up", "down"] as const).map((dir) =>
                  (dir === "up" && k === 0) || (dir === "down" && k === d.schedule.length - 1) ? null : (
                    <Form key={dir} method="post">
                      <input type="hidden" name="intent" value="move" />
                      <input type="hidden" name="itemId" value={i.id} />
                      <input type="hidden" name="direction" value={dir} />
                      <button type="submit" className={secondaryButtonClass} aria-label={`${dir === "up" ? "上移" : "下移"}${i.title}`}>
                        {dir === "up" ? "↑" : "↓"}
                      </button>
                    </Form>
                  ),
                )}
                {i.activityId ? null : (
                  <Form method="post" className="flex gap-1">
                    <input type="hidden" name="intent" value="due" />
                    <input type="hidden" name="itemId" value={i.id} />
                    <input type="date" name="dueOn" defaultValue={i.dueOn} aria-label={`${i.title}的期限`} className={`${inputClass} w-40 py-1`} />
                    <button type="submit" className={secondaryButtonClass}>
                      改期限
                    </button>
                  </Form>
                )}
                <Form method="post">
                  <input type="hidden" name="intent" value="remove" />
                  <input type="hidden" name="itemId" value={i.id} />
                  <button type="submit" className={secondaryButtonClass}>
                    移除
                  </button>
                </Form>
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      {editable ? (
        <div className="grid gap-3 md:grid-cols-3">
          {d.choices.courses.length === 0 ? <p className="rounded border border-stone-200 p-2 text-sm text-stone-500">还没有已发布的课程可加入日程。</p> : null}
          <Form method="post" className="space-y-2 rounded border border-stone-200 p-2" hidden={d.choices.courses.length === 0}>
            <h3 className="text-sm font-semibold">加入必修课程</h3>
            <input type="hidden" name="intent" value="course" />
            <select name="courseId" aria-label="课程" className={inputClass} required>
              {d.choices.courses.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
            <label className="block text-sm">
              完成期限（选填）
              <input type="date" name="dueOn" className={inputClass} />
            </label>
            <button type="submit" className={secondaryButtonClass}>
              加入课程
            </button>
          </Form>
          <Form method="post" className="space-y-2 rounded border border-stone-200 p-2">
            <h3 className="text-sm font-semibold">加入面授课（现场扫码签到）</h3>
            <input type="hidden" name="intent" value="session" />
            <input name="title" aria-label="面授课名称" placeholder="如：第一讲 党的性质和宗旨" className={inputClass} required maxLength={100} />
            <label className="block text-sm">
              开始时间
              <input type="datetime-local" name="startsAt" className={inputClass} required />
            </label>
            <label className="block text-sm">
              结束时间
              <input type="datetime-local" name="endsAt" className={inputClass} required />
            </label>
            <label className="block text-sm">
              每人学时
              <input type="number" name="hours" min="0.05" max="100" step="0.05" defaultValue="4" className={inputClass} required />
            </label>
            <button type="submit" className={secondaryButtonClass}>
              加入面授课
            </button>
          </Form>
          {d.choices.quizzes.length === 0 ? (
            <p className="rounded border border-stone-200 p-2 text-sm text-stone-500">主办单位还没有可作结业考试的测试。</p>
          ) : null}
          <Form method="post" className="space-y-2 rounded border border-stone-200 p-2" hidden={d.choices.quizzes.length === 0}>
            <h3 className="text-sm font-semibold">设置结业考试</h3>
            <input type="hidden" name="intent" value="exam" />
            <select name="quizId" aria-label="测试" className={inputClass} required>
              {d.choices.quizzes.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.title}
                  {q.status !== "published" ? "（未发布）" : ""}
                </option>
              ))}
            </select>
            <label className="block text-sm">
              考试截止（选填）
              <input type="date" name="dueOn" className={inputClass} />
            </label>
            <button type="submit" className={secondaryButtonClass}>
              设为结业考试
            </button>
          </Form>
        </div>
      ) : null}
    </Section>
  );
}

function SettingsSection({ data: d }: { data: Data }) {
  const { cls } = d;
  const audienceEditable = cls.status === "draft" || cls.status === "enrolling";
  return (
    <Section title="培训班设置" testId="settings">
      <Reply intents={["settings", "audience"]} />
      <Form method="post" className="grid gap-2 sm:grid-cols-2">
        <input type="hidden" name="intent" value="settings" />
        <label className="text-sm">
          名称
          <input name="title" defaultValue={cls.title} className={inputClass} required maxLength={100} />
        </label>
        <label className="text-sm">
          期次
          <input name="term" defaultValue={cls.term} inputMode="numeric" className={inputClass} required />
        </label>
        <label className="text-sm">
          开始日期
          <input type="date" name="startsOn" defaultValue={cls.startsOn} className={inputClass} required />
        </label>
        <label className="text-sm">
          结束日期
          <input type="date" name="endsOn" defaultValue={cls.endsOn} className={inputClass} required />
        </label>
        <label className="text-sm sm:col-span-2">
          简介
          <textarea name="description" defaultValue={cls.description ?? ""} rows={3} className={inputClass} maxLength={2000} />
        </label>
        <div>
          <button type="submit" className={secondaryButtonClass}>
            保存设置
          </button>
        </div>
      </Form>
      {audienceEditable ? (
        <Form method="post" className="space-y-2">
          <input type="hidden" name="intent" value="audience" />
          <label className="block text-sm">
            面向的党组织（可多选）
            <select name="audienceUnitIds" multiple size={6} defaultValue={cls.audience.map((u) => String(u.id))} className={inputClass}>
              <UnitOptions units={d.units} />
            </select>
          </label>
          <button type="submit" className={secondaryButtonClass}>
            保存面向的党组织
          </button>
        </Form>
      ) : null}
    </Section>
  );
}
