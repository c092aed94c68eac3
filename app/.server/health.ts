import { prisma } from "./db";
import { query, sql } from "./sql";

/** Whether the database answers a query: the health check's one question (/healthz). */
export async function databaseAnswers(): Promise<boolean> {
  try {
    await query(prisma, sql`SELECT 1`);
    return true;
  } catch {
    return false;
  }
}
