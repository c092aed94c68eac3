import { sqlDb } from "./db";
import { sql } from "./sql";

/**
 * Whether the database answers a query: the health check's one question (/healthz). On the raw
 * connection (sqlDb), not through Prisma: a balancer and a monitor ask it every second or more often,
 * and Prisma's query compiler and engine cost several times the statement (issue 17's profile).
 */
export async function databaseAnswers(): Promise<boolean> {
  try {
    await sqlDb().get(sql`SELECT 1`);
    return true;
  } catch {
    return false;
  }
}
