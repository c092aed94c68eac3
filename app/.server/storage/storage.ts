import { env } from "../env";
import { FolderStorage } from "./folder";
import { S3Storage } from "./s3";

/** Bytes start…end of a file, both inclusive (an HTTP Range). */
export type ByteRange = { start: number; end: number };

// Where uploaded and generated files live (decision 076): course media uploaded in the studio, library
// documents, meeting minutes' photos and attachments, assignment attachments, claim evidence, pipeline
// documents, page images. Every call site goes through a `FileStorage` by key (the path under DATA_DIR
// the database already records, e.g. `library/3f…e1.pdf`), never through `fs` on a path of its own, so
// another implementation can take the folder's place:
// - `FolderStorage` on DATA_DIR (today's layout, existing files keep working), which is also the
//   shared-folder implementation for several nodes (NFS or SMB mounted on each): a file appears whole
//   or not at all (temporary file + rename) and reads need no lock.
// - `S3Storage` on a bucket of an S3-compatible store (STORAGE_URL=s3://…, decision 081): the same keys
//   as objects, so nodes share uploads without a shared folder.

export interface FileStorage {
  /** Stores the bytes under the key, replacing what was there; readers see the old file or the new one whole, never a part. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Moves a file of this machine (an upload's temporary file) under the key, likewise whole. */
  putFile(key: string, localPath: string): Promise<void>;
  /** The stored bytes, or null when the key holds nothing. */
  get(key: string): Promise<Buffer | null>;
  /** The stored file's size in bytes, or null when the key holds nothing. */
  size(key: string): Promise<number | null>;
  exists(key: string): Promise<boolean>;
  /**
   * Bytes start…end (inclusive) as a web stream that reads only as the consumer asks, opened at the
   * first read and closed at the end, on an error or when cancelled. A missing key errors the stream
   * with an error whose `code` is "ENOENT".
   */
  stream(key: string, range: ByteRange): ReadableStream<Uint8Array>;
  /** Removes the key's file; nothing happens when there is none. */
  delete(key: string): Promise<void>;
}

const g = globalThis as typeof globalThis & { __fileStorage?: FileStorage; __contentFiles?: FileStorage };

/** The server's storage for uploaded and generated files: the bucket of STORAGE_URL, or DATA_DIR. */
export function fileStorage(): FileStorage {
  const settings = env.storage;
  return (g.__fileStorage ??= settings.kind === "s3" ? new S3Storage(settings) : new FolderStorage(env.dataDir));
}

/** The files shipped with the code (a course's media under content/courses): read-only in use, the same on every node. */
export function contentFiles(): FileStorage {
  return (g.__contentFiles ??= new FolderStorage(env.contentRoot));
}

/**
 * Refuses to start on a storage that cannot be used: a bucket that does not exist, keys it refuses, a
 * store out of reach (the folder needs no check: it is made on the first write).
 */
export async function checkFileStorage(): Promise<void> {
  const storage = fileStorage();
  if (!(storage instanceof S3Storage)) return;
  try {
    await storage.check();
  } catch (e) {
    throw new Error(`文件存储（STORAGE_URL）不可用 / the file storage (STORAGE_URL) cannot be used: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}
