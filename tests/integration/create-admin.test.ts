import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "~/.server/auth/password";
import { ROOT, TMP } from "../support/paths";

// The production bootstrap as an operator runs it: `npm run create-admin` on a database file of its
// own, the password from ADMIN_PASSWORD. What the operator checks: the exit code and sentence, and
// that the new account can sign in as an administrator over the committee.

const files: string[] = [];

function freshFile(): string {
  fs.mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, `create-admin-${crypto.randomUUID()}.db`);
  files.push(file);
  return file;
}

function createAdmin(file: string, args: string[], password = "Dangxiao2026") {
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/create-admin.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${file}`, ADMIN_PASSWORD: password },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, out: result.stdout + result.stderr };
}

afterAll(() => {
  for (const f of files) for (const s of ["", "-wal", "-shm"]) fs.rmSync(f + s, { force: true });
});

// Each test runs the script up to four times (tsx, the migrations, argon2 each time): 30 s was met at load 12.
describe("npm run create-admin", { timeout: 120_000 }, () => {
  it("creates the committee and an administrator over it on an empty database, audited", async () => {
    const file = freshFile();
    const { status, out } = createAdmin(file, ["--number", "A0001", "--name", "张三", "--org", "某某大学党委"]);
    expect(out).toContain("已创建管理员 张三（A0001），管理范围：某某大学党委");
    expect(status).toBe(0);

    const db = new Database(file, { readonly: true });
    try {
      const person = db
        .prepare(`SELECT p."id", p."name", u."name" AS "unit", u."parentId" FROM "Person" p JOIN "OrgUnit" u ON u."id" = p."unitId" WHERE p."number" = 'A0001'`)
        .get() as {
        id: number;
        name: string;
        unit: string;
        parentId: number | null;
      };
      expect(person).toMatchObject({ name: "张三", unit: "某某大学党委", parentId: null });
      const grant = db.prepare(`SELECT "role", "unitId" FROM "RoleGrant" WHERE "personId" = ?`).all(person.id);
      expect(grant).toEqual([{ role: "admin", unitId: expect.any(Number) }]);
      const hash = (db.prepare(`SELECT "hash" FROM "Password" WHERE "personId" = ?`).get(person.id) as { hash: string }).hash;
      expect(await verifyPassword(hash, "Dangxiao2026")).toBe(true);
      expect(await verifyPassword(hash, "Dangxiao2027")).toBe(false);
      expect(db.prepare(`SELECT "action", "targetId" FROM "AuditLog"`).all()).toEqual([{ action: "admin.create", targetId: String(person.id) }]);
    } finally {
      db.close();
    }
  });

  it("adds a second administrator under the existing committee, and refuses a number in use or a weak password", () => {
    const file = freshFile();
    expect(createAdmin(file, ["--number", "A0001", "--name", "张三", "--org", "某某大学党委"]).status).toBe(0);

    const second = createAdmin(file, ["--number", "A0002", "--name", "李四"]);
    expect(second.out).toContain("管理范围：某某大学党委");
    expect(second.status).toBe(0);

    const again = createAdmin(file, ["--number", "A0002", "--name", "王五"]);
    expect(again.out).toContain("工号 A0002 已存在。");
    expect(again.status).toBe(1);

    const weak = createAdmin(file, ["--number", "A0003", "--name", "赵六"], "short1");
    expect(weak.out).toContain("密码至少 8 位");
    expect(weak.status).toBe(2);

    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare(`SELECT "number" FROM "Person" ORDER BY "number"`).all()).toEqual([{ number: "A0001" }, { number: "A0002" }]);
      expect(db.prepare(`SELECT COUNT(*) AS "n" FROM "OrgUnit"`).get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it("asks for the committee's name when the database has none, and writes nothing", () => {
    const file = freshFile();
    const { status, out } = createAdmin(file, ["--number", "A0001", "--name", "张三"]);
    expect(out).toContain("数据库中还没有党组织：请用 --org 给出校党委的名称。");
    expect(status).toBe(2);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare(`SELECT COUNT(*) AS "n" FROM "Person"`).get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
