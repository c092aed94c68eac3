import { type DocumentKind } from "~/lib/library";
import { zipEntries } from "../http/xlsx-layout";

// What a library file is, judged by its bytes (decision 050): a PDF by its header; Word and Excel
// files are zips, told apart by the part their directory lists. A renamed program, an old .doc/.xls
// compound file, an image or any other zip is none of these.

export const DOCUMENT_MIME: Record<DocumentKind, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);

export function documentKind(bytes: Uint8Array): DocumentKind | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return "pdf";
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return null;
  const names = new Set(zipEntries(bytes)?.map((e) => e.name.replace(/^\//, "")) ?? []);
  if (names.has("word/document.xml")) return "docx";
  if (names.has("xl/workbook.xml")) return "xlsx";
  return null;
}
