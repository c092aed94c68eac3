import { type LoaderFunctionArgs } from "@remix-run/node";
import { downloadResponse } from "~/.server/http/download";
import { requireQuizManager } from "~/.server/quiz/access";
import { closeExpiredAttempts } from "~/.server/quiz/attempts";
import { quizTitle } from "~/.server/quiz/quizzes";
import { exportQuizReport } from "~/.server/quiz/report-export";

// The quiz report as an Excel workbook, over the caller's scope: /manage/quizzes/:quizId/report.xlsx

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, quizId } = await requireQuizManager(request, params.quizId);
  // Attempts past their deadline are graded before the figures are read (decision 090).
  await closeExpiredAttempts(new Date(), { quizIds: [quizId] });
  const title = await quizTitle(quizId);
  const file = await exportQuizReport(user.id, { id: quizId, title }, user.grants);
  return downloadResponse(file, `quiz-${quizId}-report.xlsx`);
}
