import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "~/.server/auth/password";
import { openCourseFactory } from "../course-factories";
import { Client } from "../support/client";
import { inProcessDatabase } from "../support/in-process-db";
import { ROOT, TMP } from "../support/paths";
import { type TestS3, startTestS3 } from "../support/s3-server";
import { type TestServer, startTestServer } from "../support/server";
import { SERVER_START_TEST_MS, databaseUrlOf, spawnServer } from "../support/spawn-server";

// The real server with its uploads in a bucket (STORAGE_URL=s3://…, decision 081) on a real
// S3-compatible server (tests/support/s3-server.ts): a video uploaded in the studio lands in the
// bucket, not in DATA_DIR, and is served back whole and by byte range; a bucket the keys cannot use
// stops the server at start, in Chinese and English, instead of at the first upload. On the run's
// engine (decision 080): a SQLite file, or a fresh PostgreSQL database in the integration-pg run.

let s3: TestS3;
let server: TestServer;
let courseId: number;
const dataDir = path.join(TMP, `s3-storage-${process.pid}-${Date.now()}`);
const PASSWORD = "Passw0rd1";
const VIDEO = fs.readFileSync(path.join(ROOT, "tests/fixtures/media/tiny.mp4"));

beforeAll(async () => {
  s3 = await startTestS3();
  server = await startTestServer({ env: { DATA_DIR: dataDir, ...s3.env } });
  const f = server.factory;
  const root = f.unit({ name: "对象存储大学党委", kind: "committee" });
  const college = f.unit({ name: "新闻学院党委", kind: "college", parent: root });
  const trainer = f.person({ number: "TRAINER", name: "培训员", unitId: college.id, politicalStatus: "member" });
  f.passwordHash(trainer, await hashPassword(PASSWORD));
  f.grant(trainer, "trainer", college.id);
  courseId = openCourseFactory(f.db).course({ slug: "duixiang-cunchu", unitId: college.id, status: "draft" });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await s3?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("uploads in an S3 bucket", () => {
  it("keeps a studio upload in the bucket and serves it back, whole and by range", async () => {
    const c = new Client(server.url);
    expect((await c.login("TRAINER", PASSWORD)).status).toBe(302);
    const form = new FormData();
    form.append("file", new Blob([VIDEO], { type: "video/mp4" }), "第一课 视频.mp4");
    expect((await c.request(`/manage/courses/${courseId}/media`, { method: "POST", body: form })).status).toBe(302);
    const row = server.factory.db.prepare(`SELECT "path", "storage", "file" FROM "MediaFile" WHERE "courseId" = ?`).get(courseId) as {
      path: string;
      storage: string;
      file: string;
    };
    expect(row).toMatchObject({ path: "media/file.mp4", storage: "upload" });
    expect(row.file).toMatch(/^media\/[0-9a-f]{32}\.mp4$/);

    // In the bucket under the same key, and nothing in DATA_DIR but the emptied upload folder.
    const object = path.join(s3.directory, s3.settings.bucket, `${row.file}._S3rver_object`);
    expect(fs.readFileSync(object).equals(VIDEO)).toBe(true);
    expect(fs.existsSync(path.join(dataDir, row.file))).toBe(false);
    expect(fs.readdirSync(path.join(dataDir, "media", "tmp"))).toEqual([]);

    const whole = await c.download(`/media/${courseId}/media/file.mp4`);
    expect(whole.status).toBe(200);
    expect(whole.bytes.equals(VIDEO)).toBe(true);
    const start = 100;
    const end = Math.min(VIDEO.length - 1, 1123);
    const part = await fetch(`${server.url}/media/${courseId}/media/file.mp4`, { headers: { Cookie: c.cookieHeader, Range: `bytes=${start}-${end}` } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes ${start}-${end}/${VIDEO.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(VIDEO.subarray(start, end + 1))).toBe(true);
    // Every request the server sent was signed with the right key.
    expect(s3.refused).toEqual([]);
  });

  it("npm run backup says the uploads are in the bucket and not in the backup, and the manifest names it", async () => {
    const backupDir = path.join(dataDir, "..", `${path.basename(dataDir)}-backups`);
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "backup.ts")], {
        cwd: ROOT,
        env: {
          ...process.env,
          TSX_TSCONFIG_PATH: path.join(ROOT, "tsconfig.json"),
          DATABASE_URL: databaseUrlOf(server.dbFile),
          DATA_DIR: dataDir,
          BACKUP_DIR: backupDir,
          ...s3.env,
        },
      });
      expect(stdout).toContain("备份完成 (backup written)");
      expect(stderr).toMatch(
        /上传文件保存在对象存储 s3:\/\/dangxiao-test \(http:\/\/127\.0\.0\.1:\d+\) 中，不在本备份内.* \/ The uploads are in the bucket s3:\/\/dangxiao-test/,
      );
      const [folder] = fs.readdirSync(backupDir);
      const manifest = JSON.parse(fs.readFileSync(path.join(backupDir, folder, "manifest.json"), "utf8")) as { uploads: unknown; files: { path: string }[] };
      expect(manifest.uploads).toEqual({ bucket: "dangxiao-test", endpoint: s3.settings.endpoint });
      expect(manifest.files.filter((f) => f.path.startsWith("files/media/"))).toEqual([]);
      expect(JSON.stringify(manifest)).not.toContain(s3.settings.secretAccessKey);
    } finally {
      fs.rmSync(backupDir, { recursive: true, force: true });
    }
  });

  it("refuses to start when the keys cannot use the bucket, or when the S3 settings are incomplete", { timeout: SERVER_START_TEST_MS }, async () => {
    // A database of its own: a server that refuses to start never touches the one serving above.
    const own = await inProcessDatabase("s3-storage-refused");
    const dbFile = own.target;
    try {
      const wrongKey = spawnServer({ dbFile, env: { DATA_DIR: dataDir, ...s3.env, S3_SECRET_ACCESS_KEY: "not-the-secret-of-this-key" } });
      await expect(wrongKey).rejects.toThrow(
        /文件存储（STORAGE_URL）不可用 \/ the file storage \(STORAGE_URL\) cannot be used: S3 HEAD s3:\/\/dangxiao-test .*HTTP 403/,
      );
      await expect(wrongKey).rejects.not.toThrow(/not-the-secret-of-this-key/);
      expect(s3.refused).toEqual(["SignatureDoesNotMatch"]);
      const incomplete = spawnServer({ dbFile, env: { DATA_DIR: dataDir, STORAGE_URL: s3.env.STORAGE_URL } });
      await expect(incomplete).rejects.toThrow(/STORAGE_URL 为 s3:\/\/ 时必须设置 S3_ENDPOINT/);
    } finally {
      await own.remove();
    }
  });
});
