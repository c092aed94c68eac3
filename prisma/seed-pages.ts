import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import sharp from "sharp";
import { get, run, sql } from "../app/.server/sql";
import { type ColumnKind } from "../app/lib/org-pages";

// The demo's four-in-one pages (decision 051): the committee, the computer-science college and two of
// its branches (the demo member's and the branch secretary's) each have a page with a few columns and
// articles, one pinned above the branches; the
// committee's pinned article has one generated image when the seed is told where files live.

export type DemoPageUnits = { committee: number; college: number; branch: number; staffBranch: number; admin: number; secretary: number; branchsec: number };

type DemoArticle = { title: string; body: string; pinned?: boolean; daysAgo: number };
type DemoColumn = { name: string; kind: ColumnKind; articles?: DemoArticle[] };

const PAGES = (u: DemoPageUnits): { unitId: number; authorId: number; columns: DemoColumn[] }[] => [
  {
    unitId: u.committee,
    authorId: u.admin,
    columns: [
      {
        name: "上级要求",
        kind: "requirements",
        articles: [
          {
            title: "关于认真学习贯彻《中国共产党党员教育管理工作条例》的通知",
            body: "各院系党组织：\n\n请组织党员认真学习《中国共产党党员教育管理工作条例》，落实党员每年集中学习培训一般不少于32学时的要求。\n\n各支部要把学习情况纳入组织生活会和民主评议党员的内容。",
            daysAgo: 20,
          },
        ],
      },
      {
        name: "学校要闻",
        kind: "school_news",
        articles: [
          {
            title: "学校召开2026年度党建工作会议",
            body: "11月，学校召开年度党建工作会议，总结一年来基层党组织建设情况，部署下一阶段“四位一体”网上党建平台建设工作。\n\n会议要求各院系党组织用好网上党校，做到规定动作不走样、自选动作有特色。",
            pinned: true,
            daysAgo: 3,
          },
          { title: "网上党校学时统计功能上线", body: "党员可在“学时”页面查看本年度学时及其来源，支部书记可导出本支部学时统计表。", daysAgo: 12 },
        ],
      },
      { name: "通知", kind: "notices" },
      { name: "文件下载", kind: "downloads" },
    ],
  },
  {
    unitId: u.college,
    authorId: u.secretary,
    columns: [
      {
        name: "院系风采",
        kind: "college_style",
        articles: [
          {
            title: "计算机学院党员志愿服务队走进社区",
            body: "学院党员志愿服务队利用周末走进周边社区，为老年人讲解手机使用与防范电信诈骗知识。\n\n活动共有32名党员和入党积极分子参加。",
            pinned: true,
            daysAgo: 6,
          },
          { title: "学院举办“两学一做”知识竞赛", body: "学院各党支部组队参加“两学一做”知识竞赛，本科生第一党支部获得团体一等奖。", daysAgo: 15 },
        ],
      },
      { name: "通知", kind: "notices" },
      { name: "文件下载", kind: "downloads" },
    ],
  },
  {
    unitId: u.branch,
    authorId: u.branchsec,
    columns: [
      {
        name: "支部生活",
        kind: "branch_life",
        articles: [
          { title: "十月主题党日：重温入党誓词", body: "支部全体党员在学院党员活动室重温入党誓词，并交流了本月理论学习的体会。", daysAgo: 30 },
          { title: "支部召开年度组织生活会", body: "支部召开年度组织生活会，党员逐一进行对照检查，开展批评与自我批评。", daysAgo: 9 },
        ],
      },
      { name: "通知", kind: "notices" },
    ],
  },
  {
    unitId: u.staffBranch,
    authorId: u.secretary,
    columns: [
      {
        name: "支部生活",
        kind: "branch_life",
        articles: [
          {
            title: "教工党支部开展“三会一课”专题党课",
            body: "支部书记以“做合格党员”为题讲授专题党课，支部全体党员参加。\n\n课后党员结合教学科研工作交流了体会。",
            daysAgo: 7,
          },
        ],
      },
      { name: "通知", kind: "notices" },
    ],
  },
];

/** Writes the demo pages; returns the committee's pinned article, the one given an image. */
export function seedDemoPages(db: Database.Database, units: DemoPageUnits, now: Date): { imageArticleId: number } {
  const dayMs = 86_400_000;
  let imageArticleId = 0;
  for (const page of PAGES(units)) {
    for (const [order, column] of page.columns.entries()) {
      const col = get<{ id: number }>(
        db,
        sql`INSERT INTO "PageColumn" ("unitId", "name", "kind", "sortOrder", "visible", "createdAt", "updatedAt")
            VALUES (${page.unitId}, ${column.name}, ${column.kind}, ${order + 1}, ${true}, ${now}, ${now}) RETURNING "id"`,
      )!;
      for (const a of column.articles ?? []) {
        const at = new Date(now.getTime() - a.daysAgo * dayMs);
        const article = get<{ id: number }>(
          db,
          sql`INSERT INTO "PageArticle" ("columnId", "title", "body", "pinned", "authorId", "publishedAt", "updatedAt")
              VALUES (${col.id}, ${a.title}, ${a.body}, ${a.pinned ?? false}, ${page.authorId}, ${at}, ${at}) RETURNING "id"`,
        )!;
        if (page.unitId === units.committee && a.pinned) imageArticleId = article.id;
        // A few reads, so the counts are not all zero: the demo accounts who wrote the pages read them.
        for (const reader of new Set([units.admin, units.secretary, units.branchsec])) {
          run(db, sql`INSERT INTO "PageArticleRead" ("articleId", "personId", "readAt") VALUES (${article.id}, ${reader}, ${at})`);
        }
      }
    }
  }
  return { imageArticleId };
}

/** A banner for the committee's pinned article, drawn from SVG and kept as the app keeps an upload (decision 051). */
export async function seedDemoPageImage(db: Database.Database, articleId: number, dataDir: string, now: Date) {
  const width = 1200;
  const height = 500;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#b91c1c"/><stop offset="1" stop-color="#7f1d1d"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="1040" cy="110" r="60" fill="#facc15"/>
    <rect x="80" y="330" width="1040" height="8" fill="#facc15"/>
  </svg>`;
  const data = await sharp(Buffer.from(svg)).jpeg({ quality: 82, mozjpeg: true }).toBuffer();
  const filePath = `pages/${crypto.randomBytes(16).toString("hex")}.jpg`;
  fs.mkdirSync(path.join(dataDir, "pages"), { recursive: true });
  fs.writeFileSync(path.join(dataDir, filePath), data);
  run(
    db,
    sql`INSERT INTO "PageImage" ("articleId", "filePath", "mime", "width", "height", "bytes", "alt", "createdAt")
        VALUES (${articleId}, ${filePath}, ${"image/jpeg"}, ${width}, ${height}, ${data.byteLength}, ${"年度党建工作会议"}, ${now})`,
  );
}
