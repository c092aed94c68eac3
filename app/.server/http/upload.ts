import { AppError, isAppError } from "~/lib/app-error";
import { type UploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { allowBodyUpTo } from "./body-limit";
import { UNREADABLE_FORM_MESSAGE } from "./form-body";

// Reads a multipart form with one file field and a few short text fields, never holding more than
// a fixed budget in memory: Remix's memory handler limits each part, not the number of parts, so a
// request repeating a part could still grow without bound. Unknown parts are drained and dropped.

export type UploadLimits = {
  fileField: string;
  textFields: readonly string[];
  maxFileBytes: number;
  /** Per text field; passwords and hidden ids are short. */
  maxTextBytes?: number;
  /** What to do about a file over the limit, after the limit is named (an import: 请拆分后分批导入). */
  tooLargeHint?: string;
};

/** What a multipart body may hold besides its file: boundaries, part headers, the text fields. */
export const OVERHEAD_BYTES = 64 * 1024;

export function tooLargeMessage(maxFileBytes: number, hint?: string) {
  return `文件超过 ${Math.round(maxFileBytes / 1024 / 1024)} MB 的上限${hint ? `，${hint}` : ""}`;
}

export async function parseUploadForm(request: Request, limits: UploadLimits): Promise<FormData> {
  const contentType = request.headers.get("Content-Type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) throw new AppError("malformed", "请通过页面上的表单选择文件并提交");
  const maxText = limits.maxTextBytes ?? 1024;
  const budget = limits.maxFileBytes + OVERHEAD_BYTES;
  // The server holds every body to the form limit (body-limit.ts); this route takes a file.
  allowBodyUpTo(budget);
  const declared = Number(request.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > budget) throw new AppError("too_large", tooLargeMessage(limits.maxFileBytes, limits.tooLargeHint));

  let total = 0;
  let fileSeen = false;
  const count = (n: number) => {
    total += n;
    if (total > budget) throw new AppError("too_large", tooLargeMessage(limits.maxFileBytes, limits.tooLargeHint));
  };

  const handler: UploadHandler = async ({ name, filename, contentType: partType, data }) => {
    const isFile = name === limits.fileField && typeof filename === "string" && !fileSeen;
    const isText = limits.textFields.includes(name) && filename === undefined;
    const cap = isFile ? limits.maxFileBytes : isText ? maxText : Infinity;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      count(chunk.byteLength);
      if (!isFile && !isText) continue;
      size += chunk.byteLength;
      if (size > cap) throw new AppError("too_large", isFile ? tooLargeMessage(limits.maxFileBytes, limits.tooLargeHint) : "表单内容过长");
      chunks.push(chunk);
    }
    if (isFile) {
      fileSeen = true;
      // A browser sends an empty part with filename "" when no file was chosen.
      if (filename === "" && size === 0) return undefined;
      // The parser hands out plain (never shared) buffers.
      return new File(chunks as Uint8Array<ArrayBuffer>[], filename!, { type: partType });
    }
    if (isText) return Buffer.concat(chunks).toString("utf8");
    return undefined;
  };

  try {
    return await unstable_parseMultipartFormData(request, handler);
  } catch (e) {
    // A body that breaks its own boundary is the client's mistake, not the server's.
    if (isAppError(e)) throw e;
    throw new AppError("malformed", UNREADABLE_FORM_MESSAGE);
  }
}
