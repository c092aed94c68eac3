import crypto from "node:crypto";
import { type FileHandle, copyFile, mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { checkStorageKey } from "./key";
import type { ByteRange, FileStorage } from "./storage";

// Files in a folder by key (decision 076): the key is the path under the folder, in the layout DATA_DIR
// has always had. A write goes to a temporary file in the same directory and is renamed over the key,
// an atomic step on one file system (a local disk, or a folder shared by NFS or SMB), so a reader on
// this node or another sees the old file or the new one whole, never a part.

const CHUNK_BYTES = 64 * 1024;

export class FolderStorage implements FileStorage {
  constructor(readonly root: string) {}

  /** The file of a key; refuses anything that could leave the folder (`..`, absolute paths, backslashes). */
  private file(key: string): string {
    return path.join(this.root, checkStorageKey(key));
  }

  private async atomically(key: string, write: (tmp: string) => Promise<void>) {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Beside the target (the same file system, so the rename is atomic), named so no key can be it.
    const tmp = path.join(path.dirname(file), `.tmp-${crypto.randomBytes(8).toString("hex")}`);
    try {
      await write(tmp);
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  put(key: string, bytes: Uint8Array): Promise<void> {
    return this.atomically(key, (tmp) => writeFile(tmp, bytes, { flush: true }));
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    try {
      await rename(localPath, file);
    } catch (e) {
      // Another file system (a shared folder mounted elsewhere): copy beside the target, then rename.
      if ((e as NodeJS.ErrnoException).code !== "EXDEV") throw e;
      await this.atomically(key, (tmp) => copyFile(localPath, tmp));
      await rm(localPath, { force: true });
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.file(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }

  async size(key: string): Promise<number | null> {
    try {
      const s = await stat(this.file(key));
      return s.isFile() ? s.size : null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.size(key)) !== null;
  }

  stream(key: string, range: ByteRange): ReadableStream<Uint8Array> {
    const filePath = this.file(key);
    let handle: FileHandle | null = null;
    let position = range.start;
    const close = async () => {
      const h = handle;
      handle = null;
      await h?.close();
    };
    return new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            handle ??= await open(filePath, "r");
            const want = Math.min(CHUNK_BYTES, range.end - position + 1);
            const buffer = Buffer.allocUnsafe(Math.max(want, 0));
            const { bytesRead } = want > 0 ? await handle.read(buffer, 0, want, position) : { bytesRead: 0 };
            if (bytesRead > 0) {
              position += bytesRead;
              controller.enqueue(new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead));
            }
            if (bytesRead === 0 || position > range.end) {
              await close();
              controller.close();
            }
          } catch (error) {
            await close();
            controller.error(error);
          }
        },
        cancel: close,
      },
      // Nothing is read ahead of the consumer.
      new CountQueuingStrategy({ highWaterMark: 0 }),
    );
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }
}
