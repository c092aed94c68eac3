import { grantsCover } from "~/lib/permissions";
import { prisma } from "../db";
import { mediaResponse } from "../media/range";
import { contentFiles, fileStorage } from "../storage/storage";
import { mayStudyCourse } from "./catalog";

// A course's media file (video, image) for a signed-in person who may see the course: a learner it is
// published for, or someone who manages courses over its unit (previewing a draft). Anyone else, and
// any unknown course or path, gets the same 404, so nothing can be probed.

type Viewer = { id: number; grants: Parameters<typeof grantsCover>[0] };

const NOT_FOUND = () => new Response("文件不存在", { status: 404 });

export async function courseMediaResponse(viewer: Viewer, courseId: number, mediaPath: string, request: Request): Promise<Response> {
  if (!Number.isSafeInteger(courseId) || courseId <= 0) return NOT_FOUND();
  const media = await prisma.mediaFile.findUnique({
    where: { courseId_path: { courseId, path: mediaPath } },
    select: { storage: true, file: true, mime: true, bytes: true, sha256: true, course: { select: { unit: { select: { path: true } } } } },
  });
  if (!media) return NOT_FOUND();
  const manages = grantsCover(viewer.grants, "courses:manage", media.course.unit.path);
  if (!manages && !(await mayStudyCourse(viewer.id, courseId))) return NOT_FOUND();
  const response = await mediaResponse(media.storage === "content" ? contentFiles() : fileStorage(), media.file, {
    mime: media.mime,
    size: media.bytes,
    range: request.headers.get("range"),
    ifRange: request.headers.get("if-range"),
    etag: `"${media.sha256.slice(0, 32)}"`,
  });
  if (request.method !== "HEAD") return response;
  // HEAD: the headers only. Remix would drop the body without closing it, leaving the file open.
  await response.body?.cancel();
  return new Response(null, { status: response.status, headers: response.headers });
}
