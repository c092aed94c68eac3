import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { BATCH_LIMITS, IssueBatchSchema, issueForUnit } from "~/.server/auth/activation";
import { activationSlips } from "~/.server/auth/activation-sheet";
import { requirePermission } from "~/.server/auth/guard";
import { getUnit } from "~/.server/org/units";
import { PrintButton } from "~/components/hours/print-button";
import { FormMessage } from "~/components/ui/form";
import { readForm } from "~/.server/http/form-body";
import { formRefusal } from "~/.server/http/refusal";
import { pageMeta } from "~/lib/page-meta";

// POST /manage/people/activation/sheet: issues a unit's activation codes and answers with the A4
// page of slips to cut apart. The codes exist only in this answer (decision 030); opening the
// address again shows no codes.

export const meta: MetaFunction = () => [...pageMeta("账号激活通知单 · 网上党校"), { name: "robots", content: "noindex" }];

export const headers: HeadersFunction = () => ({ "Cache-Control": "private, no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "people:manage");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "people:manage");
  const submission = parseWithZod(await readForm(request), { schema: IssueBatchSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), sheet: null }, { status: 400 });
  const { unitId, scope } = submission.value;
  const user = await requirePermission(request, "people:manage", unitId);
  const unit = (await getUnit(unitId))!;
  try {
    const batch = await issueForUnit(user, unit, scope, BATCH_LIMITS.print);
    return data(
      { result: submission.reply(), sheet: await activationSlips(user.id, unit, batch, request.url) },
      { headers: { "Cache-Control": "private, no-store" } },
    );
  } catch (e) {
    return formRefusal(submission, e, { sheet: null });
  }
}

export default function ActivationSheetPage() {
  const reply = useActionData<typeof action>();
  const sheet = reply?.sheet ?? null;
  // The form was on the activation page: every message of the refused post shows here, above the slips.
  const errors = Object.values(reply?.result.error ?? {}).flatMap((messages) => messages ?? []);
  return (
    <div className="space-y-3">
      <h1 className="sr-only">激活通知单</h1>
      <div className="flex flex-wrap items-center gap-2 print:hidden">
        <Link to="/manage/people/activation" className="text-sm text-stone-600 hover:underline">
          ← 账号激活
        </Link>
        {sheet ? (
          <span className="ml-auto">
            <PrintButton />
          </span>
        ) : null}
      </div>
      <FormMessage messages={errors} />
      {sheet ? (
        <>
          <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 print:hidden" role="status">
            已为 {sheet.unitName} 的 {sheet.slips.length} 人生成激活码，有效期至 {sheet.expiresAt}
            。激活码只在本页显示这一次，请现在打印，沿虚线裁开后分发给本人。
          </p>
          <div className="grid grid-cols-1 gap-0 bg-white sm:grid-cols-2 print:grid-cols-2" data-testid="activation-sheet">
            {sheet.slips.map((s) => (
              <article
                key={s.personId}
                className="flex break-inside-avoid gap-3 border border-dashed border-stone-400 p-3 text-sm"
                data-testid="activation-slip"
                aria-label={`${s.name}的激活通知`}
              >
                <div className="min-w-0 flex-1 space-y-1">
                  <h2 className="font-bold text-party print:text-black">网上党校账号激活通知</h2>
                  <p>
                    <span className="text-stone-500">姓名：</span>
                    <strong data-testid="slip-name">{s.name}</strong>
                  </p>
                  <p>
                    <span className="text-stone-500">学号/工号：</span>
                    <span className="font-mono">{s.numberMasked}</span>
                  </p>
                  <p className="truncate">
                    <span className="text-stone-500">党组织：</span>
                    {s.unitName}
                  </p>
                  <p>
                    <span className="text-stone-500">激活码：</span>
                    <strong className="font-mono text-base tracking-wider" data-testid="slip-code">
                      {s.code}
                    </strong>
                  </p>
                  <p className="text-xs leading-snug text-stone-600">
                    扫码或访问 {sheet.activateUrl}，输入本人学号/工号和激活码，设置自己的密码。有效期至 {sheet.expiresAt}，仅限本人使用一次，请勿转交他人。
                  </p>
                </div>
                <img src={s.qr} alt="扫码激活账号" className="h-24 w-24 shrink-0 self-center" width={96} height={96} />
              </article>
            ))}
          </div>
        </>
      ) : reply ? null : (
        <p className="rounded-lg bg-white p-4 text-sm text-stone-700 shadow">
          激活码只在生成时显示一次，系统不保存明文。如需重新打印，请回到
          <Link to="/manage/people/activation" className="mx-1 text-party underline">
            账号激活
          </Link>
          重新生成（同一人原来未使用的激活码将作废）。
        </p>
      )}
    </div>
  );
}
