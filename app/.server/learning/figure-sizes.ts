import sharp from "sharp";
import { type MdxNode } from "~/lib/mdx-tree";
import { prisma } from "../db";
import { contentFiles, fileStorage } from "../storage/storage";

export type FigureSize = { width: number; height: number };

// The pixel size of each <Figure> of a lesson, so the page gives its <img> a width and height and the
// text below does not jump when the picture arrives (CLS, decision 062). Read from the image's own
// header (sharp) once per file content and kept in memory; a picture that cannot be read is left
// unsized rather than failing the page.

const known = new Map<string, FigureSize | null>();
const MAX_KNOWN = 2_000;

function figureSources(tree: readonly MdxNode[]): string[] {
  return tree.flatMap((n) =>
    typeof n === "string" ? [] : [...(n.t === "Figure" && typeof n.p?.src === "string" ? [n.p.src] : []), ...figureSources(n.c ?? [])],
  );
}

export async function figureSizes(courseId: number, tree: readonly MdxNode[] | null): Promise<Record<string, FigureSize>> {
  const sources = [...new Set(figureSources(tree ?? []))];
  if (sources.length === 0) return {};
  const media = await prisma.mediaFile.findMany({
    where: { courseId, path: { in: sources } },
    select: { path: true, storage: true, file: true, sha256: true },
  });
  const sizes: Record<string, FigureSize> = {};
  await Promise.all(
    media.map(async (m) => {
      const key = `${m.file}:${m.sha256}`;
      if (!known.has(key)) {
        const bytes = await (m.storage === "content" ? contentFiles() : fileStorage()).get(m.file).catch(() => null);
        const meta = bytes
          ? await sharp(bytes)
              .metadata()
              .catch(() => null)
          : null;
        const size = meta?.width && meta.height ? { width: meta.width, height: meta.height } : null;
        if (known.size >= MAX_KNOWN) known.clear();
        known.set(key, size);
      }
      const size = known.get(key);
      if (size) sizes[m.path] = size;
    }),
  );
  return sizes;
}
