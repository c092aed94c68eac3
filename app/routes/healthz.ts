import { databaseAnswers } from "~/.server/health";

export async function loader() {
  if (await databaseAnswers()) return Response.json({ status: "ok", database: "ok" }, { headers: { "Cache-Control": "no-store" } });
  return Response.json({ status: "error", database: "unavailable" }, { status: 503 });
}
