import { parseWithZod } from "~/lib/zod-form";
import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { BATCH_LIMITS, IssueBatchSchema, issueForUnit } from "~/.server/auth/activation";
import { activationWorkbook } from "~/.server/auth/activation-sheet";
import { requirePermission } from "~/.server/auth/guard";
import { downloadResponse } from "~/.server/http/download";
import { getUnit } from "~/.server/org/units";
import { readForm } from "~/.server/http/form-body";
import { isAppError } from "~/lib/app-error";

// POST /manage/people/activation.xlsx: issues a unit's activation codes and answers with them as a
// workbook for the secretary (decision 030). A refusal goes back to the page with its reason.

export async function loader() {
  return redirect("/manage/people/activation");
}

export async function action({ request }: ActionFunctionArgs) {
  await requirePermission(request, "people:manage");
  const submission = parseWithZod(await readForm(request), { schema: IssueBatchSchema });
  if (submission.status !== "success") return redirect("/manage/people/activation");
  const { unitId, scope } = submission.value;
  const user = await requirePermission(request, "people:manage", unitId);
  const unit = (await getUnit(unitId))!;
  try {
    const batch = await issueForUnit(user, unit, scope, BATCH_LIMITS.xlsx);
    const file = await activationWorkbook(user.id, user.grants, unit, batch, request.url);
    return downloadResponse(file, `activation-${unit.id}.xlsx`);
  } catch (e) {
    // A download has no page to show a form's errors on: the activation page says why, by its reason.
    if (!isAppError(e) || (e.reason !== "empty" && e.reason !== "too_many")) throw e;
    return redirect(`/manage/people/activation?unitId=${unit.id}&error=${e.reason}`);
  }
}
