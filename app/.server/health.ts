import { prisma } from "./db";

/** Whether the database answers a query: the health check's one question (/healthz). */
export async function databaseAnswers(): Promise<boolean> {
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    return true;
  } catch {
    return false;
  }
}
