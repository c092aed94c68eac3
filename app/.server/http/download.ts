// A generated file (Excel workbook, CSV) sent as a download. Every such file here names people or
// holds answer keys, so it is private and never stored by a shared cache.

export type Download = { body: Buffer; fileName: string; contentType: string };

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** A bold cell of a write-excel-file sheet, and a header row of them. */
export const boldCell = (value: string) => ({ value, fontWeight: "bold" as const });
export const headerRow = (...titles: string[]) => titles.map(boldCell);

/** A file name as RFC 5987's `filename*` value: encodeURIComponent leaves ' ( ) * which are not attr-chars, so they are escaped too. */
export const rfc5987 = (name: string) => encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `asciiName` is for old clients that ignore `filename*`; the Chinese name goes in `filename*`. */
export function downloadResponse(file: Download, asciiName: string): Response {
  return new Response(new Uint8Array(file.body), {
    headers: {
      "Content-Type": file.contentType,
      "Cache-Control": "private, no-store",
      "Content-Disposition": `attachment; filename="${asciiName}"; filename*=UTF-8''${rfc5987(file.fileName)}`,
    },
  });
}
