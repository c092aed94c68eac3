import { describe, expect, it } from "vitest";
import { parseUploadForm } from "~/.server/http/upload";
import { AppError } from "~/lib/app-error";

// The multipart reader keeps within its budget even when the request declares no length.

const BOUNDARY = "----test-boundary";

function part(name: string, value: string | Uint8Array, filename?: string): Uint8Array {
  const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${filename !== undefined ? `; filename="${filename}"` : ""}\r\n${filename !== undefined ? "Content-Type: application/octet-stream\r\n" : ""}\r\n`;
  const body = typeof value === "string" ? new TextEncoder().encode(value) : value;
  return Buffer.concat([Buffer.from(head), body, Buffer.from("\r\n")]);
}

/** A chunked request without Content-Length, as a client streaming its body sends it. */
function request(parts: Uint8Array[]): Request {
  const bytes = Buffer.concat([...parts, Buffer.from(`--${BOUNDARY}--\r\n`)]);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
      controller.close();
    },
  });
  return new Request("http://localhost/upload", {
    method: "POST",
    headers: { "Content-Type": `multipart/form-data; boundary=${BOUNDARY}` },
    body: stream,
    duplex: "half",
  } as RequestInit);
}

const limits = { fileField: "file", textFields: ["intent"], maxFileBytes: 1024 * 1024 };

describe("parseUploadForm", () => {
  it("keeps the file and the known text fields, and drops everything else", async () => {
    const form = await parseUploadForm(
      request([part("intent", "dryRun"), part("file", "a,b\r\n1,2", "名单.csv"), part("file", "second", "x.csv"), part("other", "ignored")]),
      limits,
    );
    expect(form.get("intent")).toBe("dryRun");
    const file = form.get("file") as File;
    expect(file.name).toBe("名单.csv");
    expect(await file.text()).toBe("a,b\r\n1,2");
    expect(form.getAll("file")).toHaveLength(1);
    expect(form.get("other")).toBeNull();
  });

  it("stops a file above the limit while streaming", async () => {
    const big = new Uint8Array(limits.maxFileBytes + 1).fill(65);
    const error = await parseUploadForm(request([part("file", big, "big.csv")]), limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(413);
    expect((error as AppError).message).toContain("文件超过 1 MB 的上限");
  });

  it("stops many small unknown parts once they pass the budget", async () => {
    const junk = Array.from({ length: 40 }, (_, i) => part(`junk${i}`, new Uint8Array(64 * 1024).fill(66)));
    const error = await parseUploadForm(request(junk), limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
  });

  it("refuses a body that is not multipart", async () => {
    const req = new Request("http://localhost/upload", { method: "POST", body: "a=1", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    await expect(parseUploadForm(req, limits)).rejects.toThrow("请通过页面上的表单选择文件并提交");
  });
});
