import path from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { get, run, sql } from "../app/.server/sql";
import { migrate } from "./lib/migrate";
import type { UnitRow } from "./lib/record-writer";

// Production bootstrap (demo data is never written in production): creates the committee unit if
// the database has none, and an administrator over it.
//   npm run create-admin -- --number A0001 --name 张三 [--org 某某大学党委]
// The password is read from ADMIN_PASSWORD or asked for on the terminal.

const { values } = parseArgs({
  options: { number: { type: "string" }, name: { type: "string" }, org: { type: "string" } },
});
if (!values.number || !values.name) {
  console.error("用法 usage: npm run create-admin -- --number <工号> --name <姓名> [--org <校党委名称>]");
  process.exit(2);
}
process.env.DATABASE_URL ??= "file:./data/app.db";
const dbFile = path.resolve(process.env.DATABASE_URL.replace(/^file:/, ""));
migrate(dbFile);

const { NewPasswordSchema } = await import("../app/lib/password-policy");
let password = process.env.ADMIN_PASSWORD;
if (!password) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  password = await rl.question("管理员密码 (password): ");
  rl.close();
}
const checked = NewPasswordSchema.safeParse(password);
if (!checked.success) {
  console.error(checked.error.issues.map((i) => i.message).join("；"));
  process.exit(2);
}

const { openRecordWriter } = await import("./lib/record-writer");
const f = openRecordWriter(dbFile);
try {
  if (get(f.db, sql`SELECT 1 FROM "Person" WHERE "number" = ${values.number}`)) {
    console.error(`工号 ${values.number} 已存在。`);
    process.exit(1);
  }
  let root = get<UnitRow>(f.db, sql`SELECT "id", "path", "depth", "name", "kind" FROM "OrgUnit" WHERE "parentId" IS NULL ORDER BY "id" LIMIT 1`);
  if (!root && !values.org) {
    console.error("数据库中还没有党组织：请用 --org 给出校党委的名称。");
    process.exit(2);
  }
  root ??= f.unit({ name: values.org!, kind: "committee" });
  const id = f.person({ number: values.number, name: values.name, unitId: root.id, category: "staff", politicalStatus: "member" });
  await f.password(id, checked.data);
  f.grant(id, "admin", root.id);
  run(
    f.db,
    sql`INSERT INTO "AuditLog" ("at", "actorId", "action", "targetKind", "targetId", "ip", "detail")
        VALUES (${new Date()}, NULL, 'admin.create', 'person', ${String(id)}, 'cli', NULL)`,
  );
  console.info(`已创建管理员 ${values.name}（${values.number}），管理范围：${root.name}`);
} finally {
  f.close();
}
