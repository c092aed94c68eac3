import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/.server/auth/guard";
import { downloadResponse } from "~/.server/http/download";
import { buildBankTemplate } from "~/.server/quiz/bank-import";

// The question bank import template: one example row per type and a 填写说明 sheet.

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "banks:manage");
  return downloadResponse(await buildBankTemplate(), "bank-import-template.xlsx");
}
