import { type LoaderFunctionArgs } from "@remix-run/node";
import { downloadResponse } from "~/.server/http/download";
import { requireQuizManager } from "~/.server/quiz/access";
import { quizTitle } from "~/.server/quiz/quizzes";
import { exportQuizReport } from "~/.server/quiz/report-export";

// The quiz report as an Excel workbook, over the caller's scope: /manage/quizzes/:quizId/report.xlsx

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, quizId } = await requireQuizManager(request, params.quizId);
  const title = await quizTitle(quizId);
  const file = await exportQuizReport(user.id, { id: quizId, title }, user.grants);
  return downloadResponse(file, `quiz-${quizId}-report.xlsx`);
}
