import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { requireUser } from "~/.server/auth/guard";
import { lessonTopicId } from "~/.server/discussion/topics";
import { orRefuse } from "~/.server/http/refusal";

// The discussion under a lesson: its thread, made on the first visit, for whoever may see the lesson.
// /courses/:slug/:lesson/discussion
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const topicId = await orRefuse(() => lessonTopicId(user.id, params.slug ?? "", params.lesson ?? ""));
  return redirect(`/discuss/${topicId}`);
}
