// `npm run db:move-to-postgres -- <sqlite file> <postgresql://…>`: a school's SQLite database moved once into
// an empty PostgreSQL database (README "Moving a school to PostgreSQL"). Migrates the target, refuses one that
// holds rows or a file of another version, and copies everything in one transaction: all or nothing.
// Stop the server first (a backup, `npm run backup`, is the way to move a file that is being served).
import fs from "node:fs";
import path from "node:path";

const [from, to] = process.argv.slice(2);
if (!from || !to || !/^postgres(ql)?:\/\//.test(to)) {
  console.error("用法 (usage): npm run db:move-to-postgres -- <SQLite 数据库文件> <postgresql://用户:密码@主机:5432/数据库>");
  process.exit(2);
}
const file = path.resolve(from);
if (!fs.existsSync(file)) {
  console.error(`找不到 SQLite 数据库文件 (no such file): ${file}`);
  process.exit(2);
}

const { moveToPostgres } = await import("./lib/move-to-postgres");
try {
  const report = await moveToPostgres(file, to, (name, rows) => {
    if (rows > 0) console.info(`  ${name.padEnd(28)} ${rows} 行`);
  });
  console.info(`搬迁完成 (moved): ${report.tables.length} 张表，${report.rows} 行，用时 ${(report.ms / 1000).toFixed(1)} s`);
  console.info("数据文件夹 (DATA_DIR: 媒体、上传文件、证书密钥) 不在数据库中：请把它复制到各节点共享的位置。");
} catch (e) {
  console.error(`搬迁失败，目标数据库未写入任何数据 (nothing was written): ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
