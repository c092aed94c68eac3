import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/.server/auth/guard";
import { downloadResponse } from "~/.server/http/download";
import { exportBank } from "~/.server/quiz/bank-import";
import { getBank } from "~/.server/quiz/banks";

// A bank's active questions as an .xlsx in the import layout: /manage/banks/:bankId/export.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const bank = await getBank(Number(params.bankId));
  if (!bank) throw new Response("题库不存在", { status: 404 });
  const user = await requirePermission(request, "banks:manage", bank.unitId);
  return downloadResponse(await exportBank(user.id, bank), `${bank.slug}.xlsx`);
}
