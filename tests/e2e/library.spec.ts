import { axeViolations } from "./support/axe";
import { samplePdf } from "../../scripts/lib/sample-documents";
import { expect, signInAs, test } from "./support/fixtures";
import { uniqueSuffix } from "./support/quiz-seed";

// The document library (decision 050): the college secretary uploads a PDF for the college's people on
// a desktop; a member of one of its branches finds it from her own library on her phone, reads it in the
// page (pdf.js draws it on a canvas, no plugin), and finds it again by a word of its text.

test("a secretary's PDF is previewed in the page and found by its text by a member of the college", async ({ page, newContext }) => {
  const title = `党史学习资料-${uniqueSuffix()}`;
  const word = `红色家书${uniqueSuffix().replace(/\D/g, "").slice(-4)}`;
  const desk = await newContext({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  const manage = await desk.newPage();
  await signInAs(manage, "secretary", "孙书记");
  await manage.goto("/documents");
  await manage.getByRole("navigation", { name: "我的组织" }).getByRole("link", { name: "计算机学院党委" }).click();
  await expect(manage.getByRole("heading", { name: "计算机学院党委 · 文件下载" })).toBeVisible();
  await manage
    .getByLabel(/^文件（PDF/)
    .setInputFiles({ name: "资料.pdf", mimeType: "application/pdf", buffer: samplePdf(["党史学习资料", `请阅读${word}。`]) });
  await manage.getByLabel("标题（可选，默认用文件名）").fill(title);
  await manage.getByLabel("本组织及下级组织的人员", { exact: true }).check();
  await manage.getByRole("button", { name: "上传", exact: true }).click();
  await expect(manage.getByRole("status")).toHaveText("文件已上传，正文检索将在后台建立");
  await expect(manage.getByRole("link", { name: title })).toBeVisible();
  expect(await axeViolations(manage), "the library at a desk").toEqual([]);

  await signInAs(page, "member", "周党员");
  await page.goto("/documents");
  await page.getByRole("navigation", { name: "我的组织" }).getByRole("link", { name: "计算机学院党委" }).click();
  await page.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  await expect(page.getByTestId("pdf-pages")).toHaveAttribute("data-pages", "1");
  const canvas = page.getByLabel("第 1 页");
  await expect(canvas).toBeVisible();
  await expect.poll(() => canvas.evaluate((c: HTMLCanvasElement) => c.width)).toBeGreaterThan(0);
  await expect(page.getByRole("link", { name: /^下载/ })).toHaveAttribute("href", /\/documents\/\d+\/download$/);
  expect(await axeViolations(page), "a document's page on a phone").toEqual([]);

  // The text is extracted off the request path; the search finds it once the runner is done.
  await expect
    .poll(
      async () => {
        await page.goto(`/documents/search?q=${encodeURIComponent(word)}`);
        return page.getByTestId("document-row").count();
      },
      { timeout: 30_000 },
    )
    .toBe(1);
  await expect(page.getByTestId("document-row")).toContainText(title);
  expect(await axeViolations(page), "the library search").toEqual([]);
});
