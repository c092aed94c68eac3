import { type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requirePermission } from "~/.server/auth/guard";
import { buildImportTemplate } from "~/.server/org/people-import-template";

// The import template as a download: /manage/people/import-template/xlsx or …/csv.

const FormatSchema = z.enum(["xlsx", "csv"]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "people:import");
  const format = FormatSchema.safeParse(params.format);
  if (!format.success) throw new Response("模板格式不存在", { status: 404 });
  const template = await buildImportTemplate(user, format.data);
  const ascii = `people-import-template.${format.data}`;
  return new Response(new Uint8Array(template.body), {
    headers: {
      "Content-Type": template.contentType,
      // The template lists the units in the downloader's scope: not for shared caches.
      "Cache-Control": "private, no-store",
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(template.fileName)}`,
    },
  });
}
