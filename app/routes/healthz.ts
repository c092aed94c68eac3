import { prisma } from "~/.server/db";
import { query, sql } from "~/.server/sql";

export async function loader() {
  try {
    await query(prisma, sql`SELECT 1`);
    return Response.json({ status: "ok", database: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return Response.json({ status: "error", database: "unavailable" }, { status: 503 });
  }
}
