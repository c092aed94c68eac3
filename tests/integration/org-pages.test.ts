import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "../support/client";
import { TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";

// The four-in-one pages against the real server (docs/decisions/051): a unit's page is read by its
// subtree only, by any id; its columns and articles are changed only by a manager over it; images are
// kept by their bytes and re-encoded at a bounded width; pinned articles come first; a read counts once
// per person; titles and bodies are text, never markup.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const dataDir = path.join(TMP, `org-pages-data-${process.pid}-${Date.now()}`);
const XSS_TITLE = `<script>alert("t")</script>学习"两学一做"`;
const XSS_BODY = `第一段 <img src=x onerror=alert(1)>\n\n第二段 <a href="javascript:alert(2)">点我</a>`;

beforeAll(async () => {
  server = await startTestServer({ env: { DATA_DIR: dataDir } });
  const f = server.factory;
  const root = f.unit({ name: "主页大学党委", kind: "committee" });
  const collegeA = f.unit({ name: "文学院党委", kind: "college", parent: root });
  const a1 = f.unit({ name: "文学院学生第一党支部", kind: "branch", branchType: "student", parent: collegeA });
  const a2 = f.unit({ name: "文学院学生第二党支部", kind: "branch", branchType: "student", parent: collegeA });
  const collegeB = f.unit({ name: "理学院党委", kind: "college", parent: root });
  const b1 = f.unit({ name: "理学院教工党支部", kind: "branch", branchType: "staff", parent: collegeB });
  Object.assign(ids, { root: root.id, A: collegeA.id, A1: a1.id, A2: a2.id, B: collegeB.id, B1: b1.id });
  const person = async (key: string, unitId: number) => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus: "member" });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("SECA", collegeA.id);
  f.grant(ids.SECA, "secretary", collegeA.id);
  await person("SECB1", b1.id);
  f.grant(ids.SECB1, "secretary", b1.id);
  await person("MA1", a1.id);
  await person("MA1B", a1.id);
  await person("MB1", b1.id);
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const db = () => server.factory.db;
const columnsOf = (unitId: number) =>
  db().prepare(`SELECT id, name, kind, visible, sortOrder FROM PageColumn WHERE unitId = ? ORDER BY sortOrder, id`).all(unitId) as {
    id: number;
    name: string;
    kind: string;
    visible: number;
  }[];
const articleId = (title: string) => (db().prepare(`SELECT id FROM PageArticle WHERE title = ?`).get(title) as { id: number }).id;
const imagesOf = (article: number) =>
  db().prepare(`SELECT id, filePath, mime, width, height, bytes FROM PageImage WHERE articleId = ? ORDER BY id`).all(article) as {
    id: number;
    filePath: string;
    mime: string;
    width: number;
    height: number;
    bytes: number;
  }[];
/** Article titles in the order a page lists them. */
const listedTitles = (html: string, titles: string[]) => titles.filter((t) => html.includes(t)).sort((a, b) => html.indexOf(a) - html.indexOf(b));

async function addColumn(client: Client, unitId: number, name: string, kind: string, visible = true) {
  return client.post(`/manage/pages/${unitId}`, { intent: "add_column", name, kind, ...(visible ? { visible: "on" } : {}) });
}
async function postArticle(client: Client, unitId: number, columnId: number, title: string, body = "正文", pinned = false) {
  return client.post(`/manage/pages/${unitId}`, { intent: "post_article", columnId: String(columnId), title, body, ...(pinned ? { pinned: "on" } : {}) });
}
function imageForm(bytes: Uint8Array, name: string, type = "image/png", alt = "") {
  const form = new FormData();
  form.append("alt", alt);
  form.append("image", new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), name);
  return form;
}

describe("four-in-one pages", () => {
  it("lets a unit's manager build its columns and refuses everyone else, by any id", async () => {
    expect((await addColumn(clients.SECA, ids.A, "学校要闻", "school_news")).status).toBe(200);
    expect((await addColumn(clients.SECA, ids.A, "上级要求", "requirements")).status).toBe(200);
    expect((await addColumn(clients.SECA, ids.A, "文件下载", "downloads")).status).toBe(200);
    expect((await addColumn(clients.SECA, ids.A, "内部草稿", "college_style", false)).status).toBe(200);
    // A college's manager also manages its branches' pages; a branch's manager nothing above or beside it.
    expect((await addColumn(clients.SECA, ids.A1, "支部生活", "branch_life")).status).toBe(200);
    expect((await addColumn(clients.SECB1, ids.B1, "支部生活", "branch_life")).status).toBe(200);
    expect((await addColumn(clients.SECB1, ids.A, "越权栏目", "school_news")).status).toBe(403);
    expect((await clients.SECB1.get(`/manage/pages/${ids.A}`)).status).toBe(403);
    expect((await addColumn(clients.MA1, ids.A1, "越权栏目", "school_news")).status).toBe(403);
    expect((await clients.MA1.get("/manage/pages")).status).toBe(403);
    expect(columnsOf(ids.A).map((c) => c.name)).toEqual(["学校要闻", "上级要求", "文件下载", "内部草稿"]);

    // A column of another unit, named in a form of one's own unit, is not found; nothing changes.
    const [b1Column] = columnsOf(ids.B1);
    const sneaky = await clients.SECA.post(`/manage/pages/${ids.A}`, {
      intent: "update_column",
      columnId: String(b1Column.id),
      name: "改名",
      kind: "school_news",
    });
    expect(sneaky.status).toBe(404);
    expect((await postArticle(clients.SECA, ids.A, b1Column.id, "越权文章")).status).toBe(404);
    expect(columnsOf(ids.B1)[0].name).toBe("支部生活");
    expect(db().prepare(`SELECT count(*) AS n FROM PageArticle WHERE title = '越权文章'`).get()).toEqual({ n: 0 });

    // Bad input: a clear message, nothing written.
    const blank = await addColumn(clients.SECA, ids.A, "", "nonsense");
    expect(blank.status).toBe(400);
    expect(blank.text).toContain("请填写栏目名称");
    expect(blank.text).toContain("请选择栏目类型");
    expect(columnsOf(ids.A)).toHaveLength(4);
  });

  it("shows the columns in the order set, hides hidden ones, and moves one up", async () => {
    const [news, requirements] = columnsOf(ids.A);
    expect((await clients.SECA.post(`/manage/pages/${ids.A}`, { intent: "move_column", columnId: String(requirements.id), direction: "up" })).status).toBe(200);
    expect(columnsOf(ids.A).map((c) => c.id)).toEqual([
      requirements.id,
      news.id,
      ...columnsOf(ids.A)
        .slice(2)
        .map((c) => c.id),
    ]);
    const page = await clients.MA1.get(`/org/${ids.A}`);
    expect(page.status).toBe(200);
    expect(page.text.indexOf("上级要求")).toBeLessThan(page.text.indexOf("学校要闻"));
    expect(page.text).toContain(`href="/org/${ids.A}/documents"`);
    expect(page.text).not.toContain("内部草稿");
  });

  it("lists pinned articles first, then the newest, and keeps titles and bodies as text", async () => {
    const news = columnsOf(ids.A).find((c) => c.name === "学校要闻")!;
    for (const [title, pinned] of [
      ["旧闻一则", false],
      ["置顶要闻", true],
      ["新闻一则", false],
    ] as const) {
      expect((await postArticle(clients.SECA, ids.A, news.id, title, "正文", pinned)).status).toBe(200);
    }
    expect((await postArticle(clients.SECA, ids.A, news.id, XSS_TITLE, XSS_BODY)).status).toBe(200);
    const page = await clients.MA1.get(`/org/${ids.A}`);
    expect(listedTitles(page.text, ["旧闻一则", "置顶要闻", "新闻一则"])).toEqual(["置顶要闻", "新闻一则", "旧闻一则"]);
    // Escaped wherever the title shows: the page, the manager's list, the article itself.
    const article = await clients.MA1.get(`/org/${ids.A}/articles/${articleId(XSS_TITLE)}`);
    for (const html of [page.text, (await clients.SECA.get(`/manage/pages/${ids.A}`)).text, article.text]) {
      expect(html).not.toContain(`<script>alert("t")`);
      expect(html).toContain("&lt;script&gt;");
    }
    expect(article.status).toBe(200);
    expect(article.text).not.toMatch(/<img[^>]*onerror/);
    expect(article.text).not.toContain(`href="javascript:`);
    expect(article.text).toContain("第一段 &lt;img src=x onerror=alert(1)&gt;");

    // Overlong input is refused with its limit.
    const long = await postArticle(clients.SECA, ids.A, news.id, "标".repeat(101));
    expect(long.status).toBe(400);
    expect(long.text).toContain("标题最多 100 字");
    // A column that shows articles cannot become one that does not while it holds some.
    const toDownloads = await clients.SECA.post(`/manage/pages/${ids.A}`, {
      intent: "update_column",
      columnId: String(news.id),
      name: "学校要闻",
      kind: "downloads",
      visible: "on",
    });
    expect(toDownloads.status).toBe(400);
    expect(toDownloads.text).toContain("该栏目下还有文章");
    expect(columnsOf(ids.A).find((c) => c.id === news.id)!.kind).toBe("school_news");
  });

  it("lets a person read the pages of her own path only, by any id", async () => {
    const branchColumn = columnsOf(ids.A1)[0];
    expect((await postArticle(clients.SECA, ids.A1, branchColumn.id, "支部主题党日")).status).toBe(200);
    const branchArticle = articleId("支部主题党日");
    for (const unit of ["root", "A", "A1"]) expect((await clients.MA1.get(`/org/${ids[unit]}`)).status).toBe(200);
    expect((await clients.MA1.get(`/org/${ids.A2}`)).status).toBe(404);
    expect((await clients.MA1.get(`/org/${ids.B1}`)).status).toBe(404);
    for (const unit of ["A", "A1"]) expect((await clients.MB1.get(`/org/${ids[unit]}`)).status).toBe(404);
    expect((await clients.MB1.get(`/org/${ids.root}`)).status).toBe(200);
    expect((await clients.MB1.get(`/org/999999`)).status).toBe(404);
    expect((await new Client(server.url).get(`/org/${ids.root}`)).status).toBe(302);

    // The article is reached through its own unit only, and only by people of that unit's subtree.
    expect((await clients.MA1.get(`/org/${ids.A1}/articles/${branchArticle}`)).status).toBe(200);
    expect((await clients.SECA.get(`/org/${ids.A1}/articles/${branchArticle}`)).status).toBe(200);
    for (const unit of ["A1", "B1", "root"]) expect((await clients.MB1.get(`/org/${ids[unit]}/articles/${branchArticle}`)).status).toBe(404);
    expect((await clients.MA1.get(`/org/${ids.A}/articles/${branchArticle}`)).status).toBe(404);
    expect((await clients.MA1.get(`/org/${ids.A1}/articles/999999`)).status).toBe(404);
    // Reads refused by scope are not counted.
    expect(db().prepare(`SELECT personId FROM PageArticleRead WHERE articleId = ?`).all(branchArticle)).toEqual(
      expect.not.arrayContaining([{ personId: ids.MB1 }]),
    );
    // Editing it is refused to a manager of another unit, and to a member, whatever the id.
    expect((await clients.SECB1.get(`/manage/pages/articles/${branchArticle}`)).status).toBe(403);
    expect((await clients.SECB1.post(`/manage/pages/articles/${branchArticle}`, { intent: "update", title: "改", body: "改" })).status).toBe(403);
    expect((await clients.SECB1.post(`/manage/pages/articles/${branchArticle}`, { intent: "archive" })).status).toBe(403);
    expect((await clients.MA1.post(`/manage/pages/articles/${branchArticle}`, { intent: "archive" })).status).toBe(403);
    expect((await clients.SECB1.get(`/manage/pages/articles/999999`)).status).toBe(403);
    expect(db().prepare(`SELECT title, archivedAt FROM PageArticle WHERE id = ?`).get(branchArticle)).toEqual({ title: "支部主题党日", archivedAt: null });

    // A hidden column's articles and a taken-down article are not found either.
    const hideArticle = async (visible: boolean) =>
      clients.SECA.post(`/manage/pages/${ids.A1}`, {
        intent: "update_column",
        columnId: String(branchColumn.id),
        name: "支部生活",
        kind: "branch_life",
        ...(visible ? { visible: "on" } : {}),
      });
    expect((await hideArticle(false)).status).toBe(200);
    expect((await clients.MA1.get(`/org/${ids.A1}/articles/${branchArticle}`)).status).toBe(404);
    expect((await hideArticle(true)).status).toBe(200);
    expect((await clients.MA1.get(`/org/${ids.A1}/articles/${branchArticle}`)).status).toBe(200);
  });

  it("counts one read per person, however often she opens the article", async () => {
    const id = articleId("新闻一则");
    const url = `/org/${ids.A}/articles/${id}`;
    const count = (html: string) => /阅读 (?:<!-- -->)?(\d+)/.exec(html)?.[1];
    expect(count((await clients.MA1.get(url)).text)).toBe("1");
    expect(count((await clients.MA1.get(url)).text)).toBe("1");
    await Promise.all([clients.MA1B.get(url), clients.MA1B.get(url)]);
    expect(count((await clients.MA1.get(url)).text)).toBe("2");
    expect(db().prepare(`SELECT count(*) AS n FROM PageArticleRead WHERE articleId = ?`).get(id)).toEqual({ n: 2 });
    // The count is a number: no page lists who read it.
    const managed = await clients.SECA.get(`/manage/pages/articles/${id}`);
    expect(count(managed.text)).toBe("2");
    expect(managed.text).not.toContain("人员MA1");
    // Her reads are her personal data: listed in what the system holds about her (decision 033).
    const own = JSON.parse((await clients.MA1.download("/account/data.json")).bytes.toString("utf8")) as {
      sections: { id: string; rows: Record<string, unknown>[] }[];
    };
    expect(own.sections.find((section) => section.id === "pageReads")!.rows).toContainEqual(
      expect.objectContaining({ 文章: "新闻一则", 党组织: "文学院党委" }),
    );
  });

  it("keeps an image only when its bytes are JPEG, PNG or WebP, re-encoded no wider than 1200 pixels", async () => {
    const id = articleId("置顶要闻");
    const url = `/manage/pages/articles/${id}`;
    const text = await clients.SECA.post(url, imageForm(new TextEncoder().encode("not an image"), "photo.png"));
    expect(text.status).toBe(400);
    expect(text.text).toContain("图片须为 JPEG、PNG 或 WebP 格式");
    const svg = await clients.SECA.post(
      url,
      imageForm(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "a.png"),
    );
    expect(svg.status).toBe(400);
    expect(svg.text).toContain("图片须为 JPEG、PNG 或 WebP 格式");
    // A PNG signature followed by garbage: the bytes claim PNG, the decoder refuses.
    const broken = await clients.SECA.post(url, imageForm(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(64).fill(7)]), "b.png"));
    expect(broken.status).toBe(400);
    expect(broken.text).toContain("图片无法读取");
    const tooBig = await clients.SECA.post(url, imageForm(new Uint8Array(9 * 1024 * 1024), "huge.png"));
    expect(tooBig.status).toBe(413);
    expect(tooBig.text).toContain("8 MB");
    expect(imagesOf(id)).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, "pages")) ? fs.readdirSync(path.join(dataDir, "pages")) : []).toEqual([]);

    // A wide JPEG named .png is a JPEG: stored as one, at 1200 pixels wide, with its proportions.
    const wide = await sharp({ create: { width: 2400, height: 1200, channels: 3, background: "#b91c1c" } })
      .jpeg()
      .toBuffer();
    const ok = await clients.SECA.post(url, imageForm(new Uint8Array(wide), "wide.png", "image/png", "主题党日<b>合影</b>"));
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("图片已上传");
    const [image] = imagesOf(id);
    expect(image).toMatchObject({ mime: "image/jpeg", width: 1200, height: 600 });
    expect(image.filePath).toMatch(/^pages\/[0-9a-f]{32}\.jpg$/);
    const stored = await sharp(path.join(dataDir, image.filePath)).metadata();
    expect([stored.format, stored.width, stored.height]).toEqual(["jpeg", 1200, 600]);
    // A photo over the 2 MB a plain form may carry is taken: the upload raises the limit for itself.
    const noise = new Uint8Array(1000 * 1000 * 3).map((_, i) => (i * 2654435761) >>> 24);
    const photo = await sharp(noise, { raw: { width: 1000, height: 1000, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(photo.byteLength).toBeGreaterThan(2.5 * 1024 * 1024);
    expect((await clients.SECA.post(url, imageForm(new Uint8Array(photo), "photo.png"))).status).toBe(200);
    expect(imagesOf(id)[1]).toMatchObject({ mime: "image/png", width: 1000, height: 1000 });
    // A small one keeps its size.
    const small = await sharp({ create: { width: 40, height: 30, channels: 4, background: "#ffffff80" } })
      .webp()
      .toBuffer();
    expect((await clients.SECA.post(url, imageForm(new Uint8Array(small), "s.webp", "image/webp"))).status).toBe(200);
    expect(imagesOf(id)[2]).toMatchObject({ mime: "image/webp", width: 40, height: 30 });

    // Served to readers of the page, as the article shows it; not found for anyone else.
    const article = await clients.MA1.get(`/org/${ids.A}/articles/${id}`);
    expect(article.text).toContain(`src="/page-images/${image.id}"`);
    expect(article.text).toContain("主题党日&lt;b&gt;合影&lt;/b&gt;");
    const served = await clients.MA1.download(`/page-images/${image.id}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/jpeg");
    expect(served.bytes.byteLength).toBe(image.bytes);
    expect((await clients.MB1.get(`/page-images/${image.id}`)).status).toBe(404);
    expect((await clients.MA1.get(`/page-images/999999`)).status).toBe(404);

    // Removing an image through another article is not found; through its own it goes, file and all.
    const other = articleId("旧闻一则");
    expect((await clients.SECA.post(`/manage/pages/articles/${other}`, { intent: "remove_image", imageId: String(image.id) })).status).toBe(404);
    expect((await clients.SECA.post(url, { intent: "remove_image", imageId: String(image.id) })).status).toBe(200);
    expect(imagesOf(id).map((i) => i.id)).not.toContain(image.id);
    expect(fs.existsSync(path.join(dataDir, image.filePath))).toBe(false);
  });

  it("takes an article down: gone for readers, kept in the database, audited", async () => {
    const id = articleId("旧闻一则");
    const down = await clients.SECA.post(`/manage/pages/articles/${id}`, { intent: "archive" });
    expect(down.status).toBe(302);
    expect((await clients.MA1.get(`/org/${ids.A}/articles/${id}`)).status).toBe(404);
    expect((await clients.MA1.get(`/org/${ids.A}`)).text).not.toContain("旧闻一则");
    const actions = db().prepare(`SELECT action FROM AuditLog WHERE actorId = ? AND action LIKE 'page.%'`).all(ids.SECA) as { action: string }[];
    expect(new Set(actions.map((a) => a.action))).toEqual(
      new Set(["page.column_create", "page.column_update", "page.article_post", "page.image_add", "page.image_remove", "page.article_archive"]),
    );
  });

  it("links a learner's home to her committee, college and branch pages", async () => {
    const home = await clients.MA1.get("/");
    for (const unit of ["root", "A", "A1"]) expect(home.text).toContain(`href="/org/${ids[unit]}"`);
    expect(home.text).not.toContain(`href="/org/${ids.B}"`);
  });
});
