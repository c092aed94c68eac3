import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSvgSafe, probeVideoFile, sniffMedia } from "~/.server/media/probe";
import { AppError } from "~/lib/app-error";
import { ROOT, TMP } from "../support/paths";

// Files are judged by their bytes. The fixtures were made with ffmpeg 5.1 (testsrc, 64×64, 10 fps)
// and their durations are what ffprobe reports; the rest are built here from them.

const FIXTURES = path.join(ROOT, "tests", "fixtures", "media");
const fixture = (name: string) => path.join(FIXTURES, name);
const bytes = (name: string) => new Uint8Array(fs.readFileSync(fixture(name)));

// ffprobe -show_entries format=duration
const DURATIONS: [string, "video/mp4" | "video/webm", number][] = [
  ["tiny.mp4", "video/mp4", 2.0],
  ["tiny-moov-at-end.mp4", "video/mp4", 2.0],
  ["tiny.webm", "video/webm", 2.0],
];

let dir: string;
beforeAll(() => {
  fs.mkdirSync(TMP, { recursive: true });
  dir = fs.mkdtempSync(path.join(TMP, "media-probe-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function tempFile(content: Uint8Array): string {
  const file = path.join(dir, `file-${counter++}`);
  fs.writeFileSync(file, content);
  return file;
}

// --- a small ISO BMFF toolkit for building variants of the fixtures -----------------------------

type RawBox = { type: string; header: number; body: Buffer };

function parseBoxes(buf: Buffer): RawBox[] {
  const out: RawBox[] = [];
  for (let at = 0; at < buf.length;) {
    const size = buf.readUInt32BE(at);
    out.push({ type: buf.toString("latin1", at + 4, at + 8), header: 8, body: buf.subarray(at + 8, at + size) });
    at += size;
  }
  return out;
}

function box(type: string, ...body: Buffer[]): Buffer {
  const content = Buffer.concat(body);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + content.length);
  header.write(type, 4, "latin1");
  return Buffer.concat([header, content]);
}

/** A box with a 64-bit size, as writers use for media data over 4 GB. */
function largeBoxHeader(type: string, bodyLength: number): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1);
  header.write(type, 4, "latin1");
  header.writeBigUInt64BE(BigInt(16 + bodyLength), 8);
  return header;
}

const topLevel = (name: string) => parseBoxes(fs.readFileSync(fixture(name)));
const find = (boxes: RawBox[], type: string) => boxes.find((b) => b.type === type)!;

/** tiny.mp4's moov with its mvhd rewritten by `rewrite`. */
function moovWithMvhd(rewrite: (mvhd: Buffer) => Buffer): Buffer {
  const children = parseBoxes(find(topLevel("tiny.mp4"), "moov").body);
  return box("moov", ...children.map((c) => (c.type === "mvhd" ? box("mvhd", rewrite(c.body)) : box(c.type, c.body))));
}

/** mvhd version 1: 64-bit times and duration. */
function mvhdVersion1(v0: Buffer, timescale: number, duration: bigint): Buffer {
  const body = Buffer.alloc(4 + 28 + (v0.length - 20));
  body[0] = 1;
  body.writeUInt32BE(timescale, 4 + 16);
  body.writeBigUInt64BE(duration, 4 + 20);
  v0.copy(body, 32, 20); // rate, volume, matrix, next track id: the same in both versions
  return body;
}

const ftyp = () => box("ftyp", find(topLevel("tiny.mp4"), "ftyp").body);

// --- sniffing ----------------------------------------------------------------------------------

describe("sniffMedia", () => {
  it.each([
    ["tiny.mp4", { kind: "video", mime: "video/mp4" }],
    ["tiny-moov-at-end.mp4", { kind: "video", mime: "video/mp4" }],
    ["tiny.webm", { kind: "video", mime: "video/webm" }],
    ["tiny.png", { kind: "image", mime: "image/png" }],
  ])("knows %s by its bytes", (name, expected) => {
    expect(sniffMedia(bytes(name).subarray(0, 4096))).toEqual(expected);
  });

  it.each([
    ["JPEG", [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46], { kind: "image", mime: "image/jpeg" }],
    ["WebP", [...Buffer.from("RIFF"), 0x24, 0, 0, 0, ...Buffer.from("WEBPVP8 ")], { kind: "image", mime: "image/webp" }],
  ])("knows %s by its signature", (_, head, expected) => {
    expect(sniffMedia(new Uint8Array(head))).toEqual(expected);
  });

  it("refuses Matroska, a text file, an empty file, a RIFF that is not WebP and a QuickTime movie", () => {
    expect(sniffMedia(bytes("tiny.mkv"))).toBeNull();
    expect(sniffMedia(bytes("not-a-video.mp4"))).toBeNull();
    expect(sniffMedia(new Uint8Array())).toBeNull();
    expect(sniffMedia(new Uint8Array([...Buffer.from("RIFF"), 0x24, 0, 0, 0, ...Buffer.from("WAVEfmt ")]))).toBeNull();
    expect(sniffMedia(new Uint8Array(box("ftyp", Buffer.from("qt  \0\0\0\0qt  "))))).toBeNull();
  });

  it("takes an MP4 by a compatible brand when the major brand is unusual", () => {
    expect(sniffMedia(new Uint8Array(box("ftyp", Buffer.from("XAVC\0\0\0\0XAVCmp42"))))).toEqual({ kind: "video", mime: "video/mp4" });
  });

  it.each([
    ['<svg xmlns="http://www.w3.org/2000/svg"/>'],
    ['\uFEFF  \n<svg width="1" height="1"></svg>'],
    [
      '<?xml version="1.0" encoding="UTF-8"?>\n<!-- Generator: Adobe Illustrator 24.0.0 -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg>',
    ],
    ['<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "svg11.dtd" [\n  <!ENTITY ns_extend "http://ns.adobe.com/Extensibility/1.0/">\n]>\n<svg>'],
  ])("knows an SVG: %s", (text) => {
    expect(sniffMedia(new TextEncoder().encode(text))).toEqual({ kind: "image", mime: "image/svg+xml" });
  });

  it.each([
    ["HTML", "<!doctype html><html><svg></svg></html>"],
    ["a comment that never ends", "<!-- <svg>"],
    ["a DOCTYPE that never ends", '<!DOCTYPE svg [<!ENTITY x "<svg>"'],
    ["an element merely starting with svg", "<svgfoo>"],
  ])("does not take %s for an SVG", (_, text) => {
    expect(sniffMedia(new TextEncoder().encode(text))).toBeNull();
  });
});

// --- durations ---------------------------------------------------------------------------------

describe("probeVideoFile", () => {
  it.each(DURATIONS)("reads %s as %s lasting %f s", async (name, mime, seconds) => {
    const probe = await probeVideoFile(fixture(name));
    expect(probe.mime).toBe(mime);
    expect(probe.durationSec).toBeCloseTo(seconds, 1);
    expect(Math.abs(probe.durationSec - seconds)).toBeLessThanOrEqual(0.05);
  });

  it("reads mvhd version 1 (64-bit duration)", async () => {
    const moov = moovWithMvhd((v0) => mvhdVersion1(v0, 90_000, 90_000n * 3723n));
    const file = tempFile(Buffer.concat([ftyp(), moov]));
    expect((await probeVideoFile(file)).durationSec).toBe(3723);
  });

  it("walks past a media data box with a 64-bit size to a moov at the end", async () => {
    const boxes = topLevel("tiny-moov-at-end.mp4");
    const mdat = find(boxes, "mdat").body;
    const file = tempFile(Buffer.concat([ftyp(), largeBoxHeader("mdat", mdat.length), mdat, box("moov", find(boxes, "moov").body)]));
    expect((await probeVideoFile(file)).durationSec).toBeCloseTo(2, 2);
  });

  it("reads a last box whose size 0 means 'to the end of the file'", async () => {
    const boxes = topLevel("tiny-moov-at-end.mp4");
    const moov = box("moov", find(boxes, "moov").body);
    moov.writeUInt32BE(0, 0);
    const file = tempFile(Buffer.concat([ftyp(), box("mdat", find(boxes, "mdat").body), moov]));
    expect((await probeVideoFile(file)).durationSec).toBeCloseTo(2, 2);
  });

  it("takes a fragmented file's duration from mehd when mvhd says zero", async () => {
    const children = parseBoxes(find(topLevel("tiny.mp4"), "moov").body);
    const mehd = Buffer.alloc(8);
    mehd.writeUInt32BE(5000, 4); // version 0, flags, fragment_duration in mvhd's timescale (1000)
    const moov = box(
      "moov",
      ...children.map((c) => {
        if (c.type !== "mvhd") return box(c.type, c.body);
        const body = Buffer.from(c.body);
        body.writeUInt32BE(0, 16); // duration
        return box("mvhd", body);
      }),
      box("mvex", box("mehd", mehd)),
    );
    expect((await probeVideoFile(tempFile(Buffer.concat([ftyp(), moov])))).durationSec).toBe(5);
  });

  it("reads a WebM whose Segment has an unknown size", async () => {
    const webm = Buffer.from(bytes("tiny.webm"));
    const at = webm.indexOf(Buffer.from([0x18, 0x53, 0x80, 0x67])) + 4;
    expect(webm[at]).toBe(0x01); // an 8-byte size, which the unknown marker replaces in place
    webm.fill(0xff, at + 1, at + 8);
    expect((await probeVideoFile(tempFile(webm))).durationSec).toBeCloseTo(2, 2);
  });

  it("reads a WebM with a 4-byte float Duration and its own TimecodeScale", async () => {
    const webm = Buffer.from(bytes("tiny.webm"));
    // Info as ffmpeg writes it: TimecodeScale 1 000 000, Duration as an 8-byte float. Rewrite both
    // in place into TimecodeScale 1 000 (3 bytes → padded) and a 4-byte float, keeping lengths.
    const scale = webm.indexOf(Buffer.from([0x2a, 0xd7, 0xb1, 0x83, 0x0f, 0x42, 0x40]));
    const duration = webm.indexOf(Buffer.from([0x44, 0x89, 0x88]));
    expect(scale).toBeGreaterThan(0);
    expect(duration).toBeGreaterThan(0);
    webm.set([0x2a, 0xd7, 0xb1, 0x83, 0x00, 0x03, 0xe8], scale);
    // 0x4489, size 4, float32 2 000 000 ticks of 1 µs; then a 4-byte Void element (0xEC, size 2) fills the gap.
    const float = Buffer.alloc(4);
    float.writeFloatBE(2_000_000);
    webm.set([0x44, 0x89, 0x84, ...float, 0xec, 0x82, 0x00, 0x00], duration);
    expect((await probeVideoFile(tempFile(webm))).durationSec).toBeCloseTo(2, 3);
  });

  it("refuses what is not a supported video, in Chinese", async () => {
    await expect(probeVideoFile(fixture("not-a-video.mp4"))).rejects.toThrow(
      new AppError("unsupported_media", "无法识别的视频格式：仅支持 MP4（H.264）和 WebM"),
    );
    await expect(probeVideoFile(fixture("tiny.png"))).rejects.toThrow(/无法识别的视频格式/);
    await expect(probeVideoFile(tempFile(new Uint8Array()))).rejects.toThrow(/无法识别的视频格式/);
    await expect(probeVideoFile(fixture("tiny.mkv"))).rejects.toThrow(/不支持 MKV（Matroska）格式/);
    await expect(probeVideoFile(fixture("tiny-hevc.mp4"))).rejects.toThrow(
      /不支持 H\.265\/HEVC 编码的 MP4：浏览器无法普遍播放，请转换为 H\.264 编码的 MP4 或 WebM/,
    );
  });

  it("refuses a cut-off file", async () => {
    await expect(probeVideoFile(fixture("truncated.mp4"))).rejects.toThrow(new AppError("unsupported_media", "视频文件已损坏或不完整，无法读取时长"));
    // A faststart file keeps its whole moov when cut off; the media data box's size tells.
    await expect(probeVideoFile(tempFile(bytes("tiny.mp4").subarray(0, 2000)))).rejects.toThrow(/已损坏或不完整/);
    await expect(probeVideoFile(tempFile(bytes("tiny.webm").subarray(0, 3000)))).rejects.toThrow(/已损坏或不完整/);
    await expect(probeVideoFile(tempFile(bytes("tiny.webm").subarray(0, 60)))).rejects.toThrow(/已损坏或不完整/);
    await expect(probeVideoFile(tempFile(Buffer.concat([ftyp(), box("free")])))).rejects.toThrow(/已损坏或不完整/);
  });

  it("refuses a video without a duration", async () => {
    const zero = moovWithMvhd((v0) => {
      const body = Buffer.from(v0);
      body.writeUInt32BE(0, 16);
      return body;
    });
    await expect(probeVideoFile(tempFile(Buffer.concat([ftyp(), zero])))).rejects.toThrow(/没有记录时长/);

    // A WebM recorded live (MediaRecorder) has no Duration element: rename it to a Void of equal length.
    const webm = Buffer.from(bytes("tiny.webm"));
    const duration = webm.indexOf(Buffer.from([0x44, 0x89, 0x88]));
    webm.set([0xec, 0x89], duration); // 0xEC (Void) + 1-byte size 9: covers the old size byte and the float
    await expect(probeVideoFile(tempFile(webm))).rejects.toThrow(/没有记录时长/);
  });

  it("refuses an MP4 with sound only", async () => {
    const children = parseBoxes(find(topLevel("tiny.mp4"), "moov").body).filter((c) => c.type !== "trak");
    const moov = box("moov", ...children.map((c) => box(c.type, c.body)));
    await expect(probeVideoFile(tempFile(Buffer.concat([ftyp(), moov])))).rejects.toThrow(/没有视频画面/);
  });

  it("reads a few bytes of a large file, wherever its moov is", async () => {
    // 100 MB of media data, sparse on disk, with the moov after it. The kernel's count of bytes this
    // process read (Linux /proc/self/io) shows whether the probe read past the headers.
    const boxes = topLevel("tiny-moov-at-end.mp4");
    const mdatLength = 100 * 1024 * 1024;
    const file = path.join(dir, "large.mp4");
    const head = Buffer.concat([ftyp(), largeBoxHeader("mdat", mdatLength)]);
    fs.writeFileSync(file, head);
    fs.truncateSync(file, head.length + mdatLength);
    fs.appendFileSync(file, box("moov", find(boxes, "moov").body));

    const readBytes = () => {
      const io = fs.readFileSync("/proc/self/io", "utf8");
      return Number(/^rchar: (\d+)$/m.exec(io)![1]);
    };
    const hasProcIo = fs.existsSync("/proc/self/io");
    const rssBefore = process.memoryUsage().rss;
    const before = hasProcIo ? readBytes() : 0;
    const probe = await probeVideoFile(file);
    const read = hasProcIo ? readBytes() - before : 0;

    expect(probe.durationSec).toBeCloseTo(2, 2);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(20 * 1024 * 1024);
    if (hasProcIo) expect(read).toBeLessThan(256 * 1024);
  });
});

// --- SVG ---------------------------------------------------------------------------------------

describe("checkSvgSafe", () => {
  const SVG = (inner: string, attrs = "") => `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"${attrs}>${inner}</svg>`;

  it("accepts a plain drawing with gradients, internal references and an embedded raster image", () => {
    const svg = `<?xml version="1.0"?>\n${SVG(
      '<defs><linearGradient id="g"><stop offset="0" stop-color="#c00"/></linearGradient><path id="p" d="M0 0L10 10"/></defs>' +
        '<rect width="10" height="10" fill="url(#g)" style="stroke: url(\'#g\')"/><use xlink:href="#p"/><use href="#p"/>' +
        '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/><text font-family="sans-serif" x="1">党课 online</text>',
      ' viewBox="0 0 10 10"',
    )}`;
    expect(checkSvgSafe(svg)).toBeNull();
  });

  it.each([
    ["script", SVG("<script>alert(1)</script>"), /<script>/],
    ["script in capitals", SVG("<SCRIPT>alert(1)</SCRIPT>"), /<script>/],
    ["namespaced XHTML script", SVG('<html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(1)</html:script>'), /<script>/],
    ["onload on the root", SVG("", ' onload="alert(1)"'), /事件属性/],
    ["onclick with spaces around =", SVG('<rect onclick = "alert(1)"/>'), /事件属性/],
    ["event attribute right after a quote", SVG('<rect x="1"onmouseover="alert(1)"/>'), /事件属性/],
    ["javascript: link", SVG('<a href="javascript:alert(1)"><text>x</text></a>'), /javascript:|外部资源/],
    ["entity-encoded javascript:", SVG('<a xlink:href="&#106;avascript:alert(1)">x</a>'), /javascript:/],
    ["javascript: split by a newline", SVG('<a href="java\nscript:alert(1)">x</a>'), /javascript:/],
    ["javascript: in an animation value", SVG('<a><animate attributeName="href" values="javascript:alert(1)"/>x</a>'), /javascript:|动画/],
    ["set animating an event attribute", SVG('<set attributeName="onmouseover" to="alert(1)"/>'), /动画|事件属性/],
    ["foreignObject", SVG('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'), /<foreignObject>/],
    ["iframe", SVG('<iframe src="https://evil.example"/>'), /<iframe>/],
    ["embed", SVG('<embed src="x.swf"/>'), /<embed>/],
    ["external image", SVG('<image href="https://tracker.example/p.png"/>'), /外部资源/],
    ["external use", SVG('<use xlink:href="other.svg#icon"/>'), /外部资源/],
    ["protocol-relative href, single quotes", SVG("<image href='//evil.example/x.png'/>"), /外部资源/],
    ["data: URL that is not an image", SVG('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>'), /外部资源|<script>/],
    ["external url() in a style", SVG('<rect style="fill: url(https://evil.example/x.svg#g)"/>'), /url\(\)/],
    ["@import in a style element", SVG('<style>@import "https://evil.example/x.css";</style>'), /@import/],
    ["xml-stylesheet", `<?xml-stylesheet href="https://evil.example/x.css"?>${SVG("")}`, /样式表|外部资源/],
    ["entity declaration", `<!DOCTYPE svg [<!ENTITY lol "lol">]>${SVG("&lol;")}`, /实体/],
  ])("refuses %s", (_, svg, message) => {
    const problem = checkSvgSafe(svg);
    expect(problem).toMatch(/^SVG 图片不得/);
    expect(problem).toMatch(message);
  });
});
