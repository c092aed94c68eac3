import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { reindex } from "../app/.server/library/library-index";
import { DOCUMENT_MIME } from "../app/.server/library/file-kind";
import { type Audience, type DocumentKind, statusesText } from "../app/lib/library";
import { termWeights } from "../app/lib/search-terms";
import { type PoliticalStatus } from "../app/lib/vocabulary";
import { all, get, sql } from "../app/.server/sql";
import { sampleDocx, samplePdf, sampleXlsx } from "../scripts/lib/sample-documents";

// The demo's document libraries (decision 050): a handful of real PDF, Word and Excel files in the
// committee's, the computer college's and one branch's library, each audience represented. Files go
// to DATA_DIR/library under fixed names (a second seed rewrites the same files); their text is
// extracted by the server's runner at start, like any upload, and their titles are indexed here.

type Demo = {
  unit: string;
  folder?: string;
  title: string;
  kind: DocumentKind;
  audience: Audience;
  statuses?: PoliticalStatus[];
  by: string;
  daysAgo: number;
  text: string[];
};

const DEMO_DOCUMENTS: Demo[] = [
  {
    unit: "示范大学党委",
    folder: "上级要求",
    title: "关于开展党史学习教育的通知",
    kind: "pdf",
    audience: "public",
    by: "admin",
    daysAgo: 40,
    text: [
      "关于开展党史学习教育的通知",
      "各学院党委、各党支部：",
      "为深入学习党的历史，学校党委决定在全校开展党史学习教育。",
      "请各党支部结合主题党日组织党员学习红色家书。",
    ],
  },
  {
    unit: "示范大学党委",
    folder: "上级要求",
    title: "《中国共产党发展党员工作细则》学习要点",
    kind: "pdf",
    audience: "subtree",
    by: "admin",
    daysAgo: 30,
    text: [
      "发展党员工作细则学习要点",
      "一、入党申请人的确定与谈话",
      "二、入党积极分子的确定和培养教育",
      "三、发展对象的确定和考察",
      "四、预备党员的接收与转正",
    ],
  },
  {
    unit: "示范大学党委",
    title: "2026年党员学习时间安排表",
    kind: "xlsx",
    audience: "public",
    by: "admin",
    daysAgo: 20,
    text: ["月份", "学习内容", "一月", "党章党规", "二月", "系列讲话"],
  },
  {
    unit: "计算机学院党委",
    folder: "学院通知",
    title: "计算机学院入党积极分子培训班课程表",
    kind: "pdf",
    audience: "subtree",
    by: "secretary",
    daysAgo: 12,
    text: ["计算机学院第十二期入党积极分子培训班", "第一讲 党的性质和宗旨", "第二讲 理想信念教育", "第三讲 党的纪律"],
  },
  {
    unit: "计算机学院党委",
    title: "学院党员大会会议纪要",
    kind: "docx",
    audience: "status",
    statuses: ["member", "probationary"],
    by: "secretary",
    daysAgo: 8,
    text: ["计算机学院党员大会会议纪要", "会议传达了学校党委关于组织生活会的部署。", "会议讨论了预备党员转正事宜。"],
  },
  {
    unit: "计算机学院本科生第一党支部",
    title: "支部主题党日活动方案",
    kind: "docx",
    audience: "subtree",
    by: "branchsec",
    daysAgo: 3,
    text: ["本科生第一党支部主题党日活动方案", "活动主题：重温入党誓词", "活动地点：学院报告厅", "参加人员：支部全体党员、发展对象和入党积极分子"],
  },
];

// A year of documents (issue 18): the committee's, four colleges' and a few branches' libraries, one
// a month or so each, of each kind and audience, in the folders a unit keeps. Small real files, so the
// seed stays fast.
const YEAR_UNITS: { unit: string; by: string; folders: string[] }[] = [
  { unit: "示范大学党委", by: "admin", folders: ["上级要求", "学习资料", "表格下载"] },
  { unit: "计算机学院党委", by: "secretary", folders: ["学院通知", "会议纪要", "学习资料"] },
  { unit: "马克思主义学院党委", by: "admin", folders: ["学院通知", "学习资料"] },
  { unit: "机械工程学院党委", by: "admin", folders: ["学院通知", "表格下载"] },
  { unit: "经济管理学院党委", by: "admin", folders: ["学院通知"] },
  { unit: "计算机学院本科生第一党支部", by: "branchsec", folders: ["支部活动", "会议纪要"] },
  { unit: "计算机学院研究生党支部", by: "secretary", folders: ["支部活动"] },
];
const YEAR_TITLES: { title: string; kind: DocumentKind; text: string[] }[] = [
  {
    title: "关于做好年度党员教育培训工作的通知",
    kind: "pdf",
    text: ["党员教育培训工作通知", "全体党员年度集中学习培训一般不少于32学时。", "请各支部按月报送学习情况。"],
  },
  { title: "主题党日活动记录", kind: "docx", text: ["主题党日活动记录", "时间：本月第三周周五下午", "内容：集中学习党章，开展志愿服务。"] },
  { title: "党员学习情况统计表", kind: "xlsx", text: ["姓名", "学时", "张同学", "32", "李同学", "28"] },
  { title: "支部委员会会议纪要", kind: "docx", text: ["支部委员会会议纪要", "会议讨论了入党积极分子培养考察情况。", "会议确定了下月组织生活会议题。"] },
  { title: "入党积极分子培养考察登记表（样表）", kind: "docx", text: ["入党积极分子培养考察登记表", "培养联系人意见：", "支部意见："] },
  { title: "学习贯彻党的二十届三中全会精神辅导材料", kind: "pdf", text: ["学习辅导材料", "一、深刻领会全会的重大意义", "二、准确把握全会的主要内容"] },
  { title: "党费收缴情况表", kind: "xlsx", text: ["月份", "实缴人数", "一月", "45", "二月", "46"] },
  { title: "民主评议党员工作方案", kind: "pdf", text: ["民主评议党员工作方案", "一、学习教育", "二、自我评价", "三、民主测评", "四、组织评定"] },
];
const YEAR_AUDIENCES: { audience: Audience; statuses?: PoliticalStatus[] }[] = [
  { audience: "public" },
  { audience: "subtree" },
  { audience: "status", statuses: ["member", "probationary"] },
  { audience: "subtree" },
];

function yearDocuments(): Demo[] {
  const out: Demo[] = [];
  YEAR_UNITS.forEach((u, i) => {
    const n = u.unit.endsWith("党支部") ? 4 : 6;
    for (let k = 0; k < n; k++) {
      const t = YEAR_TITLES[(i * 3 + k) % YEAR_TITLES.length];
      const month = 12 - Math.floor((k * 12) / n);
      const a = YEAR_AUDIENCES[(i + k) % YEAR_AUDIENCES.length];
      out.push({
        unit: u.unit,
        folder: u.folders[k % u.folders.length],
        title: `${t.title}（第${month}期）`,
        kind: t.kind,
        audience: a.audience,
        statuses: a.statuses,
        by: u.by,
        daysAgo: 15 + Math.floor((k * 350) / n) + i,
        text: t.text,
      });
    }
  });
  return out;
}

export function seedDemoLibrary(db: Database.Database, dataDir: string, now: Date): number {
  const dir = path.join(dataDir, "library");
  fs.mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const [i, d] of [...DEMO_DOCUMENTS, ...yearDocuments()].entries()) {
    const unit = get<{ id: number }>(db, sql`SELECT "id" FROM "OrgUnit" WHERE "name" = ${d.unit}`);
    const by = get<{ id: number }>(db, sql`SELECT "id" FROM "Person" WHERE "number" = ${d.by}`);
    if (!unit || !by) continue;
    let folderId: number | null = null;
    if (d.folder) {
      folderId =
        get<{ id: number }>(db, sql`SELECT "id" FROM "DocFolder" WHERE "unitId" = ${unit.id} AND "name" = ${d.folder}`)?.id ??
        all<{ id: number }>(db, sql`INSERT INTO "DocFolder" ("unitId", "name", "createdAt") VALUES (${unit.id}, ${d.folder}, ${now}) RETURNING "id"`)[0].id;
    }
    const bytes = d.kind === "pdf" ? samplePdf(d.text) : d.kind === "docx" ? sampleDocx(d.text) : sampleXlsx([d.text.slice(0, 2), ...pairs(d.text.slice(2))]);
    const storedPath = `library/demo-${i + 1}.${d.kind}`;
    fs.writeFileSync(path.join(dataDir, storedPath), bytes);
    const createdAt = new Date(now.getTime() - d.daysAgo * 86_400_000);
    const [row] = all<{ id: number }>(
      db,
      sql`INSERT INTO "LibraryDocument" ("unitId", "folderId", "title", "fileName", "kind", "mime", "size", "storedPath", "audience", "statuses", "uploaderId", "textState", "createdAt")
          VALUES (${unit.id}, ${folderId}, ${d.title}, ${`${d.title}.${d.kind}`}, ${d.kind}, ${DOCUMENT_MIME[d.kind]}, ${bytes.length}, ${storedPath}, ${d.audience},
            ${d.audience === "status" ? statusesText(d.statuses ?? []) : null}, ${by.id}, ${d.kind === "xlsx" ? "none" : "pending"}, ${createdAt})
          RETURNING "id"`,
    );
    reindex(db, row.id, termWeights(d.title, ""), "", createdAt);
    n++;
  }
  return n;
}

const pairs = (xs: string[]) => xs.flatMap((x, i) => (i % 2 === 0 ? [[x, xs[i + 1] ?? ""]] : []));
