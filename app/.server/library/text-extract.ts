import { createRequire } from "node:module";
import path from "node:path";
import zlib from "node:zlib";
import { type DocumentKind } from "~/lib/library";
import { zipEntries } from "../http/xlsx-layout";

// The text of a library file, for the search index (decision 050). Runs in the extraction thread
// only (extract-worker.ts), never on a request. PDF text through pdf.js with evaluation of fonts as
// code turned off; DOCX text from word/document.xml, unpacked with a cap on its size. Both stop at
// MAX_TEXT_CHARS: the index keeps terms, not whole books.

export const MAX_TEXT_CHARS = 200_000;
export const MAX_PDF_PAGES = 500;
/** word/document.xml of a long report is a few MB; more is a zip bomb or not worth indexing whole. */
export const MAX_DOCX_XML_BYTES = 32 * 1024 * 1024;

export async function extractText(bytes: Uint8Array, kind: DocumentKind): Promise<string> {
  if (kind === "pdf") return pdfText(bytes);
  if (kind === "docx") return docxText(bytes);
  return "";
}

const pdfjsDir = () => path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));

async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const dir = pdfjsDir();
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    enableXfa: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
    // Chinese PDFs name predefined CMaps (UniGB-UCS2-H): read from the package, never fetched.
    cMapUrl: `${dir}/cmaps/`,
    cMapPacked: true,
    standardFontDataUrl: `${dir}/standard_fonts/`,
  });
  const doc = await task.promise;
  try {
    let text = "";
    for (let n = 1; n <= Math.min(doc.numPages, MAX_PDF_PAGES) && text.length < MAX_TEXT_CHARS; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      for (const item of content.items) if ("str" in item) text += item.str + (item.hasEOL ? "\n" : "");
      text += "\n";
      page.cleanup();
    }
    return text.slice(0, MAX_TEXT_CHARS);
  } finally {
    await task.destroy();
  }
}

const decodeXml = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const cp = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : "";
    }
    return ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" } as Record<string, string>)[e.toLowerCase()] ?? m;
  });

/** The text runs of word/document.xml, a line per paragraph. Why not mammoth: it converts to HTML through JSZip with no cap on what it unpacks; the index needs only the text. */
export function docxText(bytes: Uint8Array): string {
  const entry = zipEntries(bytes)?.find((e) => e.name.replace(/^\//, "") === "word/document.xml");
  if (!entry) throw new Error("word/document.xml missing");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = entry.localOffset + 30 + view.getUint16(entry.localOffset + 26, true) + view.getUint16(entry.localOffset + 28, true);
  const data = bytes.subarray(start, start + entry.compressedSize);
  // Past the cap inflateRawSync throws rather than unpack a bomb.
  const xml = (entry.method === 0 ? Buffer.from(data) : zlib.inflateRawSync(data, { maxOutputLength: MAX_DOCX_XML_BYTES })).toString("utf8");
  let text = "";
  for (const m of xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<\/w:p>|<w:br\/>/g)) {
    text += m[1] !== undefined ? decodeXml(m[1]) : m[0] === "<w:tab/>" ? "\t" : "\n";
    if (text.length >= MAX_TEXT_CHARS) break;
  }
  return text.slice(0, MAX_TEXT_CHARS);
}
