import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleDocx, samplePdf, zipOf } from "../../scripts/lib/sample-documents";
import { Client } from "../support/client";
import { TMP } from "../support/paths";
import { type TestServer, startTestServer } from "../support/server";

// The document library against the real server (decision 050): files judged by their bytes, a size
// limit, each document seen only by its audience by any id (list, page, preview, download, search),
// every non-public download audited, hostile file names and titles made harmless, and the text of
// PDF and Word files found by search once the worker has extracted it.

let server: TestServer;
const ids: Record<string, number> = {};
const clients: Record<string, Client> = {};
const PASSWORD = "Passw0rd1";
const dataDir = path.join(TMP, `library-data-${process.pid}-${Date.now()}`);

beforeAll(async () => {
  server = await startTestServer({ env: { DATA_DIR: dataDir } });
  const f = server.factory;
  const root = f.unit({ name: "文库大学党委", kind: "committee" });
  const collegeA = f.unit({ name: "马克思主义学院党委", kind: "college", parent: root });
  const branchA = f.unit({ name: "马院学生党支部", kind: "branch", branchType: "student", parent: collegeA });
  const collegeB = f.unit({ name: "物理学院党委", kind: "college", parent: root });
  const branchB = f.unit({ name: "物理学生党支部", kind: "branch", branchType: "student", parent: collegeB });
  Object.assign(ids, { root: root.id, collegeA: collegeA.id, branchA: branchA.id, collegeB: collegeB.id, branchB: branchB.id });
  const person = async (key: string, unitId: number, politicalStatus = "member") => {
    ids[key] = f.person({ number: key, name: `人员${key}`, unitId, politicalStatus });
    await f.password(ids[key], PASSWORD);
    clients[key] = new Client(server.url);
    expect((await clients[key].login(key, PASSWORD)).status).toBe(302);
  };
  await person("SEC_A", collegeA.id);
  f.grant(ids.SEC_A, "secretary", collegeA.id);
  await person("SEC_B", collegeB.id);
  f.grant(ids.SEC_B, "secretary", collegeB.id);
  await person("MEM_A", branchA.id, "member");
  await person("ACT_A", branchA.id, "activist");
  await person("MEM_B", branchB.id, "member");
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type Upload = { bytes: Buffer; name: string; title?: string; audience?: string; statuses?: string[]; folderId?: number };
function uploadForm(u: Upload) {
  const form = new FormData();
  form.append("intent", "upload");
  if (u.title !== undefined) form.append("title", u.title);
  form.append("audience", u.audience ?? "subtree");
  for (const s of u.statuses ?? []) form.append("statuses", s);
  if (u.folderId) form.append("folderId", String(u.folderId));
  form.append("file", new Blob([new Uint8Array(u.bytes)], { type: "application/octet-stream" }), u.name);
  return form;
}
const docs = () =>
  server.factory.db.prepare(`SELECT "id", "title", "fileName", "kind", "audience", "textState", "deletedAt" FROM "LibraryDocument" ORDER BY "id"`).all() as {
    id: number;
    title: string;
    fileName: string;
    kind: string;
    audience: string;
    textState: string;
    deletedAt: string | null;
  }[];
const lastDoc = () => docs().at(-1)!;
async function upload(key: string, unitId: number, u: Upload) {
  const reply = await clients[key].post(`/org/${unitId}/documents`, uploadForm(u));
  return { reply, doc: reply.status === 200 ? lastDoc() : null };
}
const textState = (id: number) =>
  (server.factory.db.prepare(`SELECT "textState" FROM "LibraryDocument" WHERE "id" = ?`).get(id) as { textState: string }).textState;
const audits = (action: string, id: number) =>
  server.factory.db.prepare(`SELECT "actorId" FROM "AuditLog" WHERE "action" = ? AND "targetId" = ? ORDER BY "id"`).all(action, String(id)) as {
    actorId: number;
  }[];
const searchTitles = async (key: string, q: string, unit?: number) => {
  const r = await clients[key].get(`/documents/search?q=${encodeURIComponent(q)}${unit ? `&unit=${unit}` : ""}`);
  expect(r.status).toBe(200);
  return [...r.text.matchAll(/href="\/documents\/(\d+)"/g)].map((m) => Number(m[1]));
};

const PDF = samplePdf(["关于开展党史学习教育的通知", "各党支部要组织党员认真学习红色家书。"]);
const DOCX = sampleDocx(["发展对象培训班课程安排", "第一讲：党章学习与理想信念教育"]);

describe("uploading", () => {
  it("takes PDF, Word and Excel by their bytes and refuses anything else whatever its name", async () => {
    const text = await upload("SEC_A", ids.collegeA, { bytes: Buffer.from("just text, named like a PDF"), name: "通知.pdf" });
    expect(text.reply.status).toBe(415);
    expect(text.reply.text).toContain("只能上传 PDF、Word（.docx）或 Excel（.xlsx）文件");
    const otherZip = await upload("SEC_A", ids.collegeA, { bytes: zipOf([["readme.txt", "hello"]]), name: "报告.docx" });
    expect(otherZip.reply.status).toBe(415);
    const html = await upload("SEC_A", ids.collegeA, { bytes: Buffer.from("<html><script>alert(1)</script></html>"), name: "a.pdf" });
    expect(html.reply.status).toBe(415);
    expect(docs()).toHaveLength(0);
  });

  it("refuses a file over the size limit with a clear message, keeping nothing", async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(21 * 1024 * 1024)]);
    const r = await upload("SEC_A", ids.collegeA, { bytes: big, name: "大文件.pdf" });
    expect(r.reply.status).toBe(413);
    expect(r.reply.text).toMatch(/文件超过 20 MB 的上限|文件不能超过 20 MB/);
    expect(docs()).toHaveLength(0);
  });

  it("lets only a manager of the unit upload: a member and another college's secretary are refused", async () => {
    expect((await upload("MEM_A", ids.collegeA, { bytes: PDF, name: "a.pdf" })).reply.status).toBe(403);
    expect((await upload("SEC_B", ids.collegeA, { bytes: PDF, name: "a.pdf" })).reply.status).toBe(403);
    expect(docs()).toHaveLength(0);
  });

  it("asks for a status when the audience is a status", async () => {
    const r = await upload("SEC_A", ids.collegeA, { bytes: PDF, name: "a.pdf", audience: "status" });
    expect(r.reply.status).toBe(400);
    expect(r.reply.text).toContain("请至少选择一种政治面貌");
  });
});

describe("who sees what", () => {
  const doc: Record<string, number> = {};
  beforeAll(async () => {
    doc.subtree = (await upload("SEC_A", ids.collegeA, { bytes: PDF, name: "党史学习通知.pdf", audience: "subtree" })).doc!.id;
    doc.members = (
      await upload("SEC_A", ids.collegeA, { bytes: DOCX, name: "培训安排.docx", audience: "status", statuses: ["member", "probationary"] })
    ).doc!.id;
    const xlsx = fs.readFileSync(path.resolve(import.meta.dirname, "../fixtures/office/知识竞赛题库.xlsx"));
    doc.public = (await upload("SEC_A", ids.collegeA, { bytes: xlsx, name: "名单.xlsx", title: "公开名单", audience: "public" })).doc!.id;
  });

  it("shows each person the documents their audience admits, in the list", async () => {
    const list = async (key: string) => {
      const r = await clients[key].get(`/org/${ids.collegeA}/documents`);
      expect(r.status).toBe(200);
      return [...r.text.matchAll(/href="\/documents\/(\d+)"/g)].map((m) => Number(m[1])).sort();
    };
    expect(await list("SEC_A")).toEqual([doc.subtree, doc.members, doc.public].sort());
    expect(await list("MEM_A")).toEqual([doc.subtree, doc.members, doc.public].sort());
    expect(await list("ACT_A")).toEqual([doc.subtree, doc.public].sort());
    expect(await list("MEM_B")).toEqual([doc.public]);
    expect(await list("SEC_B")).toEqual([doc.public]);
  });

  it("answers a document outside the audience as one that does not exist, by any id, on every route", async () => {
    const routes = (id: number) => [`/documents/${id}`, `/documents/${id}/download`, `/documents/${id}/pdf`];
    const missing = await clients.MEM_B.get("/documents/999999/download");
    expect(missing.status).toBe(404);
    for (const url of routes(doc.subtree)) {
      const r = await clients.MEM_B.get(url);
      expect(r.status, url).toBe(404);
      expect(r.text).not.toContain("党史学习通知");
    }
    for (const url of routes(doc.members)) expect((await clients.ACT_A.get(url)).status, url).toBe(404);
    expect((await clients.SEC_B.get(`/documents/${doc.members}/download`)).status).toBe(404);
    // A Word file has no in-page preview, even for its audience.
    expect((await clients.MEM_A.get(`/documents/${doc.members}/pdf`)).status).toBe(404);
    expect((await clients.MEM_A.get(`/documents/${doc.members}/download`)).status).toBe(200);
    expect((await clients.ACT_A.get(`/documents/${doc.subtree}/pdf`)).status).toBe(200);
    expect((await clients.MEM_B.get(`/documents/${doc.public}/download`)).status).toBe(200);
  });

  it("audits every download and preview of a non-public document, and not a public one", async () => {
    const before = audits("library.download", doc.subtree).length;
    const r = await clients.MEM_A.download(`/documents/${doc.subtree}/download`);
    expect(r.status).toBe(200);
    expect(r.bytes.equals(PDF)).toBe(true);
    expect(r.headers.get("content-type")).toBe("application/pdf");
    expect(r.headers.get("cache-control")).toBe("private, no-store");
    expect(audits("library.download", doc.subtree).slice(before)).toEqual([{ actorId: ids.MEM_A }]);
    await clients.MEM_A.download(`/documents/${doc.subtree}/pdf`);
    expect(audits("library.preview", doc.subtree).at(-1)).toEqual({ actorId: ids.MEM_A });
    await clients.MEM_B.download(`/documents/${doc.public}/download`);
    expect(audits("library.download", doc.public)).toEqual([]);
    // A refused read leaves no download in the log.
    const logged = audits("library.download", doc.members).length;
    expect((await clients.MEM_B.download(`/documents/${doc.members}/download`)).status).toBe(404);
    expect(audits("library.download", doc.members)).toHaveLength(logged);
  });

  it("sends a PDF inline for the viewer and a download as an attachment, both sandboxed", async () => {
    const preview = await clients.MEM_A.download(`/documents/${doc.subtree}/pdf`);
    expect(preview.headers.get("content-disposition")).toMatch(/^inline; /);
    expect(preview.headers.get("content-security-policy")).toContain("sandbox");
    const download = await clients.MEM_A.download(`/documents/${doc.subtree}/download`);
    expect(download.headers.get("content-disposition")).toBe(
      `attachment; filename="document-${doc.subtree}.pdf"; filename*=UTF-8''${encodeURIComponent("党史学习通知.pdf")}`,
    );
  });

  it("finds titles at once and the text of PDF and Word files once extracted, within the audience", async () => {
    // The title is indexed with the upload.
    expect(await searchTitles("MEM_A", "党史学习")).toContain(doc.subtree);
    await expect.poll(() => [textState(doc.subtree), textState(doc.members)], { timeout: 60_000, interval: 200 }).toEqual(["done", "done"]);
    expect(textState(doc.public)).toBe("none");
    // Words from the body only, Chinese cut into terms.
    expect(await searchTitles("MEM_A", "红色家书")).toEqual([doc.subtree]);
    expect(await searchTitles("MEM_A", "理想信念")).toEqual([doc.members]);
    expect(await searchTitles("ACT_A", "红色家书")).toEqual([doc.subtree]);
    expect(await searchTitles("ACT_A", "理想信念")).toEqual([]);
    expect(await searchTitles("MEM_B", "红色家书")).toEqual([]);
    expect(await searchTitles("MEM_B", "公开名单")).toEqual([doc.public]);
    // A manager of another college does not see this college's restricted files either.
    expect(await searchTitles("SEC_B", "理想信念")).toEqual([]);
    // Every term must match; narrowed to a unit's subtree.
    expect(await searchTitles("MEM_A", "红色家书 物理")).toEqual([]);
    expect(await searchTitles("MEM_A", "红色家书", ids.collegeB)).toEqual([]);
    expect(await searchTitles("MEM_A", "红色家书", ids.collegeA)).toEqual([doc.subtree]);
  });

  it("ranks a title match above a match in the text", async () => {
    const inTitle = (await upload("SEC_A", ids.collegeA, { bytes: samplePdf(["目录"]), name: "红色家书选读.pdf" })).doc!.id;
    const found = await searchTitles("MEM_A", "红色家书");
    expect(found[0]).toBe(inTitle);
    expect(found).toContain(doc.subtree);
  });

  it("takes a deleted document out of the list, the search and every route", async () => {
    const del = new FormData();
    del.append("intent", "delete");
    del.append("documentId", String(doc.subtree));
    expect((await clients.SEC_B.post(`/org/${ids.collegeA}/documents`, del)).status).toBe(403);
    expect((await clients.SEC_A.post(`/org/${ids.collegeB}/documents`, del)).status).toBe(403);
    expect((await clients.SEC_A.post(`/org/${ids.collegeA}/documents`, del)).status).toBe(200);
    expect((await clients.MEM_A.get(`/documents/${doc.subtree}/download`)).status).toBe(404);
    expect(await searchTitles("MEM_A", "党史学习")).not.toContain(doc.subtree);
    expect(audits("library.delete", doc.subtree)).toEqual([{ actorId: ids.SEC_A }]);
  });
});

describe("text extraction", () => {
  it("marks a file whose text cannot be read as failed, with the reason, and keeps its title searchable", async () => {
    const broken = Buffer.from("%PDF-1.7\nnot really a PDF after its header\n");
    const { doc } = await upload("SEC_A", ids.collegeA, { bytes: broken, name: "损坏的文件.pdf", audience: "public" });
    await expect.poll(() => textState(doc!.id), { timeout: 60_000, interval: 200 }).toBe("failed");
    const row = server.factory.db.prepare(`SELECT "textError" FROM "LibraryDocument" WHERE "id" = ?`).get(doc!.id) as { textError: string };
    expect(row.textError).toBe("无法读取文件内容");
    expect(await searchTitles("MEM_B", "损坏的文件")).toEqual([doc!.id]);
  });
});

describe("hostile names", () => {
  it("strips paths and control characters from file names and escapes titles in pages and headers", async () => {
    // A browser's FormData percent-encodes line breaks in a file name; a script sends them raw, as here.
    const name = "..\\../../etc/<script>alert(1)</script>\u0001\t\u202egpj.exe.pdf";
    const title = `<img src=x onerror=alert(1)>"; DROP TABLE "LibraryDocument"; --`;
    const boundary = "----library-test-boundary";
    const fields = Object.entries({ intent: "upload", title, audience: "public" })
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join("");
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`;
    const body = Buffer.concat([Buffer.from(fields + head, "utf8"), PDF, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const reply = await clients.SEC_A.request(`/org/${ids.collegeA}/documents`, {
      method: "POST",
      body,
      headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
    });
    expect(reply.status).toBe(200);
    const doc = lastDoc();
    expect(doc.title).toBe(title);
    // The last path segment only, without control, bidi-override or reserved characters; the extension from the bytes.
    expect(doc.fileName).toMatch(/gpj\.exe\.pdf$/);
    expect(doc.fileName).not.toMatch(/[\\/<>\p{Cc}\p{Cf}]/u);
    const page = await clients.MEM_B.get(`/documents/${doc.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("<img src=x");
    expect(page.text).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const r = await clients.MEM_B.download(`/documents/${doc.id}/download`);
    const disposition = r.headers.get("content-disposition")!;
    expect(disposition).toMatch(/^attachment; filename="document-\d+\.pdf"; filename\*=UTF-8''[A-Za-z0-9%!#$&+\-.^_`|~]+$/);
    expect(decodeURIComponent(disposition.split("''")[1])).toBe(doc.fileName);
    // The SQL-looking title is only text: the table is there and searchable by it.
    expect(await searchTitles("MEM_B", "DROP TABLE")).toContain(doc.id);
  });
});
