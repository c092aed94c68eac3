import { type FileHandle, open } from "node:fs/promises";
import { AppError } from "~/lib/app-error";

// What a file really is, judged by its bytes rather than its name or the browser's Content-Type.
// Videos are probed with positioned reads of a few box or element headers, so a file of several
// hundred MB costs a handful of small reads whether its index sits at the start or at the end.

export type VideoMime = "video/mp4" | "video/webm";
export type ImageMime = "image/png" | "image/jpeg" | "image/webp" | "image/svg+xml";
export type SniffedMedia = { kind: "video"; mime: VideoMime } | { kind: "image"; mime: ImageMime };

/** How many leading bytes `sniffMedia` wants: enough for an SVG's XML declaration and comments. */
export const SNIFF_BYTES = 4096;

const UNSUPPORTED = "无法识别的视频格式：仅支持 MP4（H.264）和 WebM";
const MATROSKA = "不支持 MKV（Matroska）格式的视频：仅支持 MP4（H.264）和 WebM，请先转换格式";
const CORRUPT = "视频文件已损坏或不完整，无法读取时长";
const NO_DURATION = "视频文件没有记录时长（常见于直接录制的 WebM），请用转换工具重新导出后上传";
const NO_VIDEO_TRACK = "文件中没有视频画面（可能只有音频），无法作为课程视频";

// ISO base media brands of files browsers play as video/mp4. QuickTime ("qt  ") and 3GP are left out.
const MP4_BRANDS = new Set(["isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "dash", "msnv"]);

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

export function sniffMedia(head: Uint8Array): SniffedMedia | null {
  if (head.length >= 12 && ascii(head, 4, 8) === "ftyp") return isMp4Ftyp(head) ? { kind: "video", mime: "video/mp4" } : null;
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    return ebmlDocType(head) === "webm" ? { kind: "video", mime: "video/webm" } : null;
  }
  if (head.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => head[i] === b)) {
    return { kind: "image", mime: "image/png" };
  }
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { kind: "image", mime: "image/jpeg" };
  if (head.length >= 12 && ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return { kind: "image", mime: "image/webp" };
  if (looksLikeSvg(head)) return { kind: "image", mime: "image/svg+xml" };
  return null;
}

function isMp4Ftyp(head: Uint8Array): boolean {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const size = view.getUint32(0);
  if (size !== 0 && size < 16) return false;
  if (MP4_BRANDS.has(ascii(head, 8, 12))) return true;
  // Compatible brands follow the major brand and its minor version.
  const end = Math.min(size === 0 ? head.length : size, head.length);
  for (let i = 16; i + 4 <= end; i += 4) if (MP4_BRANDS.has(ascii(head, i, i + 4))) return true;
  return false;
}

function looksLikeSvg(head: Uint8Array): boolean {
  let text = new TextDecoder("utf-8").decode(head).replace(/^\uFEFF/, "");
  for (;;) {
    text = text.trimStart();
    if (text.startsWith("<?xml")) {
      const end = text.indexOf("?>");
      if (end < 0) return false;
      text = text.slice(end + 2);
    } else if (text.startsWith("<!--")) {
      const end = text.indexOf("-->", 4);
      if (end < 0) return false;
      text = text.slice(end + 3);
    } else if (/^<!DOCTYPE\s+svg\b/i.test(text)) {
      // Illustrator writes entity declarations in an internal subset; that is still an SVG (and
      // checkSvgSafe refuses it), so the subset is stepped over rather than taken as the end.
      const bracket = text.search(/[[>]/);
      if (bracket < 0) return false;
      const close = text[bracket] === "[" ? text.indexOf("]", bracket) : bracket;
      const end = close < 0 ? -1 : text.indexOf(">", close);
      if (end < 0) return false;
      text = text.slice(end + 1);
    } else {
      return /^<svg[\s>/]/.test(text);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// EBML (WebM / Matroska)

const EBML_MAGIC = 0x1a45dfa3;
const EBML_DOCTYPE = 0x4282;
const SEGMENT = 0x18538067;
const SEEK_HEAD = 0x114d9b74;
const SEEK = 0x4dbb;
const SEEK_ID = 0x53ab;
const SEEK_POSITION = 0x53ac;
const INFO = 0x1549a966;
const TIMECODE_SCALE = 0x2ad7b1;
const DURATION = 0x4489;

type Vint = { value: number; length: number; unknown: boolean };

/** An EBML variable-length integer; element ids keep their length marker, sizes drop it. */
function readVint(bytes: Uint8Array, at: number, keepMarker: boolean): Vint | null {
  const first = bytes[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[at + i];
    allOnes &&= bytes[at + i] === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

type ElementHeader = { id: number; size: number; unknownSize: boolean; headerLength: number };

function readElementHeader(bytes: Uint8Array, at: number): ElementHeader | null {
  const id = readVint(bytes, at, true);
  if (!id || id.length > 4) return null;
  const size = readVint(bytes, at + id.length, false);
  if (!size) return null;
  return { id: id.value, size: size.value, unknownSize: size.unknown, headerLength: id.length + size.length };
}

/** The children of an element held whole in memory (the EBML header, Info, SeekHead). */
function* childElements(bytes: Uint8Array, start: number, end: number) {
  let at = start;
  while (at < end) {
    const header = readElementHeader(bytes, at);
    if (!header || header.unknownSize) return;
    const dataStart = at + header.headerLength;
    const dataEnd = dataStart + header.size;
    if (dataEnd > end) return;
    yield { id: header.id, data: bytes.subarray(dataStart, dataEnd) };
    at = dataEnd;
  }
}

function readUint(bytes: Uint8Array): number {
  let value = 0;
  for (const b of bytes) value = value * 256 + b;
  return value;
}

function ebmlDocType(head: Uint8Array): string | null {
  const header = readElementHeader(head, 0);
  if (!header || header.id !== EBML_MAGIC || header.unknownSize) return null;
  const end = Math.min(header.headerLength + header.size, head.length);
  for (const child of childElements(head, header.headerLength, end)) {
    if (child.id === EBML_DOCTYPE) return ascii(child.data, 0, child.data.length).replace(/\0+$/, "");
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Positioned reads

async function readAt(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

export async function probeVideoFile(filePath: string): Promise<{ mime: VideoMime; durationSec: number }> {
  const file = await open(filePath, "r");
  try {
    const { size } = await file.stat();
    const head = await readAt(file, 0, Math.min(SNIFF_BYTES, size));
    const sniffed = sniffMedia(head);
    if (sniffed?.kind !== "video") {
      if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3 && ebmlDocType(head) === "matroska") {
        throw new AppError("unsupported_media", MATROSKA);
      }
      throw new AppError("unsupported_media", UNSUPPORTED);
    }
    const durationSec = sniffed.mime === "video/mp4" ? await mp4Duration(file, size) : await webmDuration(file, size);
    if (!Number.isFinite(durationSec) || durationSec <= 0) throw new AppError("unsupported_media", NO_DURATION);
    return { mime: sniffed.mime, durationSec };
  } finally {
    await file.close();
  }
}

// ---------------------------------------------------------------------------------------------
// MP4 (ISO base media file format)

type Box = { type: string; start: number; bodyStart: number; end: number };

// Far beyond any real file (a fragmented two-hour video has a few thousand top-level boxes), low
// enough that a file made of millions of empty boxes is refused instead of read header by header.
const MAX_BOXES = 100_000;

async function* boxes(file: FileHandle, start: number, end: number): AsyncGenerator<Box> {
  let at = start;
  for (let count = 0; at < end; count++) {
    if (count >= MAX_BOXES || end - at < 8) throw new AppError("unsupported_media", CORRUPT);
    const header = await readAt(file, at, 16);
    if (header.length < 8) throw new AppError("unsupported_media", CORRUPT);
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    const size32 = view.getUint32(0);
    const type = ascii(header, 4, 8);
    let bodyStart = at + 8;
    let boxEnd: number;
    if (size32 === 1) {
      if (header.length < 16) throw new AppError("unsupported_media", CORRUPT);
      bodyStart = at + 16;
      boxEnd = at + Number(view.getBigUint64(8));
    } else if (size32 === 0) {
      boxEnd = end; // the box runs to the end of its container (at the top level, of the file)
    } else {
      boxEnd = at + size32;
    }
    // A box running past its container is what a cut-off upload looks like.
    if (boxEnd < bodyStart || boxEnd > end) throw new AppError("unsupported_media", CORRUPT);
    yield { type, start: at, bodyStart, end: boxEnd };
    at = boxEnd;
  }
}

async function findChild(file: FileHandle, parent: Box, type: string): Promise<Box | null> {
  for await (const box of boxes(file, parent.bodyStart, parent.end)) if (box.type === type) return box;
  return null;
}

/** A full box's body: version byte, three flag bytes, then `length` bytes of fields. */
async function readFullBox(file: FileHandle, box: Box, length: number): Promise<{ version: number; view: DataView }> {
  const bytes = await readAt(file, box.bodyStart, Math.min(4 + length, box.end - box.bodyStart));
  if (bytes.length < 4) throw new AppError("unsupported_media", CORRUPT);
  return { version: bytes[0], view: new DataView(bytes.buffer, bytes.byteOffset + 4, bytes.byteLength - 4) };
}

const CODEC_NAMES: Record<string, string> = {
  hvc1: "H.265/HEVC",
  hev1: "H.265/HEVC",
  av01: "AV1",
  vp09: "VP9",
  mp4v: "MPEG-4 Part 2",
  encv: "加密视频",
};

async function mp4Duration(file: FileHandle, size: number): Promise<number> {
  // Every top-level box is walked, not only up to moov: a faststart file cut off in its media data
  // still has a complete moov, and only the sizes of the boxes after it show the loss.
  let moov: Box | null = null;
  for await (const box of boxes(file, 0, size)) if (box.type === "moov" && !moov) moov = box;
  if (!moov) throw new AppError("unsupported_media", CORRUPT);

  let timescale = 0;
  let duration = 0;
  let fragmentDuration = 0;
  const videoCodecs: string[] = [];
  for await (const child of boxes(file, moov.bodyStart, moov.end)) {
    if (child.type === "mvhd") {
      const { version, view } = await readFullBox(file, child, 28);
      if (version === 1 && view.byteLength >= 28) {
        timescale = view.getUint32(16);
        const d = view.getBigUint64(20);
        duration = d === 0xffffffffffffffffn ? 0 : Number(d);
      } else if (version === 0 && view.byteLength >= 16) {
        timescale = view.getUint32(8);
        const d = view.getUint32(12);
        duration = d === 0xffffffff ? 0 : d;
      } else {
        throw new AppError("unsupported_media", CORRUPT);
      }
    } else if (child.type === "mvex") {
      // Fragmented files may leave mvhd's duration at zero and give the whole length here.
      const mehd = await findChild(file, child, "mehd");
      if (mehd) {
        const { version, view } = await readFullBox(file, mehd, 8);
        if (version === 1 && view.byteLength >= 8) fragmentDuration = Number(view.getBigUint64(0));
        else if (view.byteLength >= 4) fragmentDuration = view.getUint32(0);
      }
    } else if (child.type === "trak") {
      const codec = await videoTrackCodec(file, child);
      if (codec) videoCodecs.push(codec);
    }
  }
  if (videoCodecs.length === 0) throw new AppError("unsupported_media", NO_VIDEO_TRACK);
  const other = videoCodecs.find((codec) => codec !== "avc1" && codec !== "avc3");
  if (other) {
    throw new AppError("unsupported_media", `不支持 ${CODEC_NAMES[other] ?? other} 编码的 MP4：浏览器无法普遍播放，请转换为 H.264 编码的 MP4 或 WebM`);
  }
  if (timescale === 0) throw new AppError("unsupported_media", CORRUPT);
  return (duration || fragmentDuration) / timescale;
}

/** The sample entry type of a video track ("avc1", "hvc1", …), or null for any other track. */
async function videoTrackCodec(file: FileHandle, trak: Box): Promise<string | null> {
  const mdia = await findChild(file, trak, "mdia");
  if (!mdia) return null;
  const hdlr = await findChild(file, mdia, "hdlr");
  if (!hdlr) return null;
  const handler = await readFullBox(file, hdlr, 8);
  if (handler.view.byteLength < 8) throw new AppError("unsupported_media", CORRUPT);
  const handlerType = String.fromCharCode(...[4, 5, 6, 7].map((i) => handler.view.getUint8(i)));
  if (handlerType !== "vide") return null;
  const minf = await findChild(file, mdia, "minf");
  const stbl = minf && (await findChild(file, minf, "stbl"));
  const stsd = stbl && (await findChild(file, stbl, "stsd"));
  if (!stsd) throw new AppError("unsupported_media", CORRUPT);
  // entry_count, then the first sample entry's size and type.
  const { view } = await readFullBox(file, stsd, 12);
  if (view.byteLength < 12 || view.getUint32(0) === 0) throw new AppError("unsupported_media", CORRUPT);
  return String.fromCharCode(...[8, 9, 10, 11].map((i) => view.getUint8(i)));
}

// ---------------------------------------------------------------------------------------------
// WebM

// Info and SeekHead are a few hundred bytes; anything claiming more is not trusted into memory.
const MAX_METADATA_ELEMENT = 64 * 1024;
const MAX_SEGMENT_CHILDREN = 10_000;

async function readElementAt(file: FileHandle, at: number, fileSize: number) {
  const header = readElementHeader(await readAt(file, at, 12), 0);
  if (!header) throw new AppError("unsupported_media", CORRUPT);
  const dataStart = at + header.headerLength;
  const dataEnd = header.unknownSize ? fileSize : dataStart + header.size;
  if (dataEnd > fileSize) throw new AppError("unsupported_media", CORRUPT);
  return { ...header, dataStart, dataEnd };
}

async function readElementData(file: FileHandle, element: { size: number; dataStart: number }) {
  if (element.size > MAX_METADATA_ELEMENT) throw new AppError("unsupported_media", CORRUPT);
  const data = await readAt(file, element.dataStart, element.size);
  if (data.length < element.size) throw new AppError("unsupported_media", CORRUPT);
  return data;
}

async function webmDuration(file: FileHandle, fileSize: number): Promise<number> {
  const ebml = await readElementAt(file, 0, fileSize);
  if (ebml.unknownSize) throw new AppError("unsupported_media", CORRUPT);

  // Void elements may stand between the EBML header and the Segment.
  let at = ebml.dataEnd;
  let segment = await readElementAt(file, at, fileSize);
  while (segment.id !== SEGMENT) {
    if (segment.unknownSize) throw new AppError("unsupported_media", CORRUPT);
    at = segment.dataEnd;
    if (at >= fileSize) throw new AppError("unsupported_media", CORRUPT);
    segment = await readElementAt(file, at, fileSize);
  }

  let info: Uint8Array | null = null;
  let infoPosition: number | null = null;
  at = segment.dataStart;
  for (let count = 0; at < segment.dataEnd && count < MAX_SEGMENT_CHILDREN; count++) {
    const element = await readElementAt(file, at, segment.dataEnd);
    if (element.id === INFO) {
      info = await readElementData(file, element);
      break;
    }
    if (element.id === SEEK_HEAD) infoPosition ??= seekPosition(await readElementData(file, element), INFO);
    // A live-recorded Cluster has no size and cannot be stepped over; the SeekHead may still point past it.
    if (element.unknownSize) break;
    at = element.dataEnd;
  }
  if (!info && infoPosition !== null) {
    const element = await readElementAt(file, segment.dataStart + infoPosition, segment.dataEnd);
    if (element.id !== INFO) throw new AppError("unsupported_media", CORRUPT);
    info = await readElementData(file, element);
  }
  if (!info) throw new AppError("unsupported_media", CORRUPT);

  let timecodeScale = 1_000_000; // nanoseconds per tick, the Matroska default
  let duration: number | null = null;
  for (const child of childElements(info, 0, info.length)) {
    if (child.id === TIMECODE_SCALE && child.data.length > 0) timecodeScale = readUint(child.data);
    if (child.id === DURATION) {
      const view = new DataView(child.data.buffer, child.data.byteOffset, child.data.byteLength);
      if (child.data.length === 4) duration = view.getFloat32(0);
      else if (child.data.length === 8) duration = view.getFloat64(0);
      else throw new AppError("unsupported_media", CORRUPT);
    }
  }
  if (duration === null) throw new AppError("unsupported_media", NO_DURATION);
  return (duration * timecodeScale) / 1e9;
}

/** The position, relative to the Segment's data, that a SeekHead gives for an element id. */
function seekPosition(seekHead: Uint8Array, wanted: number): number | null {
  for (const seek of childElements(seekHead, 0, seekHead.length)) {
    if (seek.id !== SEEK) continue;
    let id: number | null = null;
    let position: number | null = null;
    for (const field of childElements(seek.data, 0, seek.data.length)) {
      if (field.id === SEEK_ID) id = readUint(field.data);
      if (field.id === SEEK_POSITION) position = readUint(field.data);
    }
    if (id === wanted && position !== null) return position;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// SVG

/** Decodes the character references an XML parser would, so `&#106;avascript:` reads as it runs. */
function decodeReferences(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => safeFromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => safeFromCodePoint(parseInt(dec, 10)))
    .replace(/&(colon|tab|newline);/gi, (_, name: string) => ({ colon: ":", tab: "\t", newline: "\n" })[name.toLowerCase()] ?? "");
}

function safeFromCodePoint(code: number): string {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
}

const FORBIDDEN_ELEMENTS = ["script", "foreignObject", "iframe", "embed", "object", "handler", "listener", "base"];

/** Whether a reference stays inside the image: a fragment or an embedded raster image. */
function isInternalReference(value: string): boolean {
  const v = value.replace(/[\s\0]/g, "").toLowerCase();
  return v.startsWith("#") || v.startsWith("data:image/");
}

/**
 * The first thing that makes an uploaded SVG unsafe to serve, in Chinese, or null. Browsers do not
 * run scripts in an SVG shown through <img>, but they do in one opened directly, and external
 * references would let a course image load (or track through) other sites.
 */
export function checkSvgSafe(text: string): string | null {
  const src = decodeReferences(text);
  const compact = src.replace(/[\s\0]/g, "").toLowerCase();
  for (const name of FORBIDDEN_ELEMENTS) {
    if (new RegExp(`<([\\w.-]+:)?${name}[\\s/>]`, "i").test(src)) return `SVG 图片不得包含 <${name}> 元素`;
  }
  if (/[\s/"']on[a-z]+\s*=/i.test(src)) return "SVG 图片不得包含事件属性（如 onload、onclick）";
  if (/(?:java|vb)script:/.test(compact)) return "SVG 图片不得包含 javascript: 链接";
  if (/<!ENTITY/i.test(src) || /<!DOCTYPE[^>]*\[/i.test(src)) return "SVG 图片不得声明实体（<!ENTITY>）";
  if (/<\?xml-stylesheet/i.test(src)) return "SVG 图片不得引用外部样式表";
  if (/attributeName\s*=\s*["']?\s*(?:on|(?:[\w.-]+:)?href)/i.test(src)) return "SVG 图片不得用动画改写链接或事件属性";
  for (const match of src.matchAll(/(?:^|[\s"'/])(?:[\w.-]+:)?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))/gi)) {
    if (!isInternalReference(match[1] ?? match[2] ?? match[3] ?? "")) return "SVG 图片不得引用外部资源（href 只能指向图内的 #id 或内嵌图片）";
  }
  if (/@import/i.test(src)) return "SVG 图片不得引用外部资源（@import）";
  for (const match of src.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*))\s*\)/gi)) {
    if (!isInternalReference(match[1] ?? match[2] ?? match[3] ?? "")) return "SVG 图片不得引用外部资源（url() 只能指向图内的 #id 或内嵌图片）";
  }
  return null;
}
