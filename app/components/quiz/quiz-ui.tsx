import { Link, isRouteErrorResponse, useRouteError } from "@remix-run/react";

// Small pieces shared by the learner's quiz and contest pages.

/** A percent kept in tenths (833 → "83.3"). */
export function formatPercent(tenths: number): string {
  return (tenths / 10).toFixed(tenths % 10 === 0 ? 0 : 1);
}

export function formatDuration(seconds: number): string {
  const m = Math.round(seconds / 60);
  return m >= 60 ? `${Math.floor(m / 60)} 小时${m % 60 ? ` ${m % 60} 分钟` : ""}` : `${m} 分钟`;
}

/** Tells the learner why a quiz page cannot be shown: the domain's own sentence when it gave one. */
export function QuizErrorBoundary() {
  return <RefusalPage back={{ to: "/quizzes", label: "返回我的测验" }} />;
}

/** The same for a contest page. */
export function ContestErrorBoundary() {
  return <RefusalPage back={{ to: "/contests", label: "返回知识竞赛" }} />;
}

function RefusalPage({ back }: { back: { to: string; label: string } }) {
  const error = useRouteError();
  let title = "出错了";
  let message = "服务器遇到了问题，请稍后再试。";
  if (isRouteErrorResponse(error)) {
    title = error.status === 404 ? "没有找到" : error.status === 403 ? "不能作答" : "无法继续";
    message = typeof error.data === "string" && error.data ? error.data : message;
  } else if (error instanceof Error) {
    console.error(error);
  }
  return (
    <div className="mx-auto max-w-md rounded-lg bg-white p-6 shadow" role="alert">
      <h1 className="mb-2 text-xl font-bold text-party">{title}</h1>
      <p className="text-stone-700">{message}</p>
      <Link to={back.to} className="mt-4 inline-block text-party underline">
        {back.label}
      </Link>
    </div>
  );
}
