import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";
import writeXlsxFile, { type Cell } from "write-excel-file/node";
import { migrate } from "../scripts/lib/migrate";
import { makeIdNumber, openFactory } from "../tests/factories";

// `npx tsx bench/import-12000.ts`: a 12,000-row roster (one school's accounts) through the bulk
// import's domain functions against a fresh migrated SQLite file, as .xlsx and as .csv. Prints
// figures; asserts nothing about time (only that every row landed).

const ROWS = 12_000;
const root = path.resolve(import.meta.dirname, "..");
const tmp = path.join(root, "bench", ".tmp");
fs.mkdirSync(tmp, { recursive: true });
const dbFile = path.join(tmp, `import-${process.pid}.db`);
const removeDb = () => ["", "-wal", "-shm"].forEach((s) => fs.rmSync(dbFile + s, { force: true }));
removeDb();
migrate(dbFile);
// The app's modules read DATABASE_URL when first imported: set it before importing them.
process.env.DATABASE_URL = `file:${dbFile}`;

const f = openFactory(dbFile);
const school = f.unit({ name: "基准大学党委", kind: "committee" });
const branches: string[] = [];
f.transaction(() => {
  for (let c = 1; c <= 20; c++) {
    const college = f.unit({ name: `第${c}学院党委`, kind: "college", parent: school });
    for (let b = 1; b <= 10; b++) {
      const name = `第${c}学院第${b}党支部`;
      f.unit({ name, kind: "branch", branchType: "student", parent: college });
      branches.push(name);
    }
  }
});
const adminId = f.person({ number: "A0001", name: "管理员", unitId: school.id, category: "staff", politicalStatus: "member" });
f.grant(adminId, "admin", school.id);

const HEADER = [
  "学号/工号",
  "姓名",
  "性别",
  "人员类别",
  "所在党组织",
  "政治面貌",
  "政治面貌起始日期",
  "干部级别",
  "是否支委",
  "支委职务",
  "手机号",
  "身份证号",
];
const STATUSES = ["群众", "入党申请人", "入党积极分子", "发展对象", "预备党员", "正式党员"];
function roster(prefix: string): string[][] {
  const rows: string[][] = [];
  for (let i = 0; i < ROWS; i++) {
    const male = i % 2 === 0;
    // The 17th digit of an ID number is odd for men: keep gender and ID consistent.
    const id = makeIdNumber("110105", new Date(Date.UTC(2004, i % 12, 1 + (i % 28))), (i % 500) * 2 + (male ? 1 : 0));
    rows.push([
      `${prefix}${String(i).padStart(6, "0")}`,
      `学生${i}`,
      male ? "男" : "女",
      "学生",
      branches[i % branches.length],
      STATUSES[i % STATUSES.length],
      i % 3 === 0 ? "" : `2024/${1 + (i % 12)}/${1 + (i % 28)}`,
      "",
      i % 50 === 0 ? "是" : "否",
      i % 50 === 0 ? "组织委员" : "",
      `138${String(i).padStart(8, "0")}`,
      id,
    ]);
  }
  return rows;
}

const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;
const count = (table: string) => (f.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

const { dryRunImport, confirmImport, MAX_UPLOAD_BYTES } = await import("../app/.server/org/people-import");
const { readSpreadsheet } = await import("../app/.server/http/spreadsheet");
const { prisma } = await import("../app/.server/db");
const importer = { id: adminId, grants: [{ role: "admin" as const, unitId: school.id, unitPath: school.path }] };

const lines: [string, string][] = [];
const note = (label: string, value: string) => {
  lines.push([label, value]);
  console.info(`${label.padEnd(44)} ${value}`);
};

console.info(`import of ${ROWS} rows · ${os.cpus().length} cores · Node ${process.version} · load ${os.loadavg()[0].toFixed(2)}\n`);

let t = performance.now();
const xlsxRows: Cell[][] = [HEADER, ...roster("X")].map((r) => r.map((v) => ({ value: v, type: String, format: "@" })));
const xlsx = await writeXlsxFile(xlsxRows).toBuffer();
note("build the .xlsx fixture (not import work)", `${ms(t)}, ${(xlsx.length / 1e6).toFixed(2)} MB`);

t = performance.now();
const read = await readSpreadsheet({ name: "bench.xlsx", bytes: xlsx }, { maxBytes: MAX_UPLOAD_BYTES });
note(".xlsx: read the sheet", `${ms(t)} (${read.rows.length} lines)`);

t = performance.now();
const dry = await dryRunImport(importer, { name: "bench.xlsx", bytes: xlsx });
note(".xlsx: dry run (read + parse + validate + DB checks)", `${ms(t)}, ${dry.total} rows, ${dry.problemRowCount} with problems`);
if (dry.problemRowCount) throw new Error(`bench fixture has problems: ${JSON.stringify(dry.problemRows.slice(0, 3))}`);

t = performance.now();
const done = await confirmImport(importer, { name: "bench.xlsx", bytes: xlsx }, dry.sha256);
note(".xlsx: confirm (re-read, re-check, write)", `${ms(t)}, ${done.ok ? done.imported : "FAILED"} imported`);
if (!done.ok) throw new Error("confirm failed");

const csvText = `\uFEFF${Papa.unparse([HEADER, ...roster("C")])}`;
const csv = new TextEncoder().encode(csvText);
t = performance.now();
const dryCsv = await dryRunImport(importer, { name: "bench.csv", bytes: csv });
note(".csv: dry run", `${ms(t)}, ${dryCsv.total} rows, ${(csv.length / 1e6).toFixed(2)} MB`);
t = performance.now();
const doneCsv = await confirmImport(importer, { name: "bench.csv", bytes: csv }, dryCsv.sha256);
note(".csv: confirm", `${ms(t)}, ${doneCsv.ok ? doneCsv.imported : "FAILED"} imported`);

const people = count("Person") - 1;
const statuses = count("StatusChange");
note("rows written", `Person ${people}, StatusChange ${statuses}`);
if (people !== 2 * ROWS) throw new Error("not every row was written");

await prisma.$disconnect();
f.close();
removeDb();
