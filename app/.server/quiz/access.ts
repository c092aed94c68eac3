import { requireManagerOf } from "../auth/guard";
import { quizUnitId } from "./quizzes";

/** The caller must hold "quizzes:manage" over the quiz's unit; unknown ids are refused alike. */
export async function requireQuizManager(request: Request, quizIdParam: string | undefined) {
  const { user, id } = await requireManagerOf(request, "quizzes:manage", quizIdParam, quizUnitId);
  return { user, quizId: id };
}
