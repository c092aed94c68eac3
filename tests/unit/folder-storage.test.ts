import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FolderStorage } from "~/.server/storage/folder";
import { TMP } from "../support/paths";

// The folder implementation of the file storage (decision 076), on a real directory: keys in DATA_DIR's
// layout, whole-or-nothing writes (a reader never sees a part of a file, also from another instance on
// the same folder, as a second node on a shared folder), ranges streamed, keys that would leave the
// folder refused.

let root: string;
let storage: FolderStorage;
beforeAll(() => {
  fs.mkdirSync(TMP, { recursive: true });
  root = fs.mkdtempSync(path.join(TMP, "folder-storage-"));
  storage = new FolderStorage(root);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

describe("FolderStorage", () => {
  it("puts, reads, sizes and deletes by key, in the folder's own layout", async () => {
    expect(await storage.exists("claims/a.png")).toBe(false);
    expect(await storage.get("claims/a.png")).toBeNull();
    await storage.put("claims/a.png", Buffer.from("hello"));
    expect(fs.readFileSync(path.join(root, "claims", "a.png"), "utf8")).toBe("hello");
    expect(await storage.exists("claims/a.png")).toBe(true);
    expect(await storage.size("claims/a.png")).toBe(5);
    expect((await storage.get("claims/a.png"))!.toString()).toBe("hello");
    await storage.put("claims/a.png", Buffer.from("replaced"));
    expect((await storage.get("claims/a.png"))!.toString()).toBe("replaced");
    await storage.delete("claims/a.png");
    await storage.delete("claims/a.png");
    expect(await storage.exists("claims/a.png")).toBe(false);
    // A directory is not a stored file.
    expect(await storage.size("claims")).toBeNull();
  });

  it("reads files written before it existed, and a course's media with a Chinese name", async () => {
    fs.mkdirSync(path.join(root, "media"), { recursive: true });
    fs.writeFileSync(path.join(root, "media", "党史.svg"), "<svg/>");
    expect((await storage.get("media/党史.svg"))!.toString()).toBe("<svg/>");
  });

  it("streams a range, inclusive, and errors the stream of a missing key", async () => {
    await storage.put("media/v.bin", Buffer.from("0123456789"));
    expect((await readAll(storage.stream("media/v.bin", { start: 2, end: 5 }))).toString()).toBe("2345");
    expect((await readAll(storage.stream("media/v.bin", { start: 0, end: 9 }))).toString()).toBe("0123456789");
    await expect(storage.stream("media/none.bin", { start: 0, end: 1 }).getReader().read()).rejects.toThrow(/ENOENT/);
  });

  it("moves an upload's temporary file under a key", async () => {
    const tmp = path.join(root, "upload.tmp");
    fs.writeFileSync(tmp, "video");
    await storage.putFile("media/x.mp4", tmp);
    expect(fs.existsSync(tmp)).toBe(false);
    expect((await storage.get("media/x.mp4"))!.toString()).toBe("video");
  });

  it("never shows a reader on another instance a part of a file being replaced", async () => {
    const other = new FolderStorage(root); // a second node on the same shared folder
    const SIZE = 4 * 1024 * 1024;
    const versions = ["a", "b", "c", "d"].map((c) => Buffer.alloc(SIZE, c));
    await storage.put("library/big.pdf", versions[0]);
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const got = (await other.get("library/big.pdf"))!;
        expect(got.length).toBe(SIZE);
        expect(got.every((b) => b === got[0])).toBe(true);
        reads++;
      }
    })();
    for (let i = 0; i < 12; i++) await storage.put("library/big.pdf", versions[i % versions.length]);
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    // No temporary file is left beside the key.
    expect(fs.readdirSync(path.join(root, "library"))).toEqual(["big.pdf"]);
  });

  it.each([["../escape"], ["/etc/passwd"], ["claims/../../x"], ["claims//a"], ["claims\\a"], [""], ["a/./b"], ["a\u0000b"]])(
    "refuses the key %j",
    async (key) => {
      await expect(storage.put(key, Buffer.from("x"))).rejects.toThrow(/not a storage key/);
      await expect(storage.get(key)).rejects.toThrow(/not a storage key/);
      expect(() => storage.stream(key, { start: 0, end: 0 })).toThrow(/not a storage key/);
    },
  );
});
