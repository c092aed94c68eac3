import path from "node:path";
import { parseArgs } from "node:util";

// `npm run restore -- <backup folder> [--force]`: with the server stopped, restores a backup made by
// `npm run backup` (or the schedule) into DATABASE_URL and DATA_DIR. Checks every checksum and the
// migration level first; refuses to replace a database that has data unless --force. The next
// `npm start` applies any migration newer than the backup. On PostgreSQL DATABASE_URL names an empty
// database (createdb) and the dump goes in with pg_restore. Decision 075; README "Backup and restore".

const { values, positionals } = parseArgs({ options: { force: { type: "boolean", default: false } }, allowPositionals: true });
if (positionals.length !== 1) {
  console.error("用法 usage: npm run restore -- <备份目录 backup folder> [--force]");
  process.exit(2);
}
process.env.DATABASE_URL ??= "file:./data/app.db";

const { env } = await import("../app/.server/env");
const { restoreBackup, uploadsNotice } = await import("../app/.server/ops/backup");
try {
  const { manifest, files } = await restoreBackup({
    folder: path.resolve(positionals[0]),
    databaseUrl: env.databaseUrl,
    dataDir: env.dataDir,
    force: values.force,
    root: path.resolve(import.meta.dirname, ".."),
  });
  // The target as an operator recognises it: the SQLite file, or the PostgreSQL database without its password.
  const target = env.databaseEngine === "postgres" ? redactedUrl(env.databaseUrl) : env.databaseFile;
  console.info(`已恢复 (restored) ${manifest.createdAt} 的备份 → ${target}，${files} 个文件 → ${env.dataDir}`);
  console.info("校验和与迁移级别均已核对 (checksums and migration level verified)。现在可以运行 npm start。");
  const notice = uploadsNotice(manifest);
  if (notice) console.warn(notice);
  // A folder backup restored for a server that reads a bucket: the files went to DATA_DIR, where it does not look.
  if (!manifest.uploads && env.storage.kind === "s3" && files > 0) {
    console.warn(
      `本备份的上传文件已恢复到 ${env.dataDir}，但 STORAGE_URL 指向对象存储 s3://${env.storage.bucket}：请把其中的文件按相同路径复制到存储桶。` +
        ` / This backup's uploads were restored into ${env.dataDir}, but STORAGE_URL is the bucket s3://${env.storage.bucket}: copy those files into the bucket under the same paths.`,
    );
  }
} catch (e) {
  console.error(`恢复失败 (restore failed): ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

function redactedUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
