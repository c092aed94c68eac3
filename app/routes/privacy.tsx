import { type MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { ScrollTable } from "~/components/ui/scroll-table";
import { pageMeta } from "~/lib/page-meta";

// The privacy notice (个人信息保护说明): what is kept, why, for how long and who sees it, as the code
// does it (decision 033). Public: linked from the sign-in page and /account. /privacy

export const meta: MetaFunction = () => pageMeta("隐私说明 · 网上党校");

type Item = { what: string; why: string; howLong: string; who: string };

const ITEMS: Item[] = [
  {
    what: "账号信息：学号/工号、姓名、性别、人员类别、所在党组织、干部级别、支委职务",
    why: "登录、按组织安排学习任务、统计学时",
    howLong: "与账号同在；账号停用后保留，以备学时档案查询",
    who: "本人；所在党组织及上级党组织的书记、组织委员；管理员",
  },
  {
    what: "政治面貌及其变更日期（敏感个人信息）",
    why: "确定适用的学时要求和发展党员各阶段的期限",
    howLong: "长期保存，作为发展党员和学时档案的依据",
    who: "本人；所在党组织及上级党组织的书记、组织委员；管理员。教员在测验统计中只看到遮盖后的“***”",
  },
  {
    what: "手机号",
    why: "组织联系",
    howLong: "与账号同在",
    who: "列表和导出中只显示遮盖后的号码（如 138****5678）；书记、管理员需要时逐人点击查看完整号码，每次查看都记入操作记录",
  },
  {
    what: "身份证号",
    why: "导入名单时只用来核对性别",
    howLong: "不保存：导入完成即丢弃",
    who: "—",
  },
  {
    what: "学习记录：课程学习进度（视频观看区间、阅读时长、随堂题结果）、测验与竞赛的作答和成绩、现场赛答题、组织生活签到、学时申请及证书图片、学时记录、学时证明",
    why: "计算和证明学时，统计组织的学习情况",
    howLong: "长期保存（学时按年度统计，历年记录可查）",
    who: "本人；所在党组织及上级党组织的书记、组织委员和管理员；出题教员看到本单位范围内人员的姓名和测验、竞赛成绩，学号/工号遮盖（如 2024****01）；学时证明的二维码核验页向扫码人显示遮盖后的姓名（如 王*极）和学时数",
  },
  {
    what: "排行榜上的姓名",
    why: "知识竞赛和现场赛的排行榜",
    howLong: "随竞赛记录保存",
    who: "只有本人同意（勾选“在排行榜上显示我的姓名”）时才向其他参赛者和大屏幕显示姓名，否则显示“匿名参赛者”或“参赛者 #编号”；可随时更改",
  },
  {
    what: "课程搜索记录",
    why: "推荐选修课程（只参考最近 10 条）",
    howLong: "保存到本人清除为止；可随时关闭（关闭后不再记录，推荐也不再参考）",
    who: "仅本系统用于推荐，不向他人展示",
  },
  {
    what: "登录会话：登录时间、到期时间",
    why: "保持登录状态",
    howLong: "超过 14 天（或管理员设置的天数）未使用即失效；退出登录、修改密码、账号停用时删除",
    who: "本人",
  },
  {
    what: "操作记录：登录、查看和修改个人信息、导出、审核等操作的时间、操作人和网络地址",
    why: "安全审计，追查越权和泄露",
    howLong: "长期保存",
    who: "校党委的管理员；本人可在“我的个人信息”中看到与自己有关的记录（不显示他人姓名）",
  },
];

export default function PrivacyPage() {
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <section className="space-y-2 rounded-lg bg-white p-4 shadow">
        <h1 className="text-xl font-bold">隐私说明</h1>
        <p className="text-sm text-stone-700">
          网上党校由校党委组织部运行，只为党员教育培训、学时统计和发展党员工作处理个人信息。依照《中华人民共和国个人信息保护法》，下面说明本系统保存哪些个人信息、为什么保存、保存多久、谁能看到。
          政治面貌属于敏感个人信息，只有需要的人才能看到。
        </p>
      </section>
      <section className="rounded-lg bg-white p-4 shadow" aria-labelledby="kept-heading">
        <h2 id="kept-heading" className="mb-2 font-semibold">
          保存的信息
        </h2>
        <ScrollTable label="保存的信息一览表">
          <table className="w-full text-left text-sm">
            <thead className="bg-stone-100">
              <tr>
                <th className="px-2 py-1">信息</th>
                <th className="px-2 py-1">用途</th>
                <th className="px-2 py-1">保存期限</th>
                <th className="px-2 py-1">谁能看到</th>
              </tr>
            </thead>
            <tbody>
              {ITEMS.map((i) => (
                <tr key={i.what} className="border-t border-stone-100 align-top" data-testid="privacy-item">
                  <td className="px-2 py-1">{i.what}</td>
                  <td className="px-2 py-1">{i.why}</td>
                  <td className="px-2 py-1">{i.howLong}</td>
                  <td className="px-2 py-1">{i.who}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      </section>
      <section className="space-y-2 rounded-lg bg-white p-4 text-sm text-stone-700 shadow" aria-labelledby="rights-heading">
        <h2 id="rights-heading" className="font-semibold text-stone-900">
          您的权利
        </h2>
        <ul className="list-disc space-y-1 pl-5">
          <li>
            查看和复制：登录后在
            <Link to="/account/data" className="text-party underline">
              我的个人信息
            </Link>
            中查看本系统保存的关于您的全部信息，并下载一份（下载会记入操作记录）。
          </li>
          <li>更正：信息有误时，请联系所在党支部书记或组织委员更正；政治面貌的每次变更都留有记录。</li>
          <li>课程搜索记录：在“我的账号”或“学习”页关闭或清除。</li>
          <li>排行榜姓名：在竞赛结果页或现场赛手机页勾选或取消。</li>
        </ul>
        <p>本系统不向校外传送个人信息，也不把个人信息用于本说明以外的目的。密码只以不可逆的方式保存，任何人都看不到。</p>
      </section>
    </div>
  );
}
