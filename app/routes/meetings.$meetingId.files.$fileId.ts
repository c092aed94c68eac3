import { type LoaderFunctionArgs } from "@remix-run/node";
import { canReadMeeting } from "~/.server/activities/meetings";
import { minutesFileResponse } from "~/.server/activities/minutes-files";
import { requireUser } from "~/.server/auth/guard";
import { idParam } from "~/.server/http/request-params";

// A photo or attachment of a meeting's minutes: /meetings/:meetingId/files/:fileId, for whoever may read
// the meeting (decision 056); the same 404 for anyone else, an unknown id, or a file of another meeting.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const meetingId = idParam(params.meetingId, "文件不存在");
  const fileId = idParam(params.fileId, "文件不存在");
  if (!(await canReadMeeting(user, meetingId))) return new Response("文件不存在", { status: 404 });
  return minutesFileResponse(meetingId, fileId);
}
