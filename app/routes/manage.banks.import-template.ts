import { type LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/.server/auth/guard";
import { buildBankTemplate } from "~/.server/quiz/bank-import";

// The question bank import template: one example row per type and a 填写说明 sheet.

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "banks:manage");
  const file = await buildBankTemplate();
  return new Response(new Uint8Array(file.body), {
    headers: {
      "Content-Type": file.contentType,
      "Cache-Control": "private, no-store",
      "Content-Disposition": `attachment; filename="bank-import-template.xlsx"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    },
  });
}
