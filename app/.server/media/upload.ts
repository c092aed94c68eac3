import { AppError, isAppError } from "~/lib/app-error";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type UploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { allowBodyUpTo } from "../http/body-limit";
import { UNREADABLE_FORM_MESSAGE } from "../http/form-body";
import { OVERHEAD_BYTES, tooLargeMessage } from "../http/upload";

// Receiving a large file (a lesson video) as it arrives: the multipart part is written to a temporary
// file under DATA_DIR, chunk by chunk, waiting for the disk, and never held in memory. Past the limit
// the upload is refused and the partial file removed. What the file is gets checked afterwards, by its
// bytes (course-files.ts checkMediaFile), before it is kept under a generated name.

export type ReceivedFile = { tmpPath: string; filename: string; bytes: number };

export async function receiveFileUpload(request: Request, opts: { field: string; maxBytes: number; tmpDir: string }): Promise<ReceivedFile> {
  const contentType = request.headers.get("Content-Type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) throw new AppError("malformed", "请通过页面上的表单选择文件并提交");
  const budget = opts.maxBytes + OVERHEAD_BYTES;
  const declared = Number(request.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > budget) throw new AppError("too_large", tooLargeMessage(opts.maxBytes));
  // The server holds every body to the form limit (body-limit.ts); this route takes a video.
  allowBodyUpTo(budget);
  fs.mkdirSync(opts.tmpDir, { recursive: true });

  let received: ReceivedFile | null = null;
  const written: string[] = [];
  const handler: UploadHandler = async ({ name, filename, data }) => {
    if (name !== opts.field || !filename || received) {
      for await (const chunk of data) void chunk; // drained and dropped
      return undefined;
    }
    const tmpPath = path.join(opts.tmpDir, `${crypto.randomBytes(12).toString("hex")}.part`);
    written.push(tmpPath);
    const out = fs.createWriteStream(tmpPath);
    let bytes = 0;
    try {
      for await (const chunk of data) {
        bytes += chunk.byteLength;
        if (bytes > opts.maxBytes) throw new AppError("too_large", `文件超过 ${Math.round(opts.maxBytes / 1024 / 1024)} MB 的上限`);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      }
    } finally {
      await new Promise<void>((r) => out.end(() => r()));
    }
    received = { tmpPath, filename, bytes };
    return filename;
  };
  try {
    await unstable_parseMultipartFormData(request, handler);
  } catch (e) {
    for (const f of written) fs.rmSync(f, { force: true });
    // A body that breaks its own boundary is the client's mistake, not the server's.
    throw isAppError(e) ? e : new AppError("malformed", UNREADABLE_FORM_MESSAGE);
  }
  if (!received) throw new AppError("invalid", "请选择要上传的文件");
  return received;
}
