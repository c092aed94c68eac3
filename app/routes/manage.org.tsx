import { type SubmissionResult, getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { audit } from "~/.server/audit";
import { type CurrentUser, can, requirePermission } from "~/.server/auth/guard";
import {
  allowedChildKinds,
  archiveUnit,
  createUnit,
  getUnit,
  mayChangeUnit,
  moveTargets,
  moveUnit,
  peopleCountsBySubtree,
  renameUnit,
  unitsUnder,
} from "~/.server/org/units";
import { Field, FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { scopePaths } from "~/lib/permissions";
import { BRANCH_TYPES, BRANCH_TYPE_LABELS, UNIT_KINDS, UNIT_KIND_LABELS } from "~/lib/vocabulary";
import { BranchTypeSchema, UnitKindSchema } from "~/lib/vocabulary-fields";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { searchParamsOf } from "~/.server/http/request-params";
import { pageMeta } from "~/lib/page-meta";

// The organisation tree: committee → college → branch → group, and temporary units. Viewing takes
// `org:view`; every change takes `org:manage` and goes through the org domain, which audits it.
// One unit at a time is "selected" (?unit=) and shows its forms, so a tree of hundreds of branches
// does not carry hundreds of forms and move lists.

export const meta: MetaFunction = () => pageMeta("组织架构 · 网上党校");

function kindLabel(kind: string, branchType: string | null): string {
  const branch = BranchTypeSchema.safeParse(branchType);
  if (kind === "branch" && branch.success) return BRANCH_TYPE_LABELS[branch.data];
  const unitKind = UnitKindSchema.safeParse(kind);
  return unitKind.success ? UNIT_KIND_LABELS[unitKind.data] : kind;
}

const QuerySchema = z.object({
  unit: z.coerce.number().int().positive().optional(),
  archived: z.literal("1").optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "org:view");
  const query = searchParamsOf(request, QuerySchema);
  const showArchived = query.archived === "1";
  const selectedId = query.unit;
  // Selecting a unit narrows the page, never widens it: the guard refuses (and logs) one outside the scope.
  if (selectedId !== undefined) await requirePermission(request, "org:view", selectedId);
  const scope = scopePaths(user.grants, "org:view");
  const [units, counts, selected] = await Promise.all([
    unitsUnder(scope, { includeArchived: showArchived }),
    peopleCountsBySubtree(scope),
    selectedId === undefined ? null : selectedUnit(user, selectedId),
  ]);
  return {
    showArchived,
    units: units.map((u) => ({
      id: u.id,
      name: u.name,
      kindLabel: kindLabel(u.kind, u.branchType),
      parentId: u.parentId,
      archived: u.archivedAt !== null,
      people: counts.get(u.id) ?? 0,
    })),
    selected: selected && { ...selected, people: counts.get(selected.id) ?? 0 },
  };
}

/** What the panel of the selected unit needs: which forms to show, and the choices they offer. */
async function selectedUnit(user: CurrentUser, id: number) {
  const unit = (await getUnit(id))!;
  const archived = unit.archivedAt !== null;
  const isRoot = unit.parentId === null;
  const childKinds = !archived && can(user, "org:manage", unit.path) ? allowedChildKinds(unit.kind) : [];
  const mayChange = !archived && mayChangeUnit(user.grants, unit);
  const [parent, targets] = await Promise.all([
    unit.parentId === null ? null : getUnit(unit.parentId),
    mayChange && !isRoot ? moveTargets(unit, scopePaths(user.grants, "org:manage")) : [],
  ]);
  const minDepth = Math.min(...targets.map((t) => t.depth));
  return {
    id: unit.id,
    name: unit.name,
    parentId: unit.parentId,
    kindLabel: kindLabel(unit.kind, unit.branchType),
    parentName: parent?.name ?? null,
    archived,
    childKinds: childKinds.map((k) => ({ value: k, label: UNIT_KIND_LABELS[k] })),
    canRename: mayChange,
    // The root never moves or closes; the domain refuses it too, the page just does not offer it.
    canMove: mayChange && !isRoot,
    canArchive: mayChange && !isRoot,
    moveTargets: targets.map((t) => ({ id: t.id, name: t.name, kindLabel: kindLabel(t.kind, t.branchType), indent: t.depth - minDepth })),
  };
}

const unitName = z.string({ error: "请填写组织名称" }).trim().min(1, "请填写组织名称").max(50, "组织名称最多 50 个字");
const unitRef = (message: string) => z.number({ error: message }).int(message).positive(message);

const CreateSchema = z
  .object({
    intent: z.literal("create"),
    parentId: unitRef("请选择上级组织"),
    name: unitName,
    kind: z.enum(UNIT_KINDS, { error: "请选择组织类型" }),
    branchType: z.enum(BRANCH_TYPES, { error: "请选择党支部类型" }).optional(),
  })
  .refine((v) => v.kind !== "branch" || v.branchType !== undefined, { message: "请选择党支部类型", path: ["branchType"] });
const RenameSchema = z.object({ intent: z.literal("rename"), unitId: unitRef("请选择组织"), name: unitName });
const MoveSchema = z.object({ intent: z.literal("move"), unitId: unitRef("请选择组织"), targetId: unitRef("请选择新的上级组织") });
const ArchiveSchema = z.object({ intent: z.literal("archive"), unitId: unitRef("请选择组织") });
const ActionSchema = z.discriminatedUnion("intent", [CreateSchema, RenameSchema, MoveSchema, ArchiveSchema], { error: "未知的操作" });

type Intent = z.infer<typeof ActionSchema>["intent"];
type ActionReply = { intent: string | null; result: SubmissionResult<string[]>; message?: string };

export async function action({ request }: ActionFunctionArgs) {
  // Someone with no right to change any unit is refused before the input is read.
  await requirePermission(request, "org:manage");
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: ActionSchema });
  const postedIntent = formData.get("intent");
  const intent = typeof postedIntent === "string" ? postedIntent : null;
  if (submission.status !== "success") {
    return data<ActionReply>({ intent, result: submission.reply() }, { status: 400 });
  }
  const invalid = (message: string) => data<ActionReply>({ intent, result: submission.reply({ formErrors: [message] }) }, { status: 400 });
  const done = (message: string) => data<ActionReply>({ intent, result: submission.reply({ resetForm: true }), message });
  const input = submission.value;
  try {
    switch (input.intent) {
      case "create": {
        const user = await requirePermission(request, "org:manage", input.parentId);
        const unit = await createUnit(user.id, { parentId: input.parentId, name: input.name, kind: input.kind, branchType: input.branchType ?? null });
        return done(`已新建“${unit.name}”`);
      }
      case "rename": {
        const { user, unit } = await requireChangeRight(request, input.unitId);
        if (unit.archivedAt) return invalid("该组织已撤销，不能再修改");
        await renameUnit(user.id, unit.id, input.name);
        return done(`已更名为“${input.name}”`);
      }
      case "move": {
        const { user, unit } = await requireChangeRight(request, input.unitId);
        // The destination must be within the caller's reach as well as the unit itself.
        await requirePermission(request, "org:manage", input.targetId);
        if (unit.archivedAt) return invalid("该组织已撤销，不能再修改");
        await moveUnit(user.id, unit.id, input.targetId);
        return done(`已将“${unit.name}”移至新的上级组织`);
      }
      case "archive": {
        const { user, unit } = await requireChangeRight(request, input.unitId);
        if (unit.archivedAt) return invalid("该组织已撤销");
        await archiveUnit(user.id, unit.id);
        return done(`已撤销“${unit.name}”及其下级组织`);
      }
    }
  } catch (e) {
    return formRefusal<Omit<ActionReply, "result">>(submission, e, { intent });
  }
}

/**
 * Rename, move and archive take `org:manage` over the unit's parent (see `mayChangeUnit`). An
 * unknown id is refused exactly like one outside the scope, so probing ids tells nothing.
 */
async function requireChangeRight(request: Request, unitId: number) {
  const unit = await getUnit(unitId);
  const user = await requirePermission(request, "org:manage", unit ? (unit.parentId ?? unit.id) : unitId);
  if (!unit || !mayChangeUnit(user.grants, unit)) {
    // Only reached for the root by someone other than an admin granted on it; logged as the guard logs.
    await audit({
      actorId: user.id,
      action: "access.denied",
      targetKind: "route",
      targetId: new URL(request.url).pathname,
      detail: { permission: "org:manage", target: `unit:${unitId}`, method: request.method },
    });
    throw new Response("没有权限访问此页面", { status: 403, statusText: "Forbidden" });
  }
  return { user, unit };
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type TreeUnit = LoaderData["units"][number];
type Selected = NonNullable<LoaderData["selected"]>;

export default function OrgPage() {
  const { units, showArchived, selected } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const visible = new Set(units.map((u) => u.id));
  const childrenOf = new Map<number | null, TreeUnit[]>();
  for (const u of units) {
    const key = u.parentId !== null && visible.has(u.parentId) ? u.parentId : null;
    childrenOf.set(key, [...(childrenOf.get(key) ?? []), u]);
  }
  // Ancestors of the selected unit stay open so its panel is in view.
  const openIds = new Set<number>();
  const byId = new Map(units.map((u) => [u.id, u]));
  for (let u = selected ? byId.get(selected.id) : undefined; u; u = u.parentId === null ? undefined : byId.get(u.parentId)) openIds.add(u.id);
  const toggle = new URLSearchParams(params);
  if (showArchived) toggle.delete("archived");
  else toggle.set("archived", "1");
  const panelInTree = selected !== null && visible.has(selected.id);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-xl font-bold">组织架构</h1>
        <span className="text-sm text-stone-500">共 {units.length} 个党组织</span>
        <Link to={`?${toggle}`} className={`${secondaryButtonClass} ml-auto`} preventScrollReset>
          {showArchived ? "隐藏已撤销的组织" : "显示已撤销的组织"}
        </Link>
      </div>
      <p className="text-sm text-stone-600">点击组织名称可新建下级组织、更名、调整上级组织或撤销。人数为该组织及其下级组织的在册人数。</p>
      {selected && !panelInTree ? <UnitPanel key={panelKey(selected)} unit={selected} /> : null}
      {units.length === 0 ? (
        <p className="rounded-lg bg-white p-4 text-sm text-stone-500 shadow">暂无党组织。</p>
      ) : (
        <ul className="rounded-lg bg-white p-3 shadow" data-testid="unit-tree">
          {(childrenOf.get(null) ?? []).map((u) => (
            <UnitBranch key={u.id} unit={u} childrenOf={childrenOf} level={0} openIds={openIds} selected={selected} />
          ))}
        </ul>
      )}
    </div>
  );
}

function panelKey(s: Selected) {
  // Remount the forms after a change so their defaults (the name, the choices) are the new ones.
  return `${s.id}:${s.name}:${s.parentId}:${s.archived}`;
}

function UnitBranch({
  unit,
  childrenOf,
  level,
  openIds,
  selected,
}: {
  unit: TreeUnit;
  childrenOf: Map<number | null, TreeUnit[]>;
  level: number;
  openIds: Set<number>;
  selected: Selected | null;
}) {
  const kids = childrenOf.get(unit.id) ?? [];
  const isSelected = selected?.id === unit.id;
  const row = <UnitRow unit={unit} isSelected={isSelected} />;
  // A new child changes the key too, so the create form starts blank again after a success.
  const panel = isSelected ? <UnitPanel key={`${panelKey(selected)}:${kids.length}`} unit={selected} /> : null;
  if (kids.length === 0) {
    return (
      <li className="py-0.5 pl-5">
        {row}
        {panel}
      </li>
    );
  }
  // The row's link stays out of the <summary>: a link inside the disclosure button is an interactive
  // element inside another (axe: nested-interactive). The summary is the triangle alone, laid over the
  // row's start, and named for what it opens.
  return (
    <li className="relative py-0.5 pl-5">
      {row}
      {panel}
      <details open={level === 0 || openIds.has(unit.id)} className="group">
        <summary className="absolute top-0.5 left-0 flex h-6 w-5 cursor-pointer list-none items-center justify-center text-stone-500 [&::-webkit-details-marker]:hidden">
          <span aria-hidden="true" className="inline-block transition-transform group-open:rotate-90">
            ▸
          </span>
          <span className="sr-only">{`${unit.name}的下级组织（${kids.length}）`}</span>
        </summary>
        <ul className="ml-2 border-l border-stone-200 pl-3 sm:ml-4">
          {kids.map((k) => (
            <UnitBranch key={k.id} unit={k} childrenOf={childrenOf} level={level + 1} openIds={openIds} selected={selected} />
          ))}
        </ul>
      </details>
    </li>
  );
}

function UnitRow({ unit, isSelected }: { unit: TreeUnit; isSelected: boolean }) {
  const [params] = useSearchParams();
  const next = new URLSearchParams(params);
  next.set("unit", String(unit.id));
  return (
    <span className="inline-flex flex-wrap items-baseline gap-x-2" data-testid="unit-row" data-unit-id={unit.id} data-people={unit.people}>
      <Link
        to={{ search: `?${next}`, hash: "unit-panel" }}
        preventScrollReset
        aria-current={isSelected ? "true" : undefined}
        className={`font-medium hover:underline ${unit.archived ? "text-stone-500 line-through" : "text-party"} ${isSelected ? "underline" : ""}`}
      >
        {unit.name}
      </Link>
      <span className="rounded bg-stone-100 px-1.5 text-xs text-stone-600">{unit.kindLabel}</span>
      <span className="text-xs text-stone-500">{unit.people} 人</span>
      {unit.archived ? <span className="text-xs text-red-700">已撤销</span> : null}
    </span>
  );
}

// A field's error clears as the person types, not when it loses focus: clearing it on blur moves
// the submit button between mousedown and mouseup, and that click is lost.
const VALIDATE_WHEN = { shouldValidate: "onBlur", shouldRevalidate: "onInput" } as const;

function UnitPanel({ unit }: { unit: Selected }) {
  const reply = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const resultFor = (intent: Intent) => (reply?.intent === intent ? reply.result : undefined);

  const [createForm, createFields] = useForm({
    id: `create-${unit.id}`,
    lastResult: resultFor("create"),
    defaultValue: { kind: unit.childKinds[0]?.value },
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateSchema }),
  });
  const [renameForm, renameFields] = useForm({
    id: `rename-${unit.id}`,
    lastResult: resultFor("rename"),
    defaultValue: { name: unit.name },
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RenameSchema }),
  });
  const [moveForm, moveFields] = useForm({
    id: `move-${unit.id}`,
    lastResult: resultFor("move"),
    ...VALIDATE_WHEN,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MoveSchema }),
  });
  const [archiveForm] = useForm({
    id: `archive-${unit.id}`,
    lastResult: resultFor("archive"),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ArchiveSchema }),
  });
  const nothingToDo = unit.childKinds.length === 0 && !unit.canRename && !unit.canMove && !unit.canArchive;

  return (
    <section id="unit-panel" className="my-2 space-y-4 rounded-lg border border-stone-200 bg-stone-50 p-3 sm:p-4" aria-labelledby="unit-panel-heading">
      <div>
        <h2 id="unit-panel-heading" className="font-bold">
          {unit.name}
          <span className="ml-2 text-sm font-normal text-stone-500">
            {unit.kindLabel} · {unit.people} 人{unit.parentName ? ` · 上级：${unit.parentName}` : ""}
          </span>
        </h2>
        {reply?.message ? <Notice>{reply.message}</Notice> : null}
        {unit.archived ? <p className="text-sm text-red-700">该组织已撤销。</p> : null}
        {nothingToDo && !unit.archived ? <p className="text-sm text-stone-500">您可以查看该组织，但没有调整它的权限。</p> : null}
      </div>

      {unit.childKinds.length > 0 ? (
        <Form method="post" {...getFormProps(createForm)} className="space-y-2">
          <h3 className="text-sm font-bold">新建下级组织</h3>
          <FormMessage messages={createForm.errors} />
          <input type="hidden" name="intent" value="create" />
          <input type="hidden" name="parentId" value={unit.id} />
          <div className="grid gap-x-2 sm:grid-cols-3">
            <Field label="名称" htmlFor={createFields.name.id} errors={createFields.name.errors} errorId={createFields.name.errorId}>
              <input {...getInputProps(createFields.name, { type: "text" })} maxLength={50} className={inputClass} />
            </Field>
            <Field label="类型" htmlFor={createFields.kind.id} errors={createFields.kind.errors} errorId={createFields.kind.errorId}>
              <select {...getSelectProps(createFields.kind)} className={inputClass}>
                {unit.childKinds.map((k) => (
                  <option key={k.value} value={k.value}>
                    {k.label}
                  </option>
                ))}
              </select>
            </Field>
            {unit.childKinds.some((k) => k.value === "branch") ? (
              <Field
                label="党支部类型（仅新建党支部时选择）"
                htmlFor={createFields.branchType.id}
                errors={createFields.branchType.errors}
                errorId={createFields.branchType.errorId}
              >
                <select {...getSelectProps(createFields.branchType)} className={inputClass}>
                  <option value="">—</option>
                  {BRANCH_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {BRANCH_TYPE_LABELS[t]}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
          </div>
          <button type="submit" className={buttonClass} disabled={busy}>
            新建
          </button>
        </Form>
      ) : null}

      {unit.canRename ? (
        <Form method="post" {...getFormProps(renameForm)} className="space-y-2">
          <h3 className="text-sm font-bold">更名</h3>
          <FormMessage messages={renameForm.errors} />
          <input type="hidden" name="intent" value="rename" />
          <input type="hidden" name="unitId" value={unit.id} />
          <Field label="新名称" htmlFor={renameFields.name.id} errors={renameFields.name.errors} errorId={renameFields.name.errorId}>
            <input {...getInputProps(renameFields.name, { type: "text" })} maxLength={50} className={inputClass} />
          </Field>
          <button type="submit" className={secondaryButtonClass} disabled={busy}>
            保存名称
          </button>
        </Form>
      ) : null}

      {unit.canMove ? (
        <Form method="post" {...getFormProps(moveForm)} className="space-y-2">
          <h3 className="text-sm font-bold">调整上级组织</h3>
          <FormMessage messages={moveForm.errors} />
          <input type="hidden" name="intent" value="move" />
          <input type="hidden" name="unitId" value={unit.id} />
          {unit.moveTargets.length === 0 ? (
            <p className="text-sm text-stone-500">在您的管理范围内没有可以接收该组织的上级组织。</p>
          ) : (
            <>
              <Field label="新的上级组织" htmlFor={moveFields.targetId.id} errors={moveFields.targetId.errors} errorId={moveFields.targetId.errorId}>
                <select {...getSelectProps(moveFields.targetId)} className={inputClass}>
                  <option value="">请选择</option>
                  {unit.moveTargets.map((t) => (
                    <option key={t.id} value={t.id}>
                      {"　".repeat(t.indent)}
                      {t.name}（{t.kindLabel}）
                    </option>
                  ))}
                </select>
              </Field>
              <p className="text-xs text-stone-500">下级组织随之一并移动。</p>
              <button type="submit" className={secondaryButtonClass} disabled={busy}>
                移动
              </button>
            </>
          )}
        </Form>
      ) : null}

      {unit.canArchive ? (
        <details open={archiveForm.errors !== undefined && archiveForm.errors.length > 0}>
          <summary className="cursor-pointer text-sm font-bold text-red-800">撤销该组织</summary>
          <Form method="post" {...getFormProps(archiveForm)} className="mt-2 space-y-2">
            <FormMessage messages={archiveForm.errors} />
            <input type="hidden" name="intent" value="archive" />
            <input type="hidden" name="unitId" value={unit.id} />
            <p className="text-sm text-stone-700">撤销后，该组织及其全部下级组织不再显示，授权随之失效。组织内仍有在册人员时不能撤销，请先将人员转出。</p>
            <button
              type="submit"
              className="inline-flex items-center justify-center rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60"
              disabled={busy}
            >
              确认撤销
            </button>
          </Form>
        </details>
      ) : null}
    </section>
  );
}
