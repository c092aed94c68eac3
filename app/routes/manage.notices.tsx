import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { archiveNotice, noticeUnitId, noticesOfUnits, postNotice } from "~/.server/notices/notices";
import { unitsUnder } from "~/.server/org/units";
import { FormMessage, Notice, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/form";
import { UnitOptions } from "~/components/ui/options";
import { formatDate } from "~/lib/dates";
import { scopePaths } from "~/lib/permissions";
import { readForm } from "~/.server/http/form-body";
import { isAppError } from "~/lib/app-error";

export const meta: MetaFunction = () => [{ title: "通知公告 · 网上党校" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "notices:post");
  const units = await unitsUnder(scopePaths(user.grants, "notices:post"));
  const notices = await noticesOfUnits(units.map((u) => u.id));
  return {
    units: units.map((u) => ({ id: u.id, name: u.name, depth: u.depth })),
    notices: notices.map((n) => ({ ...n, publishedAt: formatDate(n.publishedAt) })),
  };
}

const ActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("post"),
    unitId: z.coerce.number().int().positive(),
    title: z.string().trim().min(1, "请填写标题").max(100, "标题最多 100 字"),
    body: z.string().trim().min(1, "请填写正文").max(5000, "正文最多 5000 字"),
    pinned: z.preprocess((v) => v === "on", z.boolean()),
  }),
  z.object({ intent: z.literal("archive"), noticeId: z.coerce.number().int().positive() }),
]);

export async function action({ request }: ActionFunctionArgs) {
  // Authorise before reading the input; the unit named in the form is checked below.
  await requirePermission(request, "notices:post");
  const parsed = ActionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return data({ ok: false as const, errors: parsed.error.issues.map((i) => i.message) }, { status: 400 });
  const input = parsed.data;
  if (input.intent === "post") {
    const user = await requirePermission(request, "notices:post", input.unitId);
    try {
      await postNotice(user.id, { unitId: input.unitId, title: input.title, body: input.body, pinned: input.pinned });
    } catch (e) {
      if (isAppError(e)) return data({ ok: false as const, errors: [e.message] }, { status: 400 });
      throw e;
    }
    return { ok: true as const, message: "通知已发布" };
  }
  const unitId = await noticeUnitId(input.noticeId);
  if (unitId === null) throw new Response("通知不存在", { status: 404 });
  const user = await requirePermission(request, "notices:post", unitId);
  await archiveNotice(user.id, input.noticeId);
  return { ok: true as const, message: "通知已撤下" };
}

export default function NoticesPage() {
  const { units, notices } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-bold">通知公告</h1>
      <Form method="post" className="space-y-2 rounded-lg bg-white p-4 shadow">
        <h2 className="font-bold">发布通知</h2>
        {reply?.ok ? <Notice>{reply.message}</Notice> : null}
        {reply && !reply.ok ? <FormMessage messages={reply.errors} /> : null}
        <input type="hidden" name="intent" value="post" />
        <select name="unitId" aria-label="发布范围" className={inputClass}>
          <UnitOptions units={units} />
        </select>
        <input name="title" placeholder="标题" aria-label="标题" className={inputClass} maxLength={100} required />
        <textarea name="body" placeholder="正文" aria-label="正文" rows={5} className={inputClass} maxLength={5000} required />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="pinned" /> 置顶
        </label>
        <button type="submit" className={buttonClass}>
          发布
        </button>
        <p className="text-xs text-stone-500">通知对所选党组织及其下级组织的全体人员可见。</p>
      </Form>
      <ul className="space-y-2">
        {notices.map((n) => (
          <li key={n.id} className="flex items-start gap-2 rounded-lg bg-white p-3 shadow">
            <div className="flex-1">
              <p className="font-semibold">
                {n.pinned ? <span className="mr-1 rounded bg-party px-1.5 py-0.5 text-xs text-white">置顶</span> : null}
                {n.title}
              </p>
              <p className="text-xs text-stone-500">
                {n.unit.name} · {n.author.name} · {n.publishedAt}
              </p>
            </div>
            <Form method="post">
              <input type="hidden" name="noticeId" value={n.id} />
              <button name="intent" value="archive" className={secondaryButtonClass}>
                撤下
              </button>
            </Form>
          </li>
        ))}
      </ul>
    </div>
  );
}
