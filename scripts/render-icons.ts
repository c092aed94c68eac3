import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";

// Renders the installable app's icons from its one drawing (app/pwa/mark.svg, badge.svg) into
// public/icons/. The PNGs are committed: run `npx tsx scripts/render-icons.ts` after changing a drawing.

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT = path.join(ROOT, "public", "icons");

const mark = fs.readFileSync(path.join(ROOT, "app", "pwa", "mark.svg"), "utf8");
// The "any" icons have rounded corners of their own; the maskable and Apple ones stay full-bleed,
// because the platform cuts their shape.
const rounded = mark.replace('<rect width="512" height="512"', '<rect width="512" height="512" rx="96"');
const badge = fs.readFileSync(path.join(ROOT, "app", "pwa", "badge.svg"), "utf8");

const icons: { file: string; svg: string; size: number }[] = [
  { file: "icon-192.png", svg: rounded, size: 192 },
  { file: "icon-512.png", svg: rounded, size: 512 },
  { file: "maskable-512.png", svg: mark, size: 512 },
  { file: "apple-touch-icon.png", svg: mark, size: 180 },
  { file: "badge-96.png", svg: badge, size: 96 },
];

fs.mkdirSync(OUT, { recursive: true });
for (const { file, svg, size } of icons) {
  // Rendered at the target size from the vector (density scales the 512-unit drawing), not downscaled.
  const density = Math.ceil((72 * size) / 512) * 8;
  await sharp(Buffer.from(svg), { density }).resize(size, size).png({ compressionLevel: 9 }).toFile(path.join(OUT, file));
  console.info(`${file} ${size}×${size}`);
}
