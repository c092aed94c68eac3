import { env } from "../env";
import { FolderStorage } from "./folder";

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
// - An S3-compatible store is the interface's second implementation when one can be tested here
//   (no S3-compatible server is packaged for Debian 12; see decision 076).

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
   * first read and closed at the end, on an error or when cancelled. A missing key errors the stream.
   */
  stream(key: string, range: ByteRange): ReadableStream<Uint8Array>;
  /** Removes the key's file; nothing happens when there is none. */
  delete(key: string): Promise<void>;
}

const g = globalThis as typeof globalThis & { __fileStorage?: FileStorage; __contentFiles?: FileStorage };

/** The server's storage for uploaded and generated files (DATA_DIR). */
export function fileStorage(): FileStorage {
  return (g.__fileStorage ??= new FolderStorage(env.dataDir));
}

/** The files shipped with the code (a course's media under content/courses): read-only in use, the same on every node. */
export function contentFiles(): FileStorage {
  return (g.__contentFiles ??= new FolderStorage(env.contentRoot));
}
