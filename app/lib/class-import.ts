import { type Candidate, inAudience, kindRefusal } from "./classes";
import { type Cell, type HiddenRowChoice, type TableHeader, cellText, holdsTable, inColumnOrder, locateTable, withCellProblems } from "./sheet-table";

// A class's list import: a sheet of student/staff numbers (a name beside each, optional, checked
// against the account) read row by row, then checked against the class: unknown numbers, people
// outside the audience or of the wrong status, rows repeated in the file, people already in the class.
// Pure: the server reads the file and the people, and writes (app/.server/classes/enrolment-import.ts).

export type ClassImportKey = "number" | "name";
export const CLASS_IMPORT_COLUMNS = [
  { key: "number", header: "学号/工号", required: true, aliases: ["学号", "工号", "学工号", "账号", "编号"], hint: "本系统中的学号或工号" },
  { key: "name", header: "姓名", required: false, aliases: ["学员姓名"], hint: "填写时须与账号姓名一致，用于核对学号/工号没有填错" },
] as const satisfies readonly { key: ClassImportKey; header: string; required: boolean; aliases: readonly string[]; hint: string }[];

export const MAX_CLASS_IMPORT_ROWS = 3000;
export const CLASS_IMPORT_PROBLEMS_SHOWN = 500;
export const CLASS_IMPORT_PREVIEW = 200;

export type ClassImportRow = { rowNumber: number; number: string; name: string; problems: string[] };

export type ClassSheetParse = {
  fileProblems: string[];
  notes: string[];
  header: TableHeader<ClassImportKey>;
  hiddenRowCount: number;
  rows: ClassImportRow[];
};

export const holdsClassTable = (sheet: Cell[][]) => holdsTable(sheet, CLASS_IMPORT_COLUMNS);

export function parseClassSheet(sheet: Cell[][], options: { hiddenRows?: ReadonlySet<number>; hidden?: HiddenRowChoice } = {}): ClassSheetParse {
  const table = locateTable(sheet, CLASS_IMPORT_COLUMNS, {
    hiddenRows: options.hiddenRows,
    includeHidden: options.hidden === "include",
    maxRows: MAX_CLASS_IMPORT_ROWS,
    noun: "学员",
  });
  const notes = [...table.notes, ...(table.ignoredHeaders.length ? [`以下列不在模板中，将被忽略：${table.ignoredHeaders.join("、")}`] : [])];
  const base = { fileProblems: table.fileProblems, notes, header: table.header, hiddenRowCount: table.hiddenRows.length };
  const ref = (k: ClassImportKey) => table.header.refs[k] ?? k;
  const at = (cells: Cell[], k: ClassImportKey) => {
    const i = table.header.indexes[k];
    return i === undefined ? "" : cellText(cells[i]);
  };
  const rows = table.rows.map((r): ClassImportRow => {
    const number = at(r.cells, "number").normalize("NFKC");
    const problems = number === "" ? [`${ref("number")}：必填`] : [];
    return { rowNumber: r.rowNumber, number, name: at(r.cells, "name"), problems: withCellProblems(r, problems) };
  });
  const seen = new Map<string, number[]>();
  for (const r of rows) if (r.number) seen.set(r.number, [...(seen.get(r.number) ?? []), r.rowNumber]);
  for (const r of rows) {
    const others = (seen.get(r.number) ?? []).filter((n) => n !== r.rowNumber);
    if (others.length) r.problems.push(`${ref("number")}：“${r.number}”在文件中重复（另见第 ${others.join("、")} 行）`);
  }
  return { ...base, rows };
}

export type ClassImportPerson = Candidate & { id: number; number: string; unitPath: string; unitName: string; disabled: boolean };
export type ClassImportContext = {
  kind: Parameters<typeof kindRefusal>[0];
  audiencePaths: readonly string[];
  /** The people the file names, by number. */
  people: ReadonlyMap<string, ClassImportPerson>;
  /** Rows the class already has, by person id: their status and reason. */
  existing: ReadonlyMap<number, { status: string; reason: string | null }>;
  /** The person importing: nobody enrols themselves. */
  actorId: number;
};

export type CheckedClassRow = ClassImportRow & { person: ClassImportPerson | null };

const EXISTING: Record<string, string> = {
  enrolled: "已是本班学员",
  nominated: "已由支部推荐，待审核：请在班级页面审核",
  rejected: "推荐曾被退回",
  withdrawn: "已退出本班",
};

/** Adds what only the database knows: whether the number is an account, in the audience, of the class's kind, not yet in the class. */
export function checkClassRows(rows: readonly ClassImportRow[], ctx: ClassImportContext, header: TableHeader<ClassImportKey>): CheckedClassRow[] {
  const ref = (k: ClassImportKey) => header.refs[k] ?? k;
  return rows.map((r) => {
    const problems = [...r.problems];
    const found = r.number ? ctx.people.get(r.number) : undefined;
    // Outside the audience a number gets the same answer whether or not it is an account: the import
    // must not tell an organiser who anyone else in the school is (name, unit, status).
    const p = found && inAudience(found.unitPath, ctx.audiencePaths) ? found : undefined;
    if (r.number && !p) problems.push(`${ref("number")}：学号/工号“${r.number}”不在本培训班面向的党组织内，或系统中没有此人`);
    if (p) {
      if (r.name && r.name !== p.name) problems.push(`${ref("name")}：与账号姓名“${p.name}”不一致，请核对学号/工号`);
      if (p.id === ctx.actorId) problems.push(`${p.name}是导入人本人：不能录取本人，请由其他主办人员办理`);
      if (p.disabled) problems.push(`${p.name}的账号已停用`);
      else {
        const refusal = kindRefusal(ctx.kind, p);
        if (refusal) problems.push(refusal);
      }
      const row = ctx.existing.get(p.id);
      if (row) problems.push(`${p.name}${EXISTING[row.status] ?? row.status}${row.reason ? `（原因：${row.reason}）` : ""}`);
    }
    return { ...r, problems: inColumnOrder(problems, header), person: problems.length === 0 ? (p ?? null) : null };
  });
}

export type ClassImportReport = {
  fileName: string;
  format: "xlsx" | "csv";
  sha256: string;
  fileProblems: string[];
  notes: string[];
  total: number;
  problemRowCount: number;
  problemRows: { rowNumber: number; number: string; name: string; problems: string[] }[];
  rowNotes: { rowNumber: number; number: string; notes: string[] }[];
  preview: { rowNumber: number; number: string; name: string; unitName: string }[];
  hiddenRowCount: number;
};

export function isCleanClassImport(report: Pick<ClassImportReport, "fileProblems" | "problemRowCount" | "total">): boolean {
  return report.fileProblems.length === 0 && report.problemRowCount === 0 && report.total > 0;
}

export function buildClassImportReport(
  file: { fileName: string; format: "xlsx" | "csv"; sha256: string },
  parsed: Pick<ClassSheetParse, "fileProblems" | "notes" | "hiddenRowCount">,
  rows: readonly CheckedClassRow[],
): ClassImportReport {
  const withProblems = rows.filter((r) => r.problems.length > 0);
  return {
    ...file,
    fileProblems: parsed.fileProblems,
    notes: parsed.notes,
    total: rows.length,
    problemRowCount: withProblems.length,
    problemRows: withProblems
      .slice(0, CLASS_IMPORT_PROBLEMS_SHOWN)
      .map((r) => ({ rowNumber: r.rowNumber, number: r.number, name: r.name, problems: r.problems })),
    rowNotes: [],
    preview:
      withProblems.length === 0
        ? rows
            .slice(0, CLASS_IMPORT_PREVIEW)
            .map((r) => ({ rowNumber: r.rowNumber, number: r.number, name: r.person?.name ?? r.name, unitName: r.person?.unitName ?? "" }))
        : [],
    hiddenRowCount: parsed.hiddenRowCount,
  };
}
