import { env } from "../env";
import { createBackup, pruneBackups } from "./backup";
import { log } from "./log";

// Scheduled backups (decision 075), run by the one process that runs the background work (decision
// 071): every BACKUP_INTERVAL_HOURS (off by default), one backup into BACKUP_DIR, then all but the
// newest BACKUP_KEEP deleted. The first one an interval after the start, not at it: a server restarted
// in a loop must not fill the disk. A backup never overlaps the previous one. On PostgreSQL it is a
// pg_dump (backup-postgres.ts); with several nodes, set BACKUP_INTERVAL_HOURS on one of them only.

export function startBackupSchedule(): () => void {
  const { intervalHours, dir, keep } = env.backup;
  if (intervalHours <= 0) return () => {};
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const uploads = env.storage.kind === "s3" ? env.storage : undefined;
      const { folder, manifest } = await createBackup({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, backupDir: dir, uploads });
      const removed = pruneBackups(dir, keep);
      log.info("backup written", {
        folder,
        files: manifest.files.length,
        bytes: manifest.database.bytes,
        ms: manifest.timings.total,
        removed: removed.length,
        ...(manifest.uploads ? { uploadsNotBackedUp: `s3://${manifest.uploads.bucket}` } : {}),
      });
    } catch (e) {
      log.error("backup failed", e, { dir });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalHours * 3_600_000);
  timer.unref();
  log.info("scheduled backups on", { dir, intervalHours, keep });
  return () => clearInterval(timer);
}
