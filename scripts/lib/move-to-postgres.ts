import Database from "better-sqlite3";
import pg from "pg";
import { pgPoolConfig } from "../../app/.server/pg-types";
import { type Sql, type SqlValue, join, raw, render, sql } from "../../app/.server/sql";
import { migratePostgres } from "./pg-migrate";

// The one-off move of a school's SQLite database into PostgreSQL (issue 16, decision 077's companion in
// the README's "Moving to PostgreSQL"). The target is migrated first and must be empty; every table of
// the PostgreSQL schema is then copied from the file in one transaction, so a failed move leaves the
// target as empty as it was. Values are converted by the target column's type (SQLite's 0/1 to
// booleans, its timestamp text or epoch milliseconds to timestamptz, numbers in text columns to text);
// a value PostgreSQL refuses stops the move with the table and row. Tables are copied parents first;
// a reference that cannot be ordered (a unit's parent in the same table, or a cycle between tables) is
// written after its table's rows. Sequences continue after the largest id moved.
// The media and the certificate key stay in the data folder (DATA_DIR), which is not the database.

export type MoveReport = { tables: { name: string; rows: number }[]; rows: number; ms: number };

type Column = { name: string; type: string; nullable: boolean };
type Table = { name: string; columns: Column[]; primaryKey: string[]; serial: string[] };
type ForeignKey = { table: string; column: string; references: string };

export class MoveRefusedError extends Error {}

/** Quoted identifier for both engines: names come from PostgreSQL's catalog, never from input. */
function ident(name: string): Sql {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`unexpected identifier ${JSON.stringify(name)}`);
  return raw(`"${name}"`);
}

async function pgAll<Row>(client: pg.ClientBase, stmt: Sql): Promise<Row[]> {
  const { text, values } = render(stmt, "postgres");
  return (await client.query(text, values)).rows as Row[];
}

async function catalog(client: pg.ClientBase): Promise<{ tables: Table[]; foreignKeys: ForeignKey[] }> {
  const columns = await pgAll<{ table: string; name: string; type: string; nullable: string; serial: boolean }>(
    client,
    sql`SELECT c."table_name" AS "table", c."column_name" AS "name", c."data_type" AS "type", c."is_nullable" AS "nullable",
          (c."column_default" LIKE 'nextval(%') AS "serial"
        FROM "information_schema"."columns" c
        JOIN "information_schema"."tables" t ON t."table_schema" = c."table_schema" AND t."table_name" = c."table_name"
        WHERE c."table_schema" = current_schema() AND t."table_type" = 'BASE TABLE' AND c."table_name" <> '_app_migrations'
        ORDER BY c."table_name", c."ordinal_position"`,
  );
  const keys = await pgAll<{ table: string; column: string }>(
    client,
    sql`SELECT tc."table_name" AS "table", k."column_name" AS "column"
        FROM "information_schema"."table_constraints" tc
        JOIN "information_schema"."key_column_usage" k ON k."constraint_name" = tc."constraint_name" AND k."table_schema" = tc."table_schema"
        WHERE tc."table_schema" = current_schema() AND tc."constraint_type" = 'PRIMARY KEY'
        ORDER BY k."ordinal_position"`,
  );
  const foreignKeys = await pgAll<ForeignKey>(
    client,
    sql`SELECT cl."relname" AS "table", a."attname" AS "column", ref."relname" AS "references"
        FROM "pg_constraint" co
        JOIN "pg_class" cl ON cl."oid" = co."conrelid"
        JOIN "pg_class" ref ON ref."oid" = co."confrelid"
        JOIN "pg_namespace" n ON n."oid" = cl."relnamespace"
        JOIN "pg_attribute" a ON a."attrelid" = co."conrelid" AND a."attnum" = ANY(co."conkey")
        WHERE co."contype" = 'f' AND n."nspname" = current_schema()`,
  );
  const tables = new Map<string, Table>();
  for (const c of columns) {
    let t = tables.get(c.table);
    if (!t) tables.set(c.table, (t = { name: c.table, columns: [], primaryKey: [], serial: [] }));
    t.columns.push({ name: c.name, type: c.type, nullable: c.nullable === "YES" });
    if (c.serial) t.serial.push(c.name);
  }
  for (const k of keys) tables.get(k.table)?.primaryKey.push(k.column);
  return { tables: [...tables.values()], foreignKeys };
}

/**
 * Parents before children. A reference to the table itself, or one that closes a cycle, is deferred:
 * its column is written NULL with the rows and set afterwards (it must then be nullable).
 */
function copyOrder(tables: Table[], foreignKeys: ForeignKey[]): { order: Table[]; deferred: Map<string, string[]> } {
  const deferred = new Map<string, string[]>();
  const defer = (fk: ForeignKey) => deferred.set(fk.table, [...(deferred.get(fk.table) ?? []), fk.column]);
  let pending = foreignKeys.filter((fk) => {
    if (fk.table !== fk.references) return true;
    defer(fk);
    return false;
  });
  const left = new Set(tables.map((t) => t.name));
  const order: Table[] = [];
  const byName = new Map(tables.map((t) => [t.name, t]));
  while (left.size > 0) {
    const ready = [...left].filter((name) => !pending.some((fk) => fk.table === name && left.has(fk.references)));
    if (ready.length === 0) {
      // A cycle: the first table whose remaining references are all nullable writes them later.
      const breakable = [...left].find((name) =>
        pending
          .filter((fk) => fk.table === name && left.has(fk.references))
          .every((fk) => byName.get(name)!.columns.find((c) => c.name === fk.column)!.nullable),
      );
      if (!breakable) throw new Error(`tables that reference each other with required columns: ${[...left].join(", ")}`);
      for (const fk of pending.filter((fk) => fk.table === breakable && left.has(fk.references))) defer(fk);
      pending = pending.filter((fk) => !(fk.table === breakable && left.has(fk.references)));
      continue;
    }
    for (const name of ready.sort()) {
      order.push(byName.get(name)!);
      left.delete(name);
    }
  }
  return { order, deferred };
}

/** A SQLite value as the target column's type takes it; throws on what would be read as something else. */
function convert(value: unknown, column: Column, where: () => string): SqlValue {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case "boolean":
      if (value === 0 || value === 1 || value === 0n || value === 1n) return Number(value) === 1;
      break;
    case "timestamp with time zone":
    case "timestamp without time zone": {
      // Stored as text with its zone (Prisma's adapter and storedTimestamp), as SQLite's own UTC text
      // without one, or as epoch milliseconds.
      const date =
        typeof value === "number"
          ? new Date(value)
          : typeof value === "string"
            ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(" ", "T")}Z`)
            : null;
      if (date && !Number.isNaN(date.getTime())) return date;
      break;
    }
    case "integer":
    case "bigint":
      if (typeof value === "number" && Number.isInteger(value)) return value;
      if (typeof value === "bigint") return value;
      break;
    case "double precision":
    case "real":
    case "numeric":
      if (typeof value === "number") return value;
      break;
    case "text":
      if (typeof value === "string") return value;
      if (typeof value === "number" || typeof value === "bigint") return String(value);
      break;
    case "bytea":
      if (Buffer.isBuffer(value)) return value;
      break;
    default:
      throw new Error(`${where()}: column type ${column.type} has no conversion`);
  }
  throw new Error(`${where()}: ${JSON.stringify(typeof value === "bigint" ? String(value) : value)} is not a valid ${column.type}`);
}

const ROWS_PER_INSERT = 5_000;

/** The PostgreSQL array type a column's values travel in. */
function arrayType(column: Column): string {
  const base = { "timestamp with time zone": "timestamptz", "timestamp without time zone": "timestamp" }[column.type] ?? column.type;
  if (!/^[a-z ]+$/.test(base)) throw new Error(`unexpected column type ${column.type}`);
  return `${base}[]`;
}

/**
 * Copies the SQLite database `sqliteFile` (at the latest migration) into the PostgreSQL database at
 * `url`, which is migrated first and must hold no rows. All or nothing.
 */
export async function moveToPostgres(sqliteFile: string, url: string, onTable?: (name: string, rows: number) => void): Promise<MoveReport> {
  const t0 = performance.now();
  const source = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  source.defaultSafeIntegers(false);
  await migratePostgres(url);
  const client = new pg.Client(pgPoolConfig(url));
  await client.connect();
  try {
    const { tables, foreignKeys } = await catalog(client);
    // The file and the schema must agree column for column: a column only the file has would be lost.
    const sqliteAll = <Row>(stmt: Sql) => {
      const { text, values } = render(stmt);
      return source.prepare(text).all(...values) as Row[];
    };
    const inFile = new Map<string, Set<string>>();
    const fileTables = sqliteAll<{ name: string }>(
      sql`SELECT "name" FROM "sqlite_master" WHERE "type" = 'table' AND "name" NOT LIKE 'sqlite_%' AND "name" <> '_prisma_migrations'`,
    );
    for (const { name } of fileTables)
      inFile.set(name, new Set(sqliteAll<{ name: string }>(sql`SELECT "name" FROM pragma_table_info(${name})`).map((c) => c.name)));
    const inSchema = new Map(tables.map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
    const missing = tables.flatMap((t) => t.columns.filter((c) => !inFile.get(t.name)?.has(c.name)).map((c) => `${t.name}.${c.name}`));
    const extra = [...inFile].flatMap(([table, cols]) => [...cols].filter((c) => !inSchema.get(table)?.has(c)).map((c) => `${table}.${c}`));
    if (missing.length > 0 || extra.length > 0) {
      const list = (names: string[]) => `${names.slice(0, 5).join("、")}${names.length > 5 ? ` 等 ${names.length} 列` : ""}`;
      throw new MoveRefusedError(
        missing.length > 0
          ? `SQLite 数据库不是当前版本（缺少 ${list(missing)}）：请先用当前版本启动一次（npm start）完成迁移，再搬迁。`
          : `SQLite 数据库比当前程序新（多出 ${list(extra)}）：请用与该数据库相同或更新的版本搬迁。`,
      );
    }
    const { order, deferred } = copyOrder(tables, foreignKeys);

    await client.query("BEGIN");
    try {
      for (const t of order) {
        const [{ n }] = await pgAll<{ n: number }>(client, sql`SELECT COUNT(*)::integer AS "n" FROM ${ident(t.name)}`);
        if (n > 0) throw new MoveRefusedError(`目标 PostgreSQL 数据库不是空的（表 ${t.name} 已有 ${n} 行）：搬迁只写入新建的空数据库，不合并数据。`);
      }
      const report: MoveReport["tables"] = [];
      for (const t of order) {
        const later = deferred.get(t.name) ?? [];
        const columnList = join(t.columns.map((c) => ident(c.name)));
        // One array per column (`unnest`), so a batch is one statement with as many parameters as columns.
        const arrays = join(t.columns.map((c) => raw(`$${t.columns.indexOf(c) + 1}::${arrayType(c)}`)));
        const insert = render(sql`INSERT INTO ${ident(t.name)} (${columnList}) SELECT * FROM unnest(${arrays})`, "postgres").text;
        const read = source.prepare(render(sql`SELECT ${columnList} FROM ${ident(t.name)}`).text).raw(true);
        let batch: SqlValue[][] = t.columns.map(() => []);
        let inBatch = 0;
        let updates: SqlValue[][] = [];
        let rows = 0;
        const flush = async () => {
          if (inBatch === 0) return;
          try {
            await client.query(insert, batch);
          } catch (e) {
            throw new Error(`表 ${t.name} 第 ${rows - inBatch + 1}–${rows} 行写入失败：${(e as Error).message}`, { cause: e });
          }
          batch = t.columns.map(() => []);
          inBatch = 0;
        };
        for (const row of read.iterate() as Iterable<unknown[]>) {
          rows++;
          const where = () => `表 ${t.name} 第 ${rows} 行`;
          t.columns.forEach((c, i) => batch[i].push(later.includes(c.name) ? null : convert(row[i], c, () => `${where()} 列 ${c.name}`)));
          if (later.length > 0) {
            const key = t.primaryKey.map((k) =>
              convert(
                row[t.columns.findIndex((c) => c.name === k)],
                t.columns.find((c) => c.name === k)!,
                where,
              ),
            );
            const set = later.map((name) => {
              const i = t.columns.findIndex((c) => c.name === name);
              return convert(row[i], t.columns[i], () => `${where()} 列 ${name}`);
            });
            if (set.some((v) => v !== null)) updates.push([...key, ...set]);
          }
          if (++inBatch >= ROWS_PER_INSERT) await flush();
        }
        await flush();
        for (const u of updates) {
          const sets = later.map((name, i) => sql`${ident(name)} = ${u[t.primaryKey.length + i]}`);
          const match = t.primaryKey.map((k, i) => sql`${ident(k)} = ${u[i]}`);
          const { text, values } = render(sql`UPDATE ${ident(t.name)} SET ${join(sets)} WHERE ${join(match, " AND ")}`, "postgres");
          await client.query(text, values);
        }
        updates = [];
        for (const column of t.serial) {
          const { text, values } = render(
            sql`SELECT setval(pg_get_serial_sequence(${`"${t.name}"`}, ${column}), COALESCE(MAX(${ident(column)}), 1), MAX(${ident(column)}) IS NOT NULL) FROM ${ident(t.name)}`,
            "postgres",
          );
          await client.query(text, values);
        }
        report.push({ name: t.name, rows });
        onTable?.(t.name, rows);
      }
      // Every table holds as many rows as the file did: nothing skipped on the way.
      for (const r of report) {
        const [{ n }] = await pgAll<{ n: number }>(client, sql`SELECT COUNT(*)::integer AS "n" FROM ${ident(r.name)}`);
        if (n !== r.rows) throw new Error(`表 ${r.name}：读出 ${r.rows} 行，写入后为 ${n} 行`);
      }
      await client.query("COMMIT");
      return { tables: report, rows: report.reduce((s, r) => s + r.rows, 0), ms: Math.round(performance.now() - t0) };
    } catch (e) {
      await client.query("ROLLBACK");
      throw e;
    }
  } finally {
    await client.end();
    source.close();
  }
}
