// `npm run backup`: one backup now, into BACKUP_DIR (default ./backups), while the server may be
// serving; then all but the newest BACKUP_KEEP are deleted. Decision 075; README "Backup and restore".
//   npm run backup
//   BACKUP_DIR=/srv/backups/dangxiao npm run backup
process.env.DATABASE_URL ??= "file:./data/app.db";

const { env } = await import("../app/.server/env");
const { createBackup, pruneBackups, uploadsNotice } = await import("../app/.server/ops/backup");
try {
  const { folder, manifest } = await createBackup({
    databaseUrl: env.databaseUrl,
    dataDir: env.dataDir,
    backupDir: env.backup.dir,
    uploads: env.storage.kind === "s3" ? env.storage : undefined,
  });
  const removed = pruneBackups(env.backup.dir, env.backup.keep);
  const mb = (manifest.database.bytes / 1e6).toFixed(1);
  console.info(`备份完成 (backup written): ${folder}`);
  console.info(
    `  数据库 ${mb} MB，${manifest.files.length} 个文件，迁移 ${manifest.migrations.length} 个（最新 ${manifest.migrations.at(-1) ?? "无"}），用时 ${manifest.timings.total} ms`,
  );
  if (removed.length) console.info(`  已删除较早的备份 (older backups removed): ${removed.length}`);
  const notice = uploadsNotice(manifest);
  if (notice) console.warn(`  ${notice}`);
} catch (e) {
  console.error(`备份失败 (backup failed): ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
export {};
