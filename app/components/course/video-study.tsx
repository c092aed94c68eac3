import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { HEARTBEAT_SECONDS, type Interval, formatMediaTime } from "~/lib/watch-credit";
import { useHydrated } from "~/components/ui/use-hydrated";
import { CheckpointCard, type PublicCheckpoint } from "./checkpoint-card";
import { StudyChannel, type StudyStatus } from "./study-client";

// A video lesson: the video.js player (loaded on the client only, on the learner's first tap), the played intervals sent
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
  // poster: our own play button over the bare <video>; loading: video.js is on its way after the tap;
  // ready: the player is there and was asked to play.
  const [stage, setStage] = useState<"poster" | "loading" | "ready">("poster");
  const startRef = useRef<(() => void) | null>(null);
  // A tap before the script has loaded would be lost: the button waits for hydration.
  const hydrated = useHydrated();

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
    // The player (video.js, the largest script of the site) is fetched on the learner's first tap on
    // our own play button, not while the page loads: a video lesson shows its video at the top, so
    // loading it "when on screen" still ran it during page load (decision 062).
    const tapped = new Promise<void>((resolve) => {
      startRef.current = resolve;
    });
    void (async () => {
      await tapped;
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
      // Playback starts in the tap that loaded the player where the browser still counts the tap
      // (Chromium and Safari keep a tap's activation for a few seconds); where it refuses, the
      // player's own play button takes one more tap. Either way the "play" event above begins the
      // study time, as before.
      const settled = () => {
        if (!disposed) setStage("ready");
      };
      void Promise.resolve(player.play()).then(settled, settled);
    })();
    const onHide = () => {
      closeCurrent();
      void flush();
    };
    window.addEventListener("pagehide", onHide);
    return () => {
      disposed = true;
      startRef.current = null;
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
      <div className="relative" data-player={stage}>
        <div data-vjs-player>
          <video
            ref={videoRef}
            className="video-js vjs-big-play-centered aspect-video w-full bg-black"
            playsInline
            preload="metadata"
            data-testid="lesson-video"
          >
            <source src={props.src} type={props.mime} />
          </video>
        </div>
        {stage === "ready" ? null : (
          <button
            type="button"
            aria-label="播放视频"
            disabled={!hydrated || stage === "loading"}
            onClick={() => {
              setStage("loading");
              startRef.current?.();
            }}
            className="group absolute inset-0 flex items-center justify-center"
          >
            <span className="flex h-16 w-16 items-center justify-center rounded-full bg-black/60 text-white group-hover:bg-party group-focus-visible:bg-party">
              {stage === "loading" ? (
                <span className="text-xs">加载中…</span>
              ) : (
                <svg viewBox="0 0 24 24" className="ml-1 h-8 w-8" aria-hidden="true" fill="currentColor">
                  <path d="M8 5v14l11-7z" />
                </svg>
              )}
            </span>
          </button>
        )}
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
