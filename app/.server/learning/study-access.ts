import { mayStudyCourseOfLesson } from "./catalog";
import { holdsStudySession } from "./study";

// Who may send a study request for a lesson (/api/study): whoever may study its course. A heartbeat of
// the account's current study session for the lesson was checked when the session began (beginStudy
// runs only after this check), so it is let through on that session alone: the hot path, 11,000
// viewers are ~730 heartbeats a second (decisions 016 and 017). Every other request is checked now.

const HEARTBEATS = new Set(["video", "reading"]);

export async function mayStudyLesson(personId: number, lessonId: number, request: { intent?: unknown; sessionId?: unknown }): Promise<boolean> {
  const heartbeat = typeof request.intent === "string" && HEARTBEATS.has(request.intent);
  if (heartbeat && typeof request.sessionId === "string" && (await holdsStudySession(personId, lessonId, request.sessionId))) return true;
  return mayStudyCourseOfLesson(personId, lessonId);
}
