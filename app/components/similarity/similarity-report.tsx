import { type PassageView, type SimilarityReportView, type SourceView } from "~/lib/similarity/report";

// The similarity report on a tutor's grading view: the score, and each matched passage beside the
// source's (another learner's submission, masked; or a lesson), the matched words marked. Marking is
// not colour alone: a marked passage is also bold and underlined, and screen readers hear where it
// starts and ends. The verdict is a sentence, not a colour.

const percent = (permille: number) => `${Math.round(permille / 10)}%`;

export function SimilarityReport({ report }: { report: SimilarityReportView }) {
  return (
    <section aria-labelledby="similarity-heading" className="space-y-3" data-testid="similarity-report">
      <h2 id="similarity-heading" className="text-lg font-semibold">
        查重结果
      </h2>
      <ReportBody report={report} />
    </section>
  );
}

function ReportBody({ report }: { report: SimilarityReportView }) {
  switch (report.status) {
    case "none":
      return <p className="text-sm text-stone-600">这份作业尚未查重。</p>;
    case "queued":
      return (
        <p role="status" className="text-sm text-stone-700">
          第 {report.version} 次提交正在查重，完成后刷新本页即可看到结果。
        </p>
      );
    case "failed":
      return (
        <p role="alert" className="rounded border border-stone-400 px-3 py-2 text-sm">
          <strong>查重未完成：</strong>
          {report.reason}
        </p>
      );
    case "done":
      return (
        <>
          <p className={`rounded border px-3 py-2 ${report.flagged ? "border-red-700 bg-red-50" : "border-stone-300"}`} data-testid="similarity-score">
            <strong>相似度 {percent(report.permille)}</strong>
            {report.permille >= report.flagAt
              ? `：疑似抄袭，达到 ${percent(report.flagAt)} 的提示线，请对照下面的相似段落判断。`
              : report.flagged
                ? `：疑似抄袭段落，有 ${report.sourceChars} 字与同一来源相似，达到 ${report.flagSourceChars} 字的提示线，请对照下面的相似段落判断。`
                : `：未达到 ${percent(report.flagAt)} 的提示线。`}
            <span className="block text-sm text-stone-600">相似度是本文中与其他作业或课程内容相似的段落所占的比例（第 {report.version} 次提交）。</span>
          </p>
          {report.sources.length === 0 ? (
            <p className="text-sm text-stone-600">没有发现与其他作业或课程内容相似的段落。</p>
          ) : (
            report.sources.map((s, i) => <SourceMatches key={i} source={s} />)
          )}
        </>
      );
  }
}

function SourceMatches({ source }: { source: SourceView }) {
  return (
    <section className="space-y-2" data-testid="similarity-source">
      <h3 className="font-medium">
        {source.label}：相似 {percent(source.permille)}，共 {source.passages.length} 段
      </h3>
      <ol className="space-y-3">
        {source.passages.map((p, i) => (
          <li key={i} className="grid gap-2 md:grid-cols-2">
            <Excerpt caption={`本文 · 第 ${i + 1} 段`} excerpt={p.mine} />
            <Excerpt caption={source.label} excerpt={p.theirs} />
          </li>
        ))}
      </ol>
    </section>
  );
}

function Excerpt({ caption, excerpt }: { caption: string; excerpt: PassageView["mine"] }) {
  return (
    <figure className="rounded border border-stone-300 p-2 text-sm leading-relaxed">
      <figcaption className="mb-1 text-xs text-stone-600">{caption}</figcaption>
      <p className="whitespace-pre-wrap">
        {excerpt.before && <span className="text-stone-500">…{excerpt.before}</span>}
        <span className="sr-only">（相似段落开始）</span>
        <mark className="bg-amber-200 font-semibold underline decoration-2 underline-offset-4">{excerpt.text}</mark>
        <span className="sr-only">（相似段落结束）</span>
        {excerpt.after && <span className="text-stone-500">{excerpt.after}…</span>}
      </p>
    </figure>
  );
}
