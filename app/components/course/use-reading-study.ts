import { useEffect, useRef, useState } from "react";
import { HEARTBEAT_SECONDS } from "~/lib/watch-credit";
import { StudyChannel, type StudyStatus } from "./study-client";

// A text lesson's reading time: counted only while the page is visible, sent every 15 s (and when the
// page is hidden or left), credited by the server no faster than its own clock runs. Opening the
// lesson begins a study session, so a video playing in another tab stops counting, and says so.

export function useReadingStudy(lessonId: number, enabled: boolean, onStatus: (s: StudyStatus) => void) {
  const [channel] = useState(() => new StudyChannel(lessonId));
  const [superseded, setSuperseded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notes, setNotes] = useState<string[]>([]);
  const visibleSince = useRef<number | null>(null);
  const banked = useRef(0);
  const statusRef = useRef(onStatus);
  statusRef.current = onStatus;

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    const take = () => {
      const now = performance.now();
      if (visibleSince.current !== null) {
        banked.current += (now - visibleSince.current) / 1000;
        visibleSince.current = now;
      }
      const visibleSeconds = banked.current;
      banked.current = 0;
      return { visibleSeconds };
    };
    const flush = async () => {
      const r = await channel.beat(take);
      if (!r || stopped) return;
      if (!r.ok) return setError(r.error);
      setError(null);
      // Reading time the server did not count is explained, like refused video time.
      if (r.messages.length) setNotes((n) => [...r.messages, ...n].slice(0, 5));
      if (r.superseded) {
        visibleSince.current = null;
        setSuperseded(true);
      }
      statusRef.current(r.status);
    };
    const onVisibility = () => {
      if (document.visibilityState === "visible") {
        if (!channel.active || superseded) return;
        visibleSince.current = performance.now();
      } else {
        void flush();
        visibleSince.current = null;
      }
    };
    void channel.begin().then((r) => {
      if (stopped) return;
      if (typeof r === "string") return setError(r);
      if (document.visibilityState === "visible") visibleSince.current = performance.now();
    });
    const timer = setInterval(() => void flush(), HEARTBEAT_SECONDS * 1000);
    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("pagehide", flush);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisibility);
      window.removeEventListener("pagehide", flush);
      void channel.beat(take);
    };
    // One session per lesson page.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lessonId, enabled]);

  const resume = async () => {
    const r = await channel.begin();
    if (typeof r === "string") return setError(r);
    setSuperseded(false);
    visibleSince.current = performance.now();
  };

  return { channel, superseded, error, notes, resume };
}
