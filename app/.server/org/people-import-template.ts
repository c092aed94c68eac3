import Papa from "papaparse";
import writeXlsxFile, { type Cell as XlsxCell, type SheetData } from "write-excel-file/node";
import { scopePaths } from "~/lib/permissions";
import { IMPORT_COLUMNS, type ImportColumnKey, TEMPLATE_EXAMPLE, createUnitResolver } from "~/lib/people-import";
import { sqlDb } from "../db";
import { type Download, XLSX_TYPE } from "../http/download";
import { type SheetFormat } from "../http/spreadsheet";
import { type Importer, unitsInScope } from "./people-import";
import { compareNames } from "~/lib/name-order";

// The downloadable template: the header line, one example row (reported, not imported, if left in)
// and, in the .xlsx, a second sheet with what each column accepts and the units the downloader may
// import into, written as the import will read them.

/** Units listed on the notes sheet; a whole province's tree would not help anyone. */
const UNITS_LISTED = 2000;

async function exampleUnit(importer: Importer): Promise<{ unitText: string; unitNames: string[] }> {
  const units = (await unitsInScope(sqlDb(), scopePaths(importer.grants, "people:import"))).filter((u) => !u.archived);
  const resolve = createUnitResolver(units);
  // Write each unit the shortest way the import accepts: its own name unless that is ambiguous.
  const unitNames = units.map((u) => (resolve(u.name).ok ? u.name : u.chain.join("/"))).sort(compareNames);
  const deepest = [...units].sort((a, b) => b.chain.length - a.chain.length)[0];
  const unitText = deepest ? (resolve(deepest.name).ok ? deepest.name : deepest.chain.join("/")) : "计算机学院学生第一党支部";
  return { unitText, unitNames };
}

function exampleValues(unitText: string): Record<ImportColumnKey, string> {
  return { ...TEMPLATE_EXAMPLE, unit: unitText };
}

export async function buildImportTemplate(importer: Importer, format: SheetFormat): Promise<Download> {
  const { unitText, unitNames } = await exampleUnit(importer);
  const example = exampleValues(unitText);
  if (format === "csv") {
    const csv = Papa.unparse([IMPORT_COLUMNS.map((c) => c.header), IMPORT_COLUMNS.map((c) => example[c.key])], { newline: "\r\n" });
    // The BOM makes Excel on Windows open the file as UTF-8 instead of GBK.
    return { body: Buffer.from(`\uFEFF${csv}\r\n`, "utf8"), fileName: "人员导入模板.csv", contentType: "text/csv; charset=utf-8" };
  }

  const header: XlsxCell[] = IMPORT_COLUMNS.map((c) => ({
    value: c.header,
    fontWeight: "bold",
    backgroundColor: c.required ? "#FDE2E1" : "#EEEEEE",
  }));
  const exampleRow: XlsxCell[] = IMPORT_COLUMNS.map((c) =>
    c.key === "statusSince"
      ? { value: new Date(`${example.statusSince}T00:00:00Z`), type: Date, format: "yyyy-mm-dd" }
      : // "@" (text) keeps Excel from turning 2099000001 or an ID number into a number.
        { value: example[c.key], type: String, format: c.text ? "@" : undefined, textColor: "#888888" },
  );
  const notes: SheetData = [
    [
      { value: "列名", fontWeight: "bold" },
      { value: "是否必填", fontWeight: "bold" },
      { value: "填写说明", fontWeight: "bold" },
    ],
    ...IMPORT_COLUMNS.map((c) => [c.header, c.required ? "必填" : "选填", c.hint]),
    [null, null, null],
    [{ value: "说明", fontWeight: "bold" }, null, null],
    ["1", null, "第一行是列名，请勿修改；从第二行起每行一人。灰色的示例行请删除后再导入。"],
    ["2", null, "学号/工号、手机号、身份证号请设为“文本”格式，否则 Excel 会改写长数字。"],
    ["3", null, "导入前先点“预检”：系统会逐行列出问题，预检通过后才能确认导入；任何一行有问题都不会写入。"],
    ["4", null, "导入的账号没有密码：导入后为他们生成激活码（打印通知单或导出 Excel），本人凭激活码设置自己的密码。"],
    [null, null, null],
    [{ value: "可填写的党组织（您的管理范围内）", fontWeight: "bold" }, null, null],
    ...unitNames.slice(0, UNITS_LISTED).map((name) => [null, null, name]),
    ...(unitNames.length > UNITS_LISTED ? [[null, null, `……另有 ${unitNames.length - UNITS_LISTED} 个，未全部列出`]] : []),
  ];
  const body = await writeXlsxFile([
    {
      data: [header, exampleRow],
      sheet: "人员名单",
      columns: IMPORT_COLUMNS.map((c) => ({ width: c.key === "unit" ? 30 : c.key === "idNumber" ? 22 : c.key === "statusSince" ? 18 : 14 })),
      stickyRowsCount: 1,
    },
    { data: notes, sheet: "填写说明", columns: [{ width: 18 }, { width: 10 }, { width: 80 }] },
  ]).toBuffer();
  return { body, fileName: "人员导入模板.xlsx", contentType: XLSX_TYPE };
}
