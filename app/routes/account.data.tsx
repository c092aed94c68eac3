import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { type Cell, personalData } from "~/.server/account/personal-data";
import { requireUser } from "~/.server/auth/guard";
import { buttonClass } from "~/components/ui/form";
import { ScrollTable } from "~/components/ui/scroll-table";
import { pageMeta } from "~/lib/page-meta";

// Everything the system holds about the signed-in person, by category, and the download of it
// (/account/data.json, audited). Decision 033. /account/data

export const meta: MetaFunction = () => pageMeta("我的个人信息 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return personalData(user.id, user.sessionId);
}

const cellText = (v: Cell) => (v === null || v === "" ? "—" : v === true ? "是" : v === false ? "否" : String(v));

export default function MyData() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <header className="space-y-2 rounded-lg bg-white p-4 shadow">
        <h1 className="text-xl font-bold">我的个人信息</h1>
        <p className="text-sm text-stone-600">
          这里列出本系统保存的关于您（{data.person.name}）的全部信息，截至 {data.exportedAt}。不包括密码、登录凭据、题目的标准答案和其他人的个人信息。
          为什么保存、保存多久、谁能看到，见
          <Link to="/privacy" className="text-party underline">
            隐私说明
          </Link>
          。
        </p>
        <p>
          {/* A plain link: the file is a download, not a page of the app. */}
          <a href="/account/data.json" className={`${buttonClass} inline-block`} download>
            下载全部信息（JSON）
          </a>
        </p>
        <p className="text-xs text-stone-500">下载会记入操作记录。</p>
      </header>
      {data.sections.map((s) => {
        const columns = [...new Set(s.rows.flatMap((r) => Object.keys(r)))];
        return (
          <details key={s.id} open={s.id === "profile"} className="rounded-lg bg-white p-4 shadow" data-testid={`data-${s.id}`}>
            <summary className="cursor-pointer font-semibold">
              {s.title}（{s.rows.length}）
            </summary>
            {s.note ? <p className="mt-1 text-xs text-stone-500">{s.note}</p> : null}
            {s.rows.length === 0 ? (
              <p className="mt-2 text-sm text-stone-500">没有记录。</p>
            ) : (
              <ScrollTable label={s.title} className="mt-2">
                <table className="w-full text-left text-xs">
                  <thead className="bg-stone-100">
                    <tr>
                      {columns.map((c) => (
                        <th key={c} className="whitespace-nowrap px-2 py-1">
                          {c}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {s.rows.map((r, i) => (
                      <tr key={i} className="border-t border-stone-100 align-top">
                        {columns.map((c) => (
                          <td key={c} className="px-2 py-1">
                            {cellText(r[c] ?? null)}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollTable>
            )}
          </details>
        );
      })}
    </div>
  );
}
