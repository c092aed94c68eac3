import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MediaResponseOptions, mediaResponse, parseRange } from "~/.server/media/range";
import { FolderStorage } from "~/.server/storage/folder";
import { ROOT, TMP } from "../support/paths";

// Range requests as a <video> element makes them when it seeks (RFC 9110 §14).

const FILE = path.join(ROOT, "tests", "fixtures", "media", "tiny.webm");
const CONTENT = fs.readFileSync(FILE);
const SIZE = CONTENT.length;

const COMMON = {
  "accept-ranges": "bytes",
  "cache-control": "private, max-age=3600",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  "x-content-type-options": "nosniff",
};

const headersOf = (response: Response) => Object.fromEntries(response.headers);
const bodyOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

describe("parseRange", () => {
  // The examples of RFC 9110 §14.1.2, for a representation of 10 000 bytes.
  it.each([
    ["bytes=0-499", { start: 0, end: 499 }],
    ["bytes=500-999", { start: 500, end: 999 }],
    ["bytes=-500", { start: 9500, end: 9999 }],
    ["bytes=9500-", { start: 9500, end: 9999 }],
    ["bytes=0-0", { start: 0, end: 0 }],
    ["bytes=-1", { start: 9999, end: 9999 }],
    ["bytes=9999-9999", { start: 9999, end: 9999 }],
    ["bytes=0-", { start: 0, end: 9999 }],
  ])("%s", (header, expected) => {
    expect(parseRange(header, 10_000)).toEqual(expected);
  });

  it.each([
    ["an end beyond the file, clamped", "bytes=9000-20000", { start: 9000, end: 9999 }],
    ["an end too large for a number", "bytes=0-99999999999999999999999", { start: 0, end: 9999 }],
    ["a suffix longer than the file: all of it", "bytes=-20000", { start: 0, end: 9999 }],
    ["the unit in capitals", "BYTES=0-1", { start: 0, end: 1 }],
    ["spaces around the range", " bytes= 0-1 ", { start: 0, end: 1 }],
    ["an empty list element", "bytes=0-1,", { start: 0, end: 1 }],
  ])("%s", (_, header, expected) => {
    expect(parseRange(header, 10_000)).toEqual(expected);
  });

  it.each([
    ["a start at the end", "bytes=10000-"],
    ["a start beyond the end", "bytes=10001-20000"],
    ["a start too large for a number", "bytes=99999999999999999999999-"],
    ["an empty suffix", "bytes=-0"],
  ])("%s is unsatisfiable", (_, header) => {
    expect(parseRange(header, 10_000)).toBe("unsatisfiable");
  });

  it("finds nothing to serve in an empty file", () => {
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
    expect(parseRange("bytes=-5", 0)).toBe("unsatisfiable");
    expect(parseRange(null, 0)).toBeNull();
  });

  it.each([
    ["no header", null],
    ["a start after the end (malformed)", "bytes=500-400"],
    ["another unit", "items=0-1"],
    ["no unit", "0-499"],
    ["no range", "bytes="],
    ["a dash alone", "bytes=-"],
    ["letters", "bytes=a-b"],
    ["a negative start", "bytes=--1"],
    ["a space inside the range", "bytes=0 -1"],
    ["a fraction", "bytes=0.5-1"],
    // Several ranges would need multipart/byteranges; the whole file is served instead.
    ["several ranges", "bytes=0-0,-1"],
    ["several ranges, the first unsatisfiable", "bytes=20000-,0-1"],
  ])("ignores %s", (_, header) => {
    expect(parseRange(header, 10_000)).toBeNull();
  });
});

/** A file on disk served through the folder storage of its directory. */
const serve = (file: string, opts: MediaResponseOptions) => mediaResponse(new FolderStorage(path.dirname(file)), path.basename(file), opts);

describe("mediaResponse", () => {
  it("sends the whole file without a Range", async () => {
    const response = await serve(FILE, { mime: "video/webm", range: null, etag: '"v1"' });
    expect(response.status).toBe(200);
    expect(headersOf(response)).toEqual({ ...COMMON, "content-type": "video/webm", "content-length": String(SIZE), etag: '"v1"' });
    expect((await bodyOf(response)).equals(CONTENT)).toBe(true);
  });

  it.each([
    ["the first byte", "bytes=0-0", 0, 0],
    ["the last byte", "bytes=-1", SIZE - 1, SIZE - 1],
    ["a middle part", "bytes=1000-1999", 1000, 1999],
    ["the rest from a point", "bytes=4000-", 4000, SIZE - 1],
    ["an end past the file, clamped", `bytes=100-${SIZE * 2}`, 100, SIZE - 1],
  ])("sends %s as 206", async (_, range, start, end) => {
    const response = await serve(FILE, { mime: "video/webm", range });
    expect(response.status).toBe(206);
    expect(headersOf(response)).toEqual({
      ...COMMON,
      "content-type": "video/webm",
      "content-length": String(end - start + 1),
      "content-range": `bytes ${start}-${end}/${SIZE}`,
    });
    expect((await bodyOf(response)).equals(CONTENT.subarray(start, end + 1))).toBe(true);
  });

  it("answers a range past the end with 416 and the size, not to be stored", async () => {
    const response = await serve(FILE, { mime: "video/webm", range: `bytes=${SIZE}-`, etag: '"v1"' });
    expect(response.status).toBe(416);
    expect(headersOf(response)).toEqual({ ...COMMON, "cache-control": "no-store", "content-range": `bytes */${SIZE}`, etag: '"v1"' });
    expect((await bodyOf(response)).length).toBe(0);
  });

  it("serves the whole file for several ranges or a malformed one", async () => {
    for (const range of ["bytes=0-0,-1", "bytes=9-1", "lines=1-2"]) {
      const response = await serve(FILE, { mime: "video/webm", range });
      expect(response.status).toBe(200);
      expect((await bodyOf(response)).equals(CONTENT)).toBe(true);
    }
  });

  it("honours If-Range only when it names this version by a strong tag", async () => {
    const ask = (ifRange: string | null, etag?: string) => serve(FILE, { mime: "video/webm", range: "bytes=0-9", etag, ifRange });
    expect((await ask('"v1"', '"v1"')).status).toBe(206);
    expect((await ask(null, '"v1"')).status).toBe(206);
    const stale = await ask('"v0"', '"v1"');
    expect(stale.status).toBe(200);
    expect(headersOf(stale)["content-length"]).toBe(String(SIZE));
    expect((await bodyOf(stale)).equals(CONTENT)).toBe(true);
    expect((await ask("Wed, 21 Oct 2015 07:28:00 GMT", '"v1"')).status).toBe(200);
    expect((await ask('W/"v1"', 'W/"v1"')).status).toBe(200);
    expect((await ask('"v1"')).status).toBe(200);
  });

  it("uses a given size and Cache-Control", async () => {
    const response = await serve(FILE, { mime: "image/svg+xml", size: SIZE, range: "bytes=-10", cacheControl: "private, no-cache" });
    expect(headersOf(response)).toMatchObject({
      "cache-control": "private, no-cache",
      "content-type": "image/svg+xml",
      "content-range": `bytes ${SIZE - 10}-${SIZE - 1}/${SIZE}`,
    });
    await response.body?.cancel();
  });

  it("throws a 404 Response for a missing file", async () => {
    const thrown = await serve(path.join(ROOT, "tests", "fixtures", "media", "missing.webm"), { mime: "video/webm", range: null }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
  });

  describe("with a large file", () => {
    let dir: string;
    let large: string;
    const LARGE = 300 * 1024 * 1024;
    beforeAll(() => {
      fs.mkdirSync(TMP, { recursive: true });
      dir = fs.mkdtempSync(path.join(TMP, "media-range-"));
      large = path.join(dir, "large.bin");
      fs.writeFileSync(large, "");
      fs.truncateSync(large, LARGE); // sparse: no disk space used
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    const hasProc = fs.existsSync("/proc/self/io");
    const bytesRead = () => Number(/^rchar: (\d+)$/m.exec(fs.readFileSync("/proc/self/io", "utf8"))![1]);
    const openDescriptors = () =>
      fs.readdirSync("/proc/self/fd").filter((fd) => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`) === large;
        } catch {
          return false;
        }
      }).length;

    it.runIf(hasProc)("reads from disk only as fast as the body is consumed, and closes the file on cancel", async () => {
      const before = bytesRead();
      const response = await serve(large, { mime: "video/mp4", range: null });
      expect(headersOf(response)["content-length"]).toBe(String(LARGE));
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(first.value!.byteLength).toBeGreaterThan(0);
      await sleep(200); // a slow client: nothing more is consumed for a while
      expect(bytesRead() - before).toBeLessThan(8 * 1024 * 1024);
      expect(openDescriptors()).toBe(1);

      await reader.cancel(); // the client went away
      await sleep(50);
      expect(openDescriptors()).toBe(0);
    });

    it.runIf(hasProc)("closes the file after a 416", async () => {
      const response = await serve(large, { mime: "video/mp4", range: `bytes=${LARGE}-` });
      expect(response.status).toBe(416);
      expect(openDescriptors()).toBe(0);
    });
  });
});
