import { type ActionFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Link, useActionData, useParams } from "@remix-run/react";
import { requireManagerOf } from "~/.server/auth/guard";
import { addUploadedMedia, courseUnitId, mediaUploadOptions } from "~/.server/content/studio";
import { receiveFileUpload } from "~/.server/media/upload";
import { FormMessage } from "~/components/ui/form";
import { isAppError } from "~/lib/app-error";
import { pageMeta } from "~/lib/page-meta";

// Uploading a video or image to a studio course: streamed to disk, checked by its bytes, kept under a
// generated name. Back to the course on success; the reason on this page otherwise.
// POST /manage/courses/:courseId/media

export const meta: MetaFunction = () => pageMeta("上传文件 · 课程管理");

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, id } = await requireManagerOf(request, "courses:manage", params.courseId, courseUnitId);
  try {
    const upload = await receiveFileUpload(request, mediaUploadOptions());
    const media = await addUploadedMedia(user.id, id, upload);
    return redirect(`/manage/courses/${id}?uploaded=${encodeURIComponent(media.path)}`);
  } catch (e) {
    if (isAppError(e)) return data({ error: e.message }, { status: e.status });
    throw e;
  }
}

export default function MediaUploadResult() {
  const reply = useActionData<typeof action>();
  const { courseId } = useParams();
  return (
    <div className="space-y-3 rounded-lg bg-white p-4 shadow">
      <h1 className="font-bold">文件未上传</h1>
      <FormMessage messages={reply ? [reply.error] : ["请从课程页面选择文件上传"]} />
      <Link to={`/manage/courses/${courseId}`} className="text-party hover:underline">
        ← 返回课程
      </Link>
    </div>
  );
}
