import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FileStorage } from "~/.server/storage/storage";
import { TMP } from "./paths";

// The contract every FileStorage keeps (decisions 076, 081), so call sites have no per-store code. Each
// implementation's test file calls this with a factory that opens an empty store of its own: the folder
// (tests/unit/folder-storage.test.ts) and an S3 bucket on a real S3-compatible server
// (tests/unit/s3-storage.test.ts). What only one of them can show (the folder's layout on the disk, a
// bucket's wrong keys) stays in that file.

export type OpenedFileStorage = { storage: FileStorage; close(): Promise<void> };

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

export function describeFileStorageConformance(name: string, open: () => Promise<OpenedFileStorage>) {
  describe(`FileStorage conformance: ${name}`, () => {
    let opened: OpenedFileStorage;
    let storage: FileStorage;
    let scratch: string;

    beforeAll(async () => {
      opened = await open();
      storage = opened.storage;
      fs.mkdirSync(TMP, { recursive: true });
      scratch = fs.mkdtempSync(path.join(TMP, "storage-uploads-"));
    });
    afterAll(async () => {
      await opened?.close();
      if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it("puts, reads, sizes, replaces and deletes by key; a missing key is null or false", async () => {
      expect(await storage.exists("claims/a.png")).toBe(false);
      expect(await storage.get("claims/a.png")).toBeNull();
      expect(await storage.size("claims/a.png")).toBeNull();
      await storage.put("claims/a.png", Buffer.from("hello"));
      expect(await storage.exists("claims/a.png")).toBe(true);
      expect(await storage.size("claims/a.png")).toBe(5);
      expect((await storage.get("claims/a.png"))!.toString()).toBe("hello");
      await storage.put("claims/a.png", Buffer.from("replaced"));
      expect((await storage.get("claims/a.png"))!.toString()).toBe("replaced");
      await storage.delete("claims/a.png");
      // Deleting what is not there is no error.
      await storage.delete("claims/a.png");
      expect(await storage.exists("claims/a.png")).toBe(false);
    });

    it("keeps a course's media with a Chinese name, and an empty file", async () => {
      await storage.put("media/党史 学习(1)!.svg", Buffer.from("<svg/>"));
      expect((await storage.get("media/党史 学习(1)!.svg"))!.toString()).toBe("<svg/>");
      await storage.put("media/empty.txt", new Uint8Array(0));
      expect(await storage.size("media/empty.txt")).toBe(0);
      expect((await storage.get("media/empty.txt"))!.length).toBe(0);
      // A file of no bytes is served as the range 0…-1: nothing.
      expect((await readAll(storage.stream("media/empty.txt", { start: 0, end: -1 }))).length).toBe(0);
    });

    it("streams a range, inclusive, and errors the stream of a missing key (code ENOENT)", async () => {
      await storage.put("media/v.bin", Buffer.from("0123456789"));
      expect((await readAll(storage.stream("media/v.bin", { start: 2, end: 5 }))).toString()).toBe("2345");
      expect((await readAll(storage.stream("media/v.bin", { start: 0, end: 9 }))).toString()).toBe("0123456789");
      expect((await readAll(storage.stream("media/v.bin", { start: 9, end: 9 }))).toString()).toBe("9");
      await expect(storage.stream("media/none.bin", { start: 0, end: 1 }).getReader().read()).rejects.toMatchObject({ code: "ENOENT" });
      await expect(storage.stream("media/none.bin", { start: 0, end: -1 }).getReader().read()).rejects.toMatchObject({ code: "ENOENT" });
    });

    it("reads a large file's range only as it is pulled, and a cancel ends the read", async () => {
      const SIZE = 8 * 1024 * 1024;
      const big = Buffer.alloc(SIZE);
      for (let i = 0; i < SIZE; i += 4) big.writeUInt32BE(i, i);
      await storage.put("media/big.bin", big);
      const start = 1_000_003;
      const end = SIZE - 5;
      const got = await readAll(storage.stream("media/big.bin", { start, end }));
      expect(got.length).toBe(end - start + 1);
      expect(got.equals(big.subarray(start, end + 1))).toBe(true);
      // The first piece, then a cancel: the stream ends, and the store serves the next call as usual.
      const reader = storage.stream("media/big.bin", { start: 0, end: SIZE - 1 }).getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      expect(Buffer.from(first.value!).equals(big.subarray(0, first.value!.length))).toBe(true);
      expect(first.value!.length).toBeLessThan(SIZE);
      await reader.cancel();
      expect(await storage.size("media/big.bin")).toBe(SIZE);
    });

    it("moves an upload's temporary file under a key", async () => {
      const tmp = path.join(scratch, "upload.tmp");
      const bytes = Buffer.alloc(3 * 1024 * 1024 + 7, "v");
      fs.writeFileSync(tmp, bytes);
      await storage.putFile("media/x.mp4", tmp);
      expect(fs.existsSync(tmp)).toBe(false);
      expect((await storage.get("media/x.mp4"))!.equals(bytes)).toBe(true);
    });

    it.each([["../escape"], ["/etc/passwd"], ["claims/../../x"], ["claims//a"], ["claims\\a"], [""], ["a/./b"], ["a\u0000b"]])(
      "refuses the key %j",
      async (key) => {
        await expect(storage.put(key, Buffer.from("x"))).rejects.toThrow(/not a storage key/);
        await expect(storage.get(key)).rejects.toThrow(/not a storage key/);
        await expect(storage.size(key)).rejects.toThrow(/not a storage key/);
        await expect(storage.delete(key)).rejects.toThrow(/not a storage key/);
        expect(() => storage.stream(key, { start: 0, end: 0 })).toThrow(/not a storage key/);
      },
    );
  });
}
