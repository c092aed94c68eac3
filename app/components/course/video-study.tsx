import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { HEARTBEAT_SECONDS, type Interval, formatMediaTime } from "~/lib/watch-credit";
import { useHydrated } from "~/components/ui/use-hydrated";
import { CheckpointCard, type PublicCheckpoint } from "./checkpoint-card";
import { StudyChannel, type StudyStatus } from "./study-client";

// A video lesson: our own poster with a 播放视频 button (server-rendered, sized), the video.js player
// loaded on the learner's first tap of it (decision 072), the played intervals sent as heartbeats,
// seeking past the furthest watched point blocked, the video paused at each checkpoint until it is
// answered, and every sentence the server returns about time that did not count shown to
// the learner. The server decides what counts (app/lib/watch-credit.ts); the player only reports.

type Player = {
  currentTime(t?: number): number;
  paused(): boolean;
  seeking(): boolean;
  pause(): void;
  play(): Promise<void> | undefined;
  on(event: string, fn: () => void): void;
  one(event: string, fn: () => void): void;
  ready(fn: () => void): void;
  el(): HTMLElement;
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
  // poster: our button over the bare <video>, nothing of video.js loaded; loading: video.js is on its
  // way after the tap; player: video.js has taken over (playing, or showing its own play button).
  const [stage, setStage] = useState<"poster" | "loading" | "player">("poster");
  const startRef = useRef<(() => void) | null>(null);
  // A tap before the page's script has run would be lost: the button waits for hydration.
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
    // The player (video.js, the largest script of the site, and its CSS) is fetched on the learner's
    // first tap of 播放视频, never while the page loads: a video lesson shows its video at the top, so
    // loading it "when on screen" ran it during page load (decision 072).
    let started = false;
    const start = async () => {
      if (started || disposed) return;
      started = true;
      let videojs: typeof import("video.js").default;
      try {
        [{ default: videojs }] = await Promise.all([import("video.js"), import("video.js/dist/video-js.css")]);
      } catch {
        // Offline or a failed download: the learner can tap again.
        started = false;
        if (!disposed) {
          setError("播放器加载失败，请检查网络后重试。");
          setStage("poster");
        }
        return;
      }
      if (disposed || !videoRef.current) return;
      const player = videojs(videoRef.current, { controls: true, fluid: true, preload: "auto", playbackRates: [], language: "zh-CN" }) as unknown as Player;
      playerRef.current = player;
      let last = player.currentTime();

      player.on("play", () => {
        if (pausedForRef.current) {
          player.pause();
          return;
        }
        if (!channel.active) void begin();
      });
      // A stretch starts where the playhead last stood when playback runs on from there: on a busy
      // phone this handler or the first time update can run a few tenths after the media began to
      // play, and starting at the playhead then would lose those tenths (a two-second video could
      // not reach 95 %). A jump (a seek, a restart) starts at the playhead.
      const runFrom = (t: number) => {
        current.current = [t >= last && t - last <= CONTINUOUS ? last : t, t];
      };
      // Playback (re)starts here: the interval begins at this point, not at the first time update.
      player.on("playing", () => {
        closeCurrent();
        runFrom(player.currentTime());
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
            runFrom(t);
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
      // The tap was to play, so playback starts by itself once the player is ready and the media has
      // its metadata. It is started on the media element: video.js's own play() queues the call until
      // events that, with the tests' fake clock, had already passed, and a play() before video.js has
      // set its source is aborted by the load that starts. Chromium and Safari let a page play after
      // a tap on it; where the browser refuses, the player shows its own play button, one more tap.
      // Either way the "play" event above begins the study time, as before.
      // Keyboard users keep their place: the focus the vanished button held moves to the player.
      const focusFree = () => !document.activeElement || document.activeElement === document.body || document.activeElement.closest("[data-player]") !== null;
      const handOver = () => {
        if (disposed) return;
        const hadFocus = focusFree();
        setError(null);
        setStage("player");
        if (hadFocus) player.el().focus({ preventScroll: true });
      };
      player.one("play", handOver);
      const media = videoRef.current;
      const attempt = () => {
        if (disposed || !media.paused) return;
        media.play().catch((e: unknown) => {
          // A load begun after this call (video.js setting its source) aborts it: try again once it has metadata.
          if (e instanceof DOMException && e.name === "AbortError") media.addEventListener("loadedmetadata", attempt, { once: true });
          else handOver();
        });
      };
      player.ready(() => {
        if (media.readyState >= HTMLMediaElement.HAVE_METADATA) attempt();
        else media.addEventListener("loadedmetadata", attempt, { once: true });
      });
    };
    startRef.current = () => void start();
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
          {/* No media is fetched before the tap (preload none); the box keeps the player's 16:9 place. */}
          <video ref={videoRef} className="video-js vjs-big-play-centered aspect-video w-full bg-black" playsInline preload="none" data-testid="lesson-video">
            <source src={props.src} type={props.mime} />
          </video>
        </div>
        {stage === "player" ? null : (
          <button
            type="button"
            disabled={!hydrated || stage === "loading"}
            onClick={() => {
              setStage("loading");
              startRef.current?.();
            }}
            className="group absolute inset-0 flex flex-col items-center justify-center gap-2 text-white"
            data-testid="video-poster-play"
          >
            <span className="flex h-16 w-16 items-center justify-center rounded-full bg-black/60 ring-2 ring-white/80 group-hover:bg-party group-focus-visible:bg-party">
              {stage === "loading" ? (
                <span className="h-7 w-7 animate-spin rounded-full border-4 border-white/40 border-t-white" aria-hidden="true" />
              ) : (
                <svg viewBox="0 0 24 24" className="ml-1 h-9 w-9" aria-hidden="true" fill="currentColor">
                  <path d="M8 5v14l11-7z" />
                </svg>
              )}
            </span>
            <span className="rounded bg-black/60 px-2 py-0.5 text-sm">{stage === "loading" ? "正在加载播放器…" : "播放视频"}</span>
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
