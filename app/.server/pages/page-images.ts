import crypto from "node:crypto";
import sharp from "sharp";
import { AppError } from "~/lib/app-error";
import { IMAGE_MAX_WIDTH, MAX_IMAGES_PER_ARTICLE, mayReadPage } from "~/lib/org-pages";
import { audit } from "../audit";
import { prisma } from "../db";
import { fileStorage } from "../storage/storage";
import { SNIFF_BYTES, sniffMedia } from "../media/probe";
import { mediaResponse } from "../media/range";
import { reviewRequiredFor } from "../review/review";
import { type PageReader } from "./pages";

// Images of page articles (docs/decisions/051). An upload is kept only when its bytes say JPEG, PNG or
// WebP; it is then decoded and re-encoded by sharp (libvips) in its own format, no wider than
// IMAGE_MAX_WIDTH, upright by its EXIF orientation and without its metadata (a phone photo's EXIF can
// hold where it was taken). libvips runs on libuv's threads, not the event loop; one thread per image
// keeps the two cores for requests, a pixel cap refuses decompression bombs, and a timeout bounds it.

export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
const MAX_INPUT_PIXELS = 40_000_000;
const RESIZE_TIMEOUT_SECONDS = 20;
const FIELD = "image";

sharp.concurrency(1);
sharp.cache(false);

const FORMATS = {
  "image/jpeg": { ext: "jpg", encode: (s: sharp.Sharp) => s.jpeg({ quality: 82, mozjpeg: true }) },
  "image/png": { ext: "png", encode: (s: sharp.Sharp) => s.png({ compressionLevel: 9 }) },
  "image/webp": { ext: "webp", encode: (s: sharp.Sharp) => s.webp({ quality: 82 }) },
} as const;
type StoredMime = keyof typeof FORMATS;

function storedMime(mime: string | undefined): StoredMime | null {
  return mime !== undefined && mime in FORMATS ? (mime as StoredMime) : null;
}

/** Decodes, bounds and re-encodes an image whose bytes named its format; refuses what libvips cannot read. */
export async function resizeImage(bytes: Uint8Array, mime: StoredMime) {
  try {
    const pipeline = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" })
      .rotate()
      .resize({ width: IMAGE_MAX_WIDTH, withoutEnlargement: true })
      .timeout({ seconds: RESIZE_TIMEOUT_SECONDS });
    const { data, info } = await FORMATS[mime].encode(pipeline).toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch {
    throw new AppError("invalid", "图片无法读取（文件已损坏或尺寸过大），请换一张图片", { field: FIELD });
  }
}

export async function addArticleImage(actorId: number, articleId: number, file: File | null, alt: string) {
  if (!file || file.size === 0) throw new AppError("invalid", "请选择图片", { field: FIELD });
  if (file.size > MAX_IMAGE_BYTES) throw new AppError("too_large", `图片不能超过 ${MAX_IMAGE_BYTES / 1024 / 1024} MB`, { field: FIELD });
  const article = await prisma.pageArticle.findUnique({
    where: { id: articleId },
    select: { archivedAt: true, column: { select: { unitId: true } }, _count: { select: { images: true } } },
  });
  if (!article || article.archivedAt) throw new AppError("not_found", "没有找到该文章");
  // An image added to a published article is published at once; the review queue holds text only
  // (docs/decisions/052), so where review is required an image cannot bypass it.
  if (await reviewRequiredFor(article.column.unitId)) {
    throw new AppError("conflict", "本党组织发布内容须经审核，暂不能为已发布的文章直接添加图片", { field: FIELD });
  }
  if (article._count.images >= MAX_IMAGES_PER_ARTICLE) throw new AppError("invalid", `每篇文章最多 ${MAX_IMAGES_PER_ARTICLE} 张图片`, { field: FIELD });
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sniffed = sniffMedia(bytes.subarray(0, SNIFF_BYTES));
  const mime = sniffed?.kind === "image" ? storedMime(sniffed.mime) : null;
  if (!mime) throw new AppError("invalid", "图片须为 JPEG、PNG 或 WebP 格式（按文件内容判断，与文件名无关）", { field: FIELD });
  const resized = await resizeImage(bytes, mime);
  const filePath = `pages/${crypto.randomBytes(16).toString("hex")}.${FORMATS[mime].ext}`;
  await fileStorage().put(filePath, resized.data);
  try {
    const image = await prisma.pageImage.create({
      data: { articleId, filePath, mime, width: resized.width, height: resized.height, bytes: resized.data.byteLength, alt },
      select: { id: true, width: true, height: true, bytes: true },
    });
    await audit({
      actorId,
      action: "page.image_add",
      targetKind: "page_image",
      targetId: image.id,
      detail: { articleId, bytes: image.bytes, width: image.width },
    });
    return image;
  } catch (e) {
    await fileStorage().delete(filePath);
    throw e;
  }
}

/** Removes one of an article's images; an image of another article is "not found". */
export async function removeArticleImage(actorId: number, articleId: number, imageId: number) {
  const image = await prisma.pageImage.findUnique({ where: { id: imageId }, select: { filePath: true, articleId: true } });
  if (!image || image.articleId !== articleId) throw new AppError("not_found", "没有找到该图片");
  await prisma.pageImage.delete({ where: { id: imageId } });
  await fileStorage().delete(image.filePath);
  await audit({ actorId, action: "page.image_remove", targetKind: "page_image", targetId: imageId, detail: { articleId: image.articleId } });
}

/** An image for a person who may read its article's page; the same 404 for anyone else and for an unknown id. */
export async function imageResponse(reader: PageReader, imageId: number): Promise<Response> {
  const notFound = new Response("图片不存在", { status: 404 });
  const image = await prisma.pageImage.findUnique({
    where: { id: imageId },
    select: {
      filePath: true,
      mime: true,
      article: { select: { archivedAt: true, column: { select: { visible: true, unit: { select: { path: true, archivedAt: true } } } } } },
    },
  });
  if (!image) return notFound;
  const { article } = image;
  const readerUnit = await prisma.orgUnit.findUniqueOrThrow({ where: { id: reader.unitId }, select: { path: true } });
  const readable =
    !article.archivedAt &&
    article.column.visible &&
    !article.column.unit.archivedAt &&
    mayReadPage({ unitPath: readerUnit.path, grants: reader.grants }, article.column.unit.path);
  if (!readable) return notFound;
  return mediaResponse(fileStorage(), image.filePath, { mime: image.mime, range: null, cacheControl: "private, max-age=300" });
}
