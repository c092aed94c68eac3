import { type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/.server/auth/guard";
import { courseMediaResponse } from "~/.server/learning/media";

// A course's media file, streamed with HTTP Range: /media/:courseId/media/lesson-01.mp4

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return courseMediaResponse(user, Number(params.courseId), params["*"] ?? "", request);
}
