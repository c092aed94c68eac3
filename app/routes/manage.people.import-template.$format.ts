import { type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { downloadResponse } from "~/.server/http/download";
import { buildImportTemplate } from "~/.server/org/people-import-template";

// The import template as a download: /manage/people/import-template/xlsx or …/csv. It lists the units
// in the downloader's scope.

const FormatSchema = z.enum(["xlsx", "csv"]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "people:import");
  const format = FormatSchema.safeParse(params.format);
  if (!format.success) throw new Response("模板格式不存在", { status: 404 });
  return downloadResponse(await buildImportTemplate(user, format.data), `people-import-template.${format.data}`);
}
