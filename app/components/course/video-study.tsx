import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { HEARTBEAT_SECONDS, type Interval, formatMediaTime } from "~/lib/watch-credit";
import { CheckpointCard, type PublicCheckpoint } from "./checkpoint-card";
import { StudyChannel, type StudyStatus } from "./study-client";

// A video lesson: the video.js player (loaded on the client only, lazily), the played intervals sent
// as heartbeats, seeking past the furthest watched point blocked, the video paused at each checkpoint
// until it is answered, and every sentence the server returns about time that did not count shown to
// the learner. The server decides what counts (app/lib/watch-credit.ts); the player only reports.

type Player = {
  currentTime(t?: number): number;
  paused(): boolean;
  seeking(): boolean;
  pause(): void;
  play(): Promise<void> | undefined;
  on(event: string, fn: () => void): void;
  dispose(): void;
};

const SKIP_TOLERANCE = 2;
/** A jump of the playhead larger than this between two time updates is a seek, not playback. */
const CONTINUOUS = 1.5;

export function VideoStudy(props: {
  lessonId: number;
  src: string;
  mime: string;
  duration: number;
  initial: StudyStatus;
  checkpoints: PublicCheckpoint[];
  onStatus: (s: StudyStatus) => void;
}) {
  const { lessonId, onStatus } = props;
  const channel = useMemo(() => new StudyChannel(lessonId), [lessonId]);
  const videoRef = useRef<HTMLVideoElement>(null);
  const playerRef = useRef<Player | null>(null);
  const furthest = useRef(props.initial.furthest);
  const unsent = useRef<Interval[]>([]);
  const current = useRef<[number, number] | null>(null);
  const answered = useRef(new Set(props.checkpoints.filter((c) => c.answered).map((c) => c.id)));
  const [notes, setNotes] = useState<string[]>([]);
  const [superseded, setSuperseded] = useState(false);
  const [pausedFor, setPausedFor] = useState<PublicCheckpoint | null>(null);
  const pausedForRef = useRef<PublicCheckpoint | null>(null);
  const [pausedAnswered, setPausedAnswered] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const closeCurrent = () => {
    const c = current.current;
    if (c && c[1] - c[0] >= 0.1) unsent.current.push([c[0], c[1]]);
    current.current = null;
  };

  const flush = useCallback(async () => {
    const r = await channel.beat(() => {
      // Hand over what was played; an interval still running continues from where it was cut.
      const c = current.current;
      const intervals: Interval[] = [...unsent.current, ...(c && c[1] - c[0] >= 0.1 ? [[c[0], c[1]] as Interval] : [])];
      unsent.current = [];
      if (c) current.current = [c[1], c[1]];
      return { intervals };
    });
    if (!r) return;
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    furthest.current = Math.max(furthest.current, r.status.furthest);
    if (r.messages.length) setNotes((n) => [...r.messages, ...n].slice(0, 5));
    if (r.superseded) {
      // What this tab played since it lost the session did not count: forget it, so that resuming
      // here starts from what the server holds, not past it.
      furthest.current = r.status.furthest;
      unsent.current = [];
      current.current = null;
      playerRef.current?.pause();
      setSuperseded(true);
    }
    onStatus(r.status);
  }, [channel, onStatus]);

  const begin = useCallback(async () => {
    const r = await channel.begin();
    if (typeof r === "string") {
      setError(r);
      playerRef.current?.pause();
      return false;
    }
    setSuperseded(false);
    setError(null);
    furthest.current = Math.max(furthest.current, r.furthest);
    const player = playerRef.current;
    if (player && player.currentTime() > furthest.current + SKIP_TOLERANCE) player.currentTime(furthest.current);
    return true;
  }, [channel]);

  useEffect(() => {
    let disposed = false;
    let timer: ReturnType<typeof setInterval> | undefined;
    let stopWatching = () => {};
    // The player (video.js, the largest script of the site) is fetched only once the video is on
    // screen or about to be: a lesson whose video sits below its text loads it when the reader gets
    // there (decision 062).
    const onScreen = new Promise<void>((resolve) => {
      const element = videoRef.current;
      if (!element || typeof IntersectionObserver === "undefined") return resolve();
      const observer = new IntersectionObserver(
        (entries) => {
          if (!entries.some((e) => e.isIntersecting) && !disposed) return;
          observer.disconnect();
          resolve();
        },
        { rootMargin: "200px" },
      );
      observer.observe(element);
      stopWatching = () => observer.disconnect();
    });
    void (async () => {
      await onScreen;
      if (disposed) return;
      const [{ default: videojs }] = await Promise.all([import("video.js"), import("video.js/dist/video-js.css")]);
      if (disposed || !videoRef.current) return;
      const player = videojs(videoRef.current, { controls: true, fluid: true, preload: "metadata", playbackRates: [], language: "zh-CN" }) as unknown as Player;
      playerRef.current = player;
      let last = player.currentTime();

      player.on("play", () => {
        if (pausedForRef.current) {
          player.pause();
          return;
        }
        if (!channel.active) void begin();
      });
      // Playback (re)starts here: the interval begins at this point, not at the first time update.
      player.on("playing", () => {
        closeCurrent();
        const t = player.currentTime();
        current.current = [t, t];
      });
      player.on("seeking", () => {
        closeCurrent();
        const target = player.currentTime();
        const limit = Math.max(furthest.current, current.current?.[1] ?? 0) + SKIP_TOLERANCE;
        if (target > limit) {
          player.currentTime(furthest.current);
          setNotes((n) => [`请按顺序观看：不能跳过未观看的部分，已回到 ${formatMediaTime(furthest.current)}`, ...n].slice(0, 5));
        }
        last = player.currentTime();
      });
      player.on("timeupdate", () => {
        const t = player.currentTime();
        if (!player.paused() && !player.seeking()) {
          const c = current.current;
          if (c && t >= c[1] && t - c[1] <= CONTINUOUS) c[1] = t;
          else {
            closeCurrent();
            current.current = [t, t];
          }
          const run = current.current!;
          if (run[0] <= furthest.current + SKIP_TOLERANCE) furthest.current = Math.max(furthest.current, run[1]);
        }
        // A checkpoint whose moment was just passed pauses the video until it is answered.
        const due = props.checkpoints.find((cp) => cp.at !== null && !answered.current.has(cp.id) && last < cp.at && t >= cp.at);
        last = t;
        if (due) {
          player.pause();
          pausedForRef.current = due;
          setPausedFor(due);
          setPausedAnswered(false);
        }
      });
      // The last time update can arrive after the video already counts as paused (at its end, in
      // Chromium): the running stretch is extended to the playhead before it is closed.
      const stop = () => {
        const c = current.current;
        const t = player.currentTime();
        if (c && t >= c[1] && t - c[1] <= CONTINUOUS) c[1] = t;
        closeCurrent();
        void flush();
      };
      player.on("pause", stop);
      player.on("ended", stop);
      timer = setInterval(() => void flush(), HEARTBEAT_SECONDS * 1000);
    })();
    const onHide = () => {
      closeCurrent();
      void flush();
    };
    window.addEventListener("pagehide", onHide);
    return () => {
      disposed = true;
      stopWatching();
      clearInterval(timer);
      window.removeEventListener("pagehide", onHide);
      onHide();
      playerRef.current?.dispose();
      playerRef.current = null;
    };
    // The player is set up once per lesson.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lessonId]);

  return (
    <div className="space-y-2">
      <div data-vjs-player>
        <video ref={videoRef} className="video-js vjs-big-play-centered" playsInline preload="metadata" data-testid="lesson-video">
          <source src={props.src} type={props.mime} />
        </video>
      </div>
      {superseded ? (
        <div role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800">
          您已在另一个窗口或设备上开始学习，本窗口的播放不再计入。
          <button
            type="button"
            className="ml-2 underline"
            onClick={() =>
              void begin().then((ok) => {
                if (ok) void playerRef.current?.play();
              })
            }
          >
            在此窗口继续
          </button>
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {pausedFor ? (
        <CheckpointCard
          checkpoint={pausedFor}
          channel={channel}
          onAnswered={(s) => {
            answered.current.add(pausedFor.id);
            pausedForRef.current = null;
            setPausedAnswered(true);
            onStatus(s);
          }}
        />
      ) : null}
      {pausedFor && pausedAnswered ? (
        <button
          type="button"
          className="rounded bg-party px-3 py-1 text-sm text-white"
          onClick={() => {
            setPausedFor(null);
            void playerRef.current?.play();
          }}
        >
          继续播放
        </button>
      ) : null}
      {notes.length ? (
        <ul className="space-y-1 rounded bg-stone-100 p-2 text-sm text-stone-700" data-testid="credit-notes" aria-live="polite">
          {notes.map((n, i) => (
            <li key={`${i}-${n}`}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
