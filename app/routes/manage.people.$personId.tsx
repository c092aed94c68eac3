import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { isAppError } from "~/lib/app-error";
import { refusalReply } from "~/.server/http/refusal";
import { audit } from "~/.server/audit";
import { can, requireAuthorityOver, requirePermission, requirePersonInScope } from "~/.server/auth/guard";
import { activationStateOf, issueForPerson, revokeForPerson } from "~/.server/auth/activation";
import { activationLink } from "~/.server/auth/activation-sheet";
import { resetPassword } from "~/.server/auth/login";
import { certificatesOf } from "~/.server/hours/certificates";
import { admissionProgress } from "~/.server/hours/gates";
import { ledgerYear } from "~/lib/hours";
import { generateTemporaryPassword } from "~/.server/auth/password";
import { qrDataUri } from "~/.server/http/public-link";
import { addGrant, grantUnitOf, changeStatus, getPersonDetail, removeGrant, revealSensitive, setDisabled, updatePerson } from "~/.server/org/people";
import { unitsUnder } from "~/.server/org/units";
import { CertificateList } from "~/components/hours/certificate-list";
import { FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass, FieldError } from "~/components/ui/form";
import { LabelOptions, UnitOptions } from "~/components/ui/options";
import { formatActivationCode } from "~/lib/activation-code";
import { formatChinaDateTime, formatDate, todayInChina } from "~/lib/dates";
import { DateOnlySchema } from "~/lib/date-fields";
import { scopePaths } from "~/lib/permissions";
import { CADRE_LEVEL_LABELS, GENDER_LABELS, PERSON_CATEGORY_LABELS, POLITICAL_STATUS_LABELS, ROLE_LABELS } from "~/lib/vocabulary";
import { CadreLevelSchema, PoliticalStatusSchema, RoleSchema } from "~/lib/vocabulary-fields";
import { readForm } from "~/.server/http/form-body";
import { idParam } from "~/.server/http/request-params";
import { pageMeta } from "~/lib/page-meta";

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.person.name ?? "人员"} · 网上党校`);

const personIdFrom = (params: { personId?: string }) => idParam(params.personId, "人员不存在");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, person } = await requirePersonInScope(request, "people:view", personIdFrom(params));
  const detail = (await getPersonDetail(person.id))!;
  await audit({ actorId: user.id, action: "person.view", targetKind: "person", targetId: person.id });
  const path = detail.unit.path;
  const canManage = can(user, "people:manage", path);
  const canGrant = can(user, "grants:manage");
  const canCertify = can(user, "hours:report", path);
  const units = canManage || canGrant ? await unitsUnder(scopePaths(user.grants, canGrant ? "grants:manage" : "people:manage")) : [];
  const today = todayInChina();
  const admission = detail.politicalStatus === "target" ? await admissionProgress(person.id, new Date(`${today}T00:00:00Z`)) : null;
  return {
    person: {
      ...detail,
      statusSince: formatDate(detail.statusSince),
      statusChanges: detail.statusChanges.map((c) => ({ ...c, effectiveOn: formatDate(c.effectiveOn), recordedAt: formatDate(c.recordedAt) })),
      grants: detail.grants.map((g) => ({ id: g.id, role: g.role, unitName: g.unit.name })),
    },
    today,
    admission: admission ? { ok: admission.ok, message: admission.message } : null,
    isSelf: user.id === person.id,
    activation: canManage ? await activationStateOf(person.id) : null,
    can: {
      manage: canManage,
      sensitive: can(user, "people:sensitive", path),
      resetPassword: can(user, "password:reset", path),
      grant: canGrant,
      overrideGates: can(user, "rules:manage"),
    },
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    certificates: canCertify ? { list: await certificatesOf(person.id), currentYear: ledgerYear(new Date()) } : null,
  };
}

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === "1", z.boolean());
const optionalText = (max: number) =>
  z.preprocess((v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? null : v), z.string().trim().max(max, `最多 ${max} 个字符`).nullable());

const StatusSchema = z.object({
  intent: z.literal("status"),
  toStatus: PoliticalStatusSchema,
  effectiveOn: DateOnlySchema,
  note: optionalText(200),
  gateOverride: optionalText(500),
});
const UpdateSchema = z.object({
  intent: z.literal("update"),
  name: z.string({ error: "请填写姓名" }).trim().min(1, "请填写姓名").max(50, "姓名过长"),
  unitId: z.coerce.number().int().positive(),
  cadreLevel: CadreLevelSchema,
  isCommitteeMember: checkbox,
  committeeRole: optionalText(30),
  phone: optionalText(20).refine((p) => p === null || /^1\d{10}$/.test(p), "手机号应为 11 位数字"),
});
const ActionSchema = z.discriminatedUnion("intent", [
  StatusSchema,
  UpdateSchema,
  z.object({ intent: z.literal("reveal") }),
  z.object({ intent: z.literal("reset-password") }),
  z.object({ intent: z.literal("activation-issue") }),
  z.object({ intent: z.literal("activation-revoke") }),
  z.object({ intent: z.literal("disable") }),
  z.object({ intent: z.literal("enable") }),
  z.object({ intent: z.literal("grant-add"), role: RoleSchema, unitId: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("grant-remove"), grantId: z.coerce.number().int().positive() }),
]);

type ActionReply = {
  result: SubmissionResult<string[]>;
  intent: string | null;
  message?: string;
  warnings?: string[];
  sensitive?: { phone: string };
  temporaryPassword?: string;
  activation?: { code: string; link: string; qr: string; expiresAt: string };
  gateRefused?: boolean;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const personId = personIdFrom(params);
  // Authorise before reading the input: a person outside the scope gets 403 whatever was posted.
  await requirePersonInScope(request, "people:view", personId);
  const formData = await readForm(request);
  const posted = formData.get("intent");
  const intent = typeof posted === "string" ? posted : null;
  const submission = parseWithZod(formData, { schema: ActionSchema });
  if (submission.status !== "success") return data<ActionReply>({ result: submission.reply(), intent }, { status: 400 });
  const done = (reply: Omit<ActionReply, "result" | "intent">) => data<ActionReply>({ result: submission.reply({ resetForm: true }), intent, ...reply });
  const input = submission.value;
  try {
    switch (input.intent) {
      case "status": {
        const { user } = await requireAuthorityOver(request, "people:manage", personId);
        const recorded = await changeStatus(user.id, personId, input.toStatus, input.effectiveOn, input.note ?? undefined, {
          reason: input.gateOverride,
          allowed: can(user, "rules:manage"),
        });
        const message = `政治面貌已更新为“${POLITICAL_STATUS_LABELS[input.toStatus]}”${recorded.overridden ? "（已越过学时要求，理由已记录）" : ""}`;
        return done({ message, warnings: recorded.warnings });
      }
      case "update": {
        const { user } = await requireAuthorityOver(request, "people:manage", personId);
        // Moving a person needs the right over the destination unit too.
        await requirePermission(request, "people:manage", input.unitId);
        const { intent: _intent, ...fields } = input;
        await updatePerson(user.id, personId, { ...fields, committeeRole: fields.isCommitteeMember ? fields.committeeRole : null });
        return done({ message: "已保存" });
      }
      case "reveal": {
        const { user } = await requirePersonInScope(request, "people:sensitive", personId);
        return done({ message: "已显示完整信息（本次查看已记录）", sensitive: await revealSensitive(user.id, personId) });
      }
      case "reset-password": {
        const { user } = await requireAuthorityOver(request, "password:reset", personId);
        const temporaryPassword = generateTemporaryPassword();
        await resetPassword(user.id, personId, temporaryPassword);
        return done({ message: "密码已重置，本人下次登录时须修改密码", temporaryPassword });
      }
      case "activation-issue": {
        const { user, person } = await requireAuthorityOver(request, "people:manage", personId);
        const issued = await issueForPerson(user.id, personId, { mayReplacePassword: can(user, "password:reset", person.unit.path) });
        const link = activationLink(issued.code, request.url);
        return done({
          message: "已生成激活码，此前未使用的激活码已作废",
          activation: { code: formatActivationCode(issued.code), link, qr: await qrDataUri(link), expiresAt: formatChinaDateTime(issued.expiresAt) },
        });
      }
      case "activation-revoke": {
        const { user } = await requireAuthorityOver(request, "people:manage", personId);
        await revokeForPerson(user.id, personId);
        return done({ message: "激活码已作废" });
      }
      case "disable":
      case "enable": {
        const { user } = await requireAuthorityOver(request, "people:manage", personId);
        await setDisabled(user.id, personId, input.intent === "disable");
        return done({ message: input.intent === "disable" ? "账号已停用，所有登录已失效" : "账号已启用" });
      }
      case "grant-add": {
        await requirePersonInScope(request, "people:view", personId);
        const user = await requirePermission(request, "grants:manage", input.unitId);
        await addGrant(user.id, personId, input.role, input.unitId);
        return done({ message: `已授予“${ROLE_LABELS[input.role]}”权限` });
      }
      case "grant-remove": {
        await requirePersonInScope(request, "people:view", personId);
        // The grant's own unit must be in the caller's scope, not just some unit.
        const grantUnitId = await grantUnitOf(personId, input.grantId);
        if (grantUnitId === null) return data<ActionReply>({ result: submission.reply({ formErrors: ["该授权不存在"] }), intent }, { status: 400 });
        const user = await requirePermission(request, "grants:manage", grantUnitId);
        await removeGrant(user.id, personId, input.grantId);
        return done({ message: "已撤销授权" });
      }
    }
  } catch (e) {
    // Every refusal of this page answers 400, whatever its code; a gate refusal marks the override field.
    if (!isAppError(e)) throw e;
    return data<ActionReply>({ result: refusalReply(submission, e), intent, gateRefused: e.reason === "gate" }, { status: 400 });
  }
}

export default function PersonPage() {
  const { person: p, can, units, today, isSelf, admission, certificates, activation } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const unitOptions = <UnitOptions units={units} />;
  const sensitive = reply?.sensitive;
  // The status and details forms show their fields' messages beside them; any other message shows at the top.
  const besideFields = reply?.intent === "status" || reply?.intent === "update";
  const topErrors = Object.entries(reply?.result.error ?? {}).flatMap(([name, messages]) => (name === "" || !besideFields ? (messages ?? []) : []));
  const resultFor = (intent: string) => (reply?.intent === intent ? reply.result : undefined);
  const [statusForm, statusFields] = useForm({
    id: "status",
    lastResult: resultFor("status"),
    defaultValue: { effectiveOn: today },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: StatusSchema }),
  });
  const [updateForm, updateFields] = useForm({
    id: "update",
    lastResult: resultFor("update"),
    defaultValue: {
      name: p.name,
      unitId: String(p.unit.id),
      cadreLevel: p.cadreLevel,
      isCommitteeMember: p.isCommitteeMember ? "on" : undefined,
      committeeRole: p.committeeRole ?? "",
    },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: UpdateSchema }),
  });

  return (
    <div className="space-y-4">
      <Link to="/manage/people" className="text-sm text-stone-600 hover:underline">
        ← 人员列表
      </Link>
      <section className="rounded-lg bg-white p-4 shadow">
        <h1 className="text-xl font-bold">
          {p.name}
          {p.disabledAt ? <span className="ml-2 text-sm font-normal text-stone-500">（已停用）</span> : null}
        </h1>
        {reply?.message ? <Notice>{reply.message}</Notice> : null}
        {reply?.warnings?.length ? (
          <div className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" role="alert" data-testid="status-warning">
            提醒：{reply.warnings.join("；")}
          </div>
        ) : null}
        <FormMessage messages={topErrors} />
        {reply?.temporaryPassword ? (
          <p className="mb-3 rounded bg-amber-50 px-3 py-2 text-sm" role="status">
            临时密码：
            <code className="font-mono text-base" data-testid="temporary-password">
              {reply.temporaryPassword}
            </code>
            （仅显示这一次，请当面或通过安全渠道告知本人）
          </p>
        ) : null}
        {reply?.activation ? <IssuedActivation {...reply.activation} /> : null}
        <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-stone-500">学号/工号</dt>
          <dd className="font-mono">{p.number}</dd>
          <dt className="text-stone-500">性别</dt>
          <dd>{p.gender ? GENDER_LABELS[p.gender] : "—"}</dd>
          <dt className="text-stone-500">人员类别</dt>
          <dd>{PERSON_CATEGORY_LABELS[p.category]}</dd>
          <dt className="text-stone-500">所在党组织</dt>
          <dd>{p.unit.name}</dd>
          <dt className="text-stone-500">政治面貌</dt>
          <dd>
            {POLITICAL_STATUS_LABELS[p.politicalStatus]}
            {p.statusSince ? <span className="text-stone-500">（{p.statusSince} 起）</span> : null}
          </dd>
          <dt className="text-stone-500">干部级别</dt>
          <dd>{CADRE_LEVEL_LABELS[p.cadreLevel]}</dd>
          <dt className="text-stone-500">支委</dt>
          <dd>{p.isCommitteeMember ? (p.committeeRole ?? "是") : "否"}</dd>
          <dt className="text-stone-500">手机号</dt>
          <dd className="font-mono" data-testid="phone">
            {sensitive ? sensitive.phone : p.phoneMasked || "—"}
          </dd>
          <dt className="text-stone-500">账号</dt>
          <dd data-testid="account-state">
            {!p.hasPassword ? "未激活" : p.mustChangePassword ? "待本人修改临时密码" : "正常"}
            {activation?.status === "valid" ? <span className="text-stone-500">（激活码有效至 {activation.expiresAt}）</span> : null}
            {activation?.status === "used" ? <span className="text-stone-500">（{activation.usedAt} 已用激活码激活）</span> : null}
          </dd>
        </dl>
        <div className="mt-3 flex flex-wrap gap-2">
          {can.sensitive && !sensitive ? (
            <Form method="post">
              <button name="intent" value="reveal" className={secondaryButtonClass}>
                显示完整手机号
              </button>
            </Form>
          ) : null}
          {can.resetPassword ? (
            <Form method="post">
              <button name="intent" value="reset-password" className={secondaryButtonClass} disabled={busy}>
                重置密码
              </button>
            </Form>
          ) : null}
          {can.manage && !isSelf && !p.disabledAt && (can.resetPassword || !p.hasPassword || p.mustChangePassword) ? (
            <Form method="post">
              <button name="intent" value="activation-issue" className={secondaryButtonClass} disabled={busy}>
                {activation?.status === "valid" ? "重新生成激活码" : "生成激活码"}
              </button>
            </Form>
          ) : null}
          {can.manage && !isSelf && activation?.status === "valid" ? (
            <Form method="post">
              <button name="intent" value="activation-revoke" className={secondaryButtonClass} disabled={busy}>
                作废激活码
              </button>
            </Form>
          ) : null}
          {can.manage && !isSelf ? (
            <Form method="post">
              <button name="intent" value={p.disabledAt ? "enable" : "disable"} className={secondaryButtonClass}>
                {p.disabledAt ? "启用账号" : "停用账号"}
              </button>
            </Form>
          ) : null}
        </div>
      </section>

      {can.manage ? (
        <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="status-heading">
          <h2 id="status-heading" className="mb-2 font-bold">
            变更政治面貌
          </h2>
          {admission ? (
            <p className={`mb-2 text-sm ${admission.ok ? "text-green-800" : "text-amber-900"}`} data-testid="admission-progress">
              {admission.message}
            </p>
          ) : null}
          <Form method="post" {...getFormProps(statusForm)} className="grid gap-2 sm:grid-cols-4">
            <input type="hidden" name="intent" value="status" />
            <div>
              <select {...getSelectProps(statusFields.toStatus)} aria-label="新的政治面貌" className={inputClass}>
                <option value="" disabled>
                  选择新的政治面貌
                </option>
                {/* The current status stays selectable: a back-dated entry may name it; the server checks. */}
                <LabelOptions labels={POLITICAL_STATUS_LABELS} />
              </select>
              <FieldError field={statusFields.toStatus} />
            </div>
            <div>
              <input {...getInputProps(statusFields.effectiveOn, { type: "date" })} aria-label="生效日期" max={today} className={inputClass} required />
              <FieldError field={statusFields.effectiveOn} />
            </div>
            <div>
              <input
                {...getInputProps(statusFields.note, { type: "text" })}
                placeholder="备注（如：支部大会讨论通过）"
                aria-label="备注"
                className={inputClass}
                maxLength={200}
              />
              <FieldError field={statusFields.note} />
            </div>
            {can.overrideGates ? (
              <label className="text-sm sm:col-span-3">
                越过学时要求的理由（仅管理员；发展对象培训学时不足仍须接收时填写，将记入审计日志）
                <textarea
                  {...getTextareaProps(statusFields.gateOverride)}
                  rows={2}
                  maxLength={500}
                  className={`${inputClass} ${reply?.gateRefused ? "border-red-500" : ""}`}
                />
                <FieldError field={statusFields.gateOverride} />
              </label>
            ) : null}
            <button type="submit" className={`${buttonClass} sm:self-end`} disabled={busy}>
              记录变更
            </button>
          </Form>
          <p className="mt-2 text-xs text-stone-500">
            发展对象接收为预备党员前，须在学时记录中完成规则包要求的集中培训学时；入党积极分子列为发展对象时，培养考察不满规定期限会给出提醒。
          </p>
        </section>
      ) : null}

      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="history-heading">
        <h2 id="history-heading" className="mb-2 font-bold">
          发展阶段记录
        </h2>
        <p className="mb-2 text-sm">
          <Link to={`/manage/people/${p.id}/file`} className="text-party underline">
            发展党员档案
          </Link>
          <span className="text-stone-500">（申请入党至转正的 25 个步骤，按《细则》记录、检查时限）</span>
        </p>
        {p.statusChanges.length === 0 ? <p className="text-sm text-stone-500">暂无记录。</p> : null}
        <ol className="space-y-1 text-sm" data-testid="status-history">
          {p.statusChanges.map((c) => (
            <li key={c.id}>
              <time className="font-mono">{c.effectiveOn}</time> {c.fromStatus ? POLITICAL_STATUS_LABELS[c.fromStatus] : "—"} →{" "}
              <strong>{POLITICAL_STATUS_LABELS[c.toStatus]}</strong>
              {c.note ? <span className="text-stone-600">（{c.note}）</span> : null}
              {c.gateOverride ? <span className="text-amber-800">（越过学时要求：{c.gateOverride}）</span> : null}
              {c.fromFile ? (
                <Link to={`/manage/people/${p.id}/file`} className="ml-1 text-xs text-party underline">
                  由发展党员档案记录，日期在档案中更正
                </Link>
              ) : null}
              <span className="text-stone-500">
                {" "}
                · {c.recordedBy?.name ?? "系统"} 于 {c.recordedAt} 记录
              </span>
            </li>
          ))}
        </ol>
      </section>

      {can.manage ? (
        <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="edit-heading">
          <h2 id="edit-heading" className="mb-2 font-bold">
            基本信息
          </h2>
          <Form method="post" {...getFormProps(updateForm)} className="grid gap-2 sm:grid-cols-2">
            <input type="hidden" name="intent" value="update" />
            <label className="text-sm">
              姓名
              <input {...getInputProps(updateFields.name, { type: "text" })} className={inputClass} required maxLength={50} />
              <FieldError field={updateFields.name} />
            </label>
            <label className="text-sm">
              所在党组织
              <select {...getSelectProps(updateFields.unitId)} className={inputClass}>
                {unitOptions}
              </select>
              <FieldError field={updateFields.unitId} />
            </label>
            <label className="text-sm">
              干部级别
              <select {...getSelectProps(updateFields.cadreLevel)} className={inputClass}>
                <LabelOptions labels={CADRE_LEVEL_LABELS} />
              </select>
              <FieldError field={updateFields.cadreLevel} />
            </label>
            <label className="text-sm">
              手机号
              <input
                {...getInputProps(updateFields.phone, { type: "text" })}
                inputMode="numeric"
                placeholder="不修改请留空"
                className={inputClass}
                maxLength={20}
              />
              <FieldError field={updateFields.phone} />
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input {...getInputProps(updateFields.isCommitteeMember, { type: "checkbox" })} />
              支委成员
            </label>
            <label className="text-sm">
              支委职务
              <input {...getInputProps(updateFields.committeeRole, { type: "text" })} className={inputClass} maxLength={30} />
              <FieldError field={updateFields.committeeRole} />
            </label>
            <button type="submit" className={`${buttonClass} sm:col-span-2`} disabled={busy}>
              保存
            </button>
          </Form>
        </section>
      ) : null}

      {certificates ? (
        <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="certificates-heading">
          <h2 id="certificates-heading" className="mb-2 font-bold">
            学时证明
          </h2>
          <Form method="post" action="/hours/certificates/issue" className="mb-3 flex gap-2">
            <input type="hidden" name="personId" value={p.id} />
            <select name="year" aria-label="年度" className={`${inputClass} w-auto`} defaultValue={certificates.currentYear}>
              {[0, 1, 2, 3, 4].map((back) => (
                <option key={back} value={certificates.currentYear - back}>
                  {certificates.currentYear - back} 年
                </option>
              ))}
            </select>
            <button type="submit" className={secondaryButtonClass}>
              开具学时证明
            </button>
          </Form>
          <CertificateList certificates={certificates.list} />
        </section>
      ) : null}

      {can.grant ? (
        <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="grants-heading">
          <h2 id="grants-heading" className="mb-2 font-bold">
            角色授权
          </h2>
          <ul className="mb-3 space-y-1 text-sm">
            {p.grants.length === 0 ? <li className="text-stone-500">仅学员权限</li> : null}
            {p.grants.map((g) => (
              <li key={g.id} className="flex items-center gap-2">
                {ROLE_LABELS[g.role]} · {g.unitName}
                <Form method="post">
                  <input type="hidden" name="grantId" value={g.id} />
                  <button name="intent" value="grant-remove" className="text-xs text-party underline">
                    撤销
                  </button>
                </Form>
              </li>
            ))}
          </ul>
          <Form method="post" className="grid gap-2 sm:grid-cols-3">
            <input type="hidden" name="intent" value="grant-add" />
            <select name="role" aria-label="角色" className={inputClass}>
              {(["trainer", "secretary", "admin"] as const).map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
            <select name="unitId" aria-label="授权范围" className={inputClass}>
              {unitOptions}
            </select>
            <button type="submit" className={secondaryButtonClass}>
              授予
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}

/** A code shown once, right after it was issued: to read out, or to print this page for the person. */
function IssuedActivation({ code, link, qr, expiresAt }: { code: string; link: string; qr: string; expiresAt: string }) {
  return (
    <div className="mb-3 flex items-center gap-3 rounded bg-amber-50 px-3 py-2 text-sm" role="status">
      <div className="min-w-0 flex-1 space-y-1">
        <p>
          激活码：
          <code className="font-mono text-base tracking-wider" data-testid="activation-code">
            {code}
          </code>
        </p>
        <p className="text-stone-600">有效期至 {expiresAt}，仅限本人使用一次。仅显示这一次，请当面或通过安全渠道交给本人。</p>
        <p className="break-all font-mono text-xs text-stone-500" data-testid="activation-link">
          {link}
        </p>
      </div>
      <img src={qr} alt="扫码激活账号" className="h-24 w-24 shrink-0" width={96} height={96} />
    </div>
  );
}
