import { useEffect, useState } from "react";
import { type LiveMeEvent, type LiveStateEvent, type LiveStatsEvent } from "~/lib/live-events";

// A live round's event stream in the browser. EventSource reconnects by itself after a network error;
// after an HTTP error it gives up, so the hook opens a new one a few seconds later. Each state event
// is the whole state, so a reconnect loses nothing. `offset` is the server's clock minus the
// browser's, measured when the state arrived: countdowns run on the server's time.

export type LiveStream = {
  state: LiveStateEvent | null;
  me: LiveMeEvent | null;
  stats: LiveStatsEvent | null;
  offset: number;
  connected: boolean;
};

const RETRY_MS = 3000;

export function useLiveStream(url: string | null, initial: Omit<LiveStream, "connected" | "offset"> & { offset?: number }): LiveStream {
  const [stream, setStream] = useState<LiveStream>({ ...initial, offset: initial.offset ?? 0, connected: false });

  useEffect(() => {
    if (!url) return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const open = () => {
      source = new EventSource(url);
      source.addEventListener("open", () => setStream((s) => ({ ...s, connected: true })));
      source.addEventListener("state", (e) => {
        const state = JSON.parse((e as MessageEvent<string>).data) as LiveStateEvent;
        setStream((s) => ({ ...s, state, offset: state.now - Date.now(), connected: true }));
      });
      source.addEventListener("me", (e) => setStream((s) => ({ ...s, me: JSON.parse((e as MessageEvent<string>).data) as LiveMeEvent })));
      source.addEventListener("stats", (e) => setStream((s) => ({ ...s, stats: JSON.parse((e as MessageEvent<string>).data) as LiveStatsEvent })));
      source.addEventListener("error", () => {
        setStream((s) => ({ ...s, connected: false }));
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          retry = setTimeout(open, RETRY_MS);
        }
      });
    };
    open();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      source?.close();
    };
  }, [url]);

  return stream;
}

/**
 * Whole seconds left until `deadlineAt` (server epoch ms), by the server's clock; ticks four times a
 * second. Null until the page runs in the browser (the server's render cannot know the browser's clock).
 */
export function useSecondsLeft(deadlineAt: number | null, offset: number): number | null {
  const compute = () => (deadlineAt === null ? null : Math.max(0, Math.ceil((deadlineAt - (Date.now() + offset)) / 1000)));
  const [left, setLeft] = useState<number | null>(null);
  useEffect(() => {
    setLeft(compute());
    if (deadlineAt === null) return;
    const timer = setInterval(() => setLeft(compute()), 250);
    return () => clearInterval(timer);
    // compute reads only deadlineAt and offset
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [deadlineAt, offset]);
  return left;
}
