import { prisma } from "~/.server/db";

export async function loader() {
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    return Response.json({ status: "ok", database: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return Response.json({ status: "error", database: "unavailable" }, { status: 503 });
  }
}
