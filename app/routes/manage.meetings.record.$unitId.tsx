import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { recordBook } from "~/.server/activities/record-book";
import { requirePermission } from "~/.server/auth/guard";
import { idParam, searchParamsOf } from "~/.server/http/request-params";
import { ACTIVITY_KIND_LABELS, ACTIVITY_STATUS_LABELS, textItems } from "~/lib/activities";
import { formatChinaDateTime } from "~/lib/dates";
import { ledgerYear } from "~/lib/hours";
import { pageMeta } from "~/lib/page-meta";

// 组织生活记录本: a unit's meetings of a year as a printable page (A4, one meeting a page when printed;
// the browser's "print to PDF" makes the file). /manage/meetings/record/:unitId?year=2026

export const meta: MetaFunction<typeof loader> = ({ data }) => pageMeta(`${data?.unitName ?? ""}组织生活记录本 ${data?.year ?? ""}`);

const QuerySchema = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const unitId = idParam(params.unitId, "党组织不存在");
  await requirePermission(request, "activities:manage", unitId);
  const year = searchParamsOf(request, QuerySchema, "年份有误").year ?? ledgerYear(new Date());
  const book = (await recordBook(unitId, year))!;
  return {
    year,
    unitName: book.unit.name,
    meetings: book.meetings.map((m) => ({
      id: m.id,
      title: m.title,
      kind: ACTIVITY_KIND_LABELS[m.kind],
      status: ACTIVITY_STATUS_LABELS[m.status] ?? m.status,
      unitName: m.unit.name,
      time: `${formatChinaDateTime(m.startsAt)} 至 ${formatChinaDateTime(m.endsAt)}`,
      place: m.place,
      agenda: textItems(m.agenda),
      minutes: m.minutes,
      decisions: textItems(m.decisions),
      present: m.present,
      leave: m.leave,
      absent: m.absent,
      madeUp: m.madeUp,
      expected: m.expected,
    })),
  };
}

// Print: A4, only the book (the site's header and navigation hidden), each meeting from a new page.
const PRINT_CSS = `@page { size: A4; margin: 18mm 15mm; }
@media print {
  body * { visibility: hidden; }
  #record-book, #record-book * { visibility: visible; }
  #record-book { position: absolute; left: 0; top: 0; width: 100%; }
  .record-meeting { break-before: page; }
  .no-print { display: none; }
}`;

const names = (list: string[]) => (list.length === 0 ? "无" : list.join("、"));

export default function RecordBook() {
  const { year, unitName, meetings } = useLoaderData<typeof loader>();
  return (
    <div id="record-book" className="mx-auto max-w-3xl space-y-6 bg-white p-6 font-serif text-stone-900">
      <style>{PRINT_CSS}</style>
      <header className="text-center">
        <h1 className="text-2xl font-bold">{unitName}</h1>
        <p className="text-xl">组织生活记录本（{year} 年）</p>
        <p className="mt-2 text-sm text-stone-600">共 {meetings.length} 次会议</p>
        <button type="button" className="no-print mt-2 rounded border px-3 py-1 text-sm" onClick={() => window.print()}>
          打印或另存为 PDF
        </button>
      </header>
      {meetings.length === 0 ? <p className="text-center text-stone-500">本年度没有会议记录。</p> : null}
      {meetings.map((m, i) => (
        <article key={m.id} className="record-meeting space-y-2 border-t border-stone-300 pt-4" data-testid="record-meeting">
          <h2 className="text-lg font-bold">
            {i + 1}. {m.kind}：{m.title}
          </h2>
          <table className="w-full border-collapse text-sm">
            <tbody>
              {[
                ["组织", m.unitName],
                ["时间", m.time],
                ["地点", m.place ?? "未填写"],
                ["状态", m.status],
                [`出席（${m.present.length}/${m.expected}）`, names(m.present)],
                [`请假（${m.leave.length}）`, names(m.leave)],
                [`缺席（${m.absent.length}）`, names(m.absent)],
                ["已补学", names(m.madeUp)],
              ].map(([k, v]) => (
                <tr key={k}>
                  <th className="w-32 border border-stone-300 bg-stone-50 p-1 text-left font-normal">{k}</th>
                  <td className="border border-stone-300 p-1">{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 className="font-semibold">议程</h3>
          {m.agenda.length > 0 ? (
            <ol className="list-decimal pl-6 text-sm">
              {m.agenda.map((a, j) => (
                <li key={j}>{a}</li>
              ))}
            </ol>
          ) : (
            <p className="text-sm text-stone-500">未填写</p>
          )}
          <h3 className="font-semibold">会议纪要</h3>
          <p className="text-sm whitespace-pre-wrap">{m.minutes ?? "未填写"}</p>
          {m.decisions.length > 0 ? (
            <>
              <h3 className="font-semibold">议定事项</h3>
              <ol className="list-decimal pl-6 text-sm">
                {m.decisions.map((d, j) => (
                  <li key={j}>{d}</li>
                ))}
              </ol>
            </>
          ) : null}
        </article>
      ))}
    </div>
  );
}
