import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FolderStorage } from "~/.server/storage/folder";
import { describeFileStorageConformance } from "../support/file-storage-conformance";
import { TMP } from "../support/paths";

// The folder implementation of the file storage (decision 076), on a real directory: the cases every
// FileStorage keeps (tests/support/file-storage-conformance.ts), then what is the folder's own: keys in
// DATA_DIR's layout, files written before it existed, and whole-or-nothing writes (a reader never sees a
// part of a file, also from another instance on the same folder, as a second node on a shared folder).

function tempRoot(): string {
  fs.mkdirSync(TMP, { recursive: true });
  return fs.mkdtempSync(path.join(TMP, "folder-storage-"));
}

describeFileStorageConformance("folder", async () => {
  const root = tempRoot();
  return { storage: new FolderStorage(root), close: async () => fs.rmSync(root, { recursive: true, force: true }) };
});

describe("FolderStorage", () => {
  let root: string;
  let storage: FolderStorage;
  beforeAll(() => {
    root = tempRoot();
    storage = new FolderStorage(root);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("keeps a key as the path under the folder, and a directory is not a stored file", async () => {
    await storage.put("claims/a.png", Buffer.from("hello"));
    expect(fs.readFileSync(path.join(root, "claims", "a.png"), "utf8")).toBe("hello");
    expect(await storage.size("claims")).toBeNull();
    expect(await storage.exists("claims")).toBe(false);
  });

  it("reads files written before it existed, and a course's media with a Chinese name", async () => {
    fs.mkdirSync(path.join(root, "media"), { recursive: true });
    fs.writeFileSync(path.join(root, "media", "党史.svg"), "<svg/>");
    expect((await storage.get("media/党史.svg"))!.toString()).toBe("<svg/>");
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
});
