// A course's cover (the `cover` of its course file, served from its media): sized by the files' 16:9
// so nothing moves when it arrives, and lazy unless it is on the first screen (decision 063).

const WIDTH = 1280;
const HEIGHT = 720;

export function courseCoverUrl(courseId: number, coverPath: string): string {
  return `/media/${courseId}/${coverPath.split("/").map(encodeURIComponent).join("/")}`;
}

export function CourseCover({
  courseId,
  coverPath,
  title,
  eager = false,
  className = "",
}: {
  courseId: number;
  coverPath: string | null;
  title: string;
  /** On the first screen: load at once (a lazy image there only delays the page's largest paint). */
  eager?: boolean;
  className?: string;
}) {
  if (!coverPath) return null;
  return (
    <img
      src={courseCoverUrl(courseId, coverPath)}
      alt={`《${title}》课程封面`}
      width={WIDTH}
      height={HEIGHT}
      loading={eager ? "eager" : "lazy"}
      decoding="async"
      className={`aspect-video h-auto rounded bg-stone-200 object-cover ${className}`}
      data-testid="course-cover"
    />
  );
}
