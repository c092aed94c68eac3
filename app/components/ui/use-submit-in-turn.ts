import { type FetcherWithComponents } from "@remix-run/react";
import { useEffect, useRef } from "react";

type SubmitArgs = Parameters<FetcherWithComponents<unknown>["submit"]>;

/**
 * A fetcher's submit that never cuts off the request the fetcher has on its way: a submit made
 * meanwhile waits, and only the latest waiting one is sent, once the fetcher is idle again. For
 * the fetchers that send the same thing again and again as a person types or taps (an autosave, a
 * preview).
 *
 * Submitting a busy fetcher again aborts its earlier request. When that abort lands while Remix
 * is decoding the earlier answer (`fetchAndDecode` in @remix-run/react 2.17), Remix logs the
 * AbortError with console.error before the router drops it as aborted: nothing breaks, but every
 * such race leaves an error in the console, and the server has done the earlier work anyway. The
 * lesson preview, whose answers are large and slow to compile, met it in a test (stop 29's CI).
 * Waiting costs the person nothing they can see: the newest state is what is sent last.
 */
export function useSubmitInTurn<T>(fetcher: FetcherWithComponents<T>): (...args: SubmitArgs) => void {
  // Set when a request is sent, cleared when the fetcher is seen idle again. A ref, not the rendered
  // state, so that two submits before the next render still go one after the other.
  const busy = useRef(false);
  const waiting = useRef<SubmitArgs | null>(null);
  useEffect(() => {
    // `fetcher` changes with its state and its data, so a request that completes before React ever
    // rendered it as busy is still seen here through its new data.
    if (fetcher.state !== "idle") return;
    busy.current = false;
    const next = waiting.current;
    if (!next) return;
    waiting.current = null;
    busy.current = true;
    void fetcher.submit(...next);
  }, [fetcher]);
  return (...args) => {
    if (busy.current) {
      waiting.current = args;
      return;
    }
    busy.current = true;
    void fetcher.submit(...args);
  };
}
