import { z } from "zod";
import { requirePermission } from "../auth/guard";
import { quizUnitId } from "./quizzes";

/**
 * The caller must hold "quizzes:manage" over the quiz's unit. An unknown or malformed id is refused
 * like a quiz outside the scope (403, after the sign-in check), so ids cannot be probed.
 */
export async function requireQuizManager(request: Request, quizIdParam: string | undefined) {
  const quizId = z.coerce.number().int().positive().safeParse(quizIdParam);
  const unitId = quizId.success ? await quizUnitId(quizId.data) : null;
  if (!quizId.success || unitId === null) {
    await requirePermission(request, "quizzes:manage", -1);
    throw new Response("没有权限", { status: 403 });
  }
  const user = await requirePermission(request, "quizzes:manage", unitId);
  return { user, quizId: quizId.data };
}
