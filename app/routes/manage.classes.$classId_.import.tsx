import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireClassOrganiser } from "~/.server/classes/access";
import { classHeader } from "~/.server/classes/classes";
import { MAX_CLASS_UPLOAD_BYTES, confirmClassImport, dryRunClassImport } from "~/.server/classes/enrolment-import";
import { importAction } from "~/.server/import/import-action";
import { ImportForm, ImportHeading, ImportReport, ImportSteps } from "~/components/import/import-page";
import { Notice } from "~/components/ui/form";
import { CLASS_IMPORT_COLUMNS, CLASS_IMPORT_PROBLEMS_SHOWN, MAX_CLASS_IMPORT_ROWS, isCleanClassImport } from "~/lib/class-import";
import { CLASS_KIND_LABELS } from "~/lib/classes";
import { HIDDEN_ROWS_CHOICE, importFormSchema } from "~/lib/import-form";
import { pageMeta } from "~/lib/page-meta";

// A class's students imported from a list of student/staff numbers (the shared import page: dry run,
// then the confirmation of the same file, every row or none). /manage/classes/:classId/import

export const meta: MetaFunction<typeof loader> = ({ data: d }) => pageMeta(`导入学员 · ${d?.cls.title ?? "培训班"} · 网上党校`);

const ImportSchema = importFormSchema(HIDDEN_ROWS_CHOICE);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { scope } = await requireClassOrganiser(request, params.classId);
  const cls = (await classHeader(scope.id))!;
  return { cls: { id: cls.id, title: cls.title, kind: cls.kind }, maxMegabytes: MAX_CLASS_UPLOAD_BYTES / 1024 / 1024, maxRows: MAX_CLASS_IMPORT_ROWS };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, scope } = await requireClassOrganiser(request, params.classId);
  return importAction(request, {
    schema: ImportSchema,
    maxFileBytes: MAX_CLASS_UPLOAD_BYTES,
    choiceFields: ["hidden"],
    dryRun: (upload, { hidden }) => dryRunClassImport(user.id, scope.id, upload, hidden),
    confirm: (upload, expectedHash, { hidden }) => confirmClassImport(user.id, scope.id, upload, expectedHash, hidden),
  });
}

export default function ClassImportPage() {
  const { cls, maxMegabytes, maxRows } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const report = reply?.report ?? null;
  const clean = report !== null && reply?.intent === "dryRun" && isCleanClassImport(report);
  return (
    <div className="max-w-5xl">
      <ImportHeading title={`导入学员：${cls.title}`} back={{ to: `/manage/classes/${cls.id}`, label: "返回培训班" }} />
      <ImportSteps
        template={<>准备一个表格，第一行为列名“学号/工号”（可加一列“姓名”用于核对），从第二行起每行一人。</>}
        what="名单中的所有人员"
        after={<>本班为{CLASS_KIND_LABELS[cls.kind]}：名单中的人员须在面向的党组织内、处于相应发展阶段，且尚未加入本班。</>}
        limits={`支持 .xlsx 和 .csv（UTF-8 或 GBK 编码），单个文件不超过 ${maxMegabytes} MB，最多 ${maxRows} 人。`}
        columns={CLASS_IMPORT_COLUMNS}
      />
      {reply?.done ? (
        <Notice>
          已录取 {reply.done.imported} 人。
          <Link to={`/manage/classes/${cls.id}`} className="ml-2 underline">
            查看培训班
          </Link>
        </Notice>
      ) : null}
      <ImportForm
        schema={ImportSchema}
        lastResult={reply?.result}
        report={report}
        clean={clean}
        importedKey={reply?.done ? `imported-${reply.done.imported}` : "import"}
        rowWord="人"
        confirmWord="人"
      />
      {report ? (
        <ImportReport
          report={report}
          clean={clean}
          shown={CLASS_IMPORT_PROBLEMS_SHOWN}
          noteColumns={[{ label: "学号/工号", cell: (r) => r.number, mono: true }]}
          problemColumns={[
            { label: "学号/工号", cell: (r) => r.number, mono: true },
            { label: "姓名", cell: (r) => r.name },
          ]}
          breakdown={`共 ${report.total} 人`}
          previewWord="人"
          previewHeaders={["行号", "学号/工号", "姓名", "所在党组织"]}
          previewCells={(r) => (
            <>
              <td className="px-2 py-1 font-mono">{r.rowNumber}</td>
              <td className="px-2 py-1 font-mono">{r.number}</td>
              <td className="px-2 py-1">{r.name}</td>
              <td className="px-2 py-1">{r.unitName}</td>
            </>
          )}
        />
      ) : null}
    </div>
  );
}
