// A storage key is the path under DATA_DIR the database records (`library/3f…e1.pdf`, a course's media
// may have Chinese names): the same rule for every FileStorage, so a key that one implementation takes
// is never refused by another after a move from a folder to a bucket.

/** A relative path with `/` between names: no empty, `.` or `..` part, no backslash or NUL. */
export function isStorageKey(key: string): boolean {
  return key !== "" && !/[\\\0]/.test(key) && key.split("/").every((part) => part !== "" && part !== "." && part !== "..");
}

/** The key itself, or an error for anything that could leave the folder (`..`, absolute paths, backslashes). */
export function checkStorageKey(key: string): string {
  if (!isStorageKey(key)) throw new Error(`not a storage key: ${JSON.stringify(key)}`);
  return key;
}
