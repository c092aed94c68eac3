import { type LiveListener, liveHub } from "./hub";

// A round's event stream as a Response: the first events (the current state), then whatever the hub
// publishes, until the client goes (request.signal) or falls too far behind. The body is a web
// ReadableStream that our Remix handler pipes to the socket with backpressure (remix-handler.ts):
// events queue here while the socket is full, and a stream with more than MAX_QUEUED waiting is
// closed rather than buffered without end. Every state event is the whole state, so the client loses
// nothing by reconnecting (EventSource does so by itself after `retry`).

const MAX_QUEUED = 64;
const encoder = new TextEncoder();

export function eventStream(
  signal: AbortSignal,
  roundId: number,
  who: { personId: number | null; host: boolean; version: number },
  first: Uint8Array[],
): Response {
  let closed = false;
  let listener: LiveListener | null = null;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;
  const close = () => {
    if (closed) return;
    closed = true;
    if (listener) liveHub.remove(roundId, listener);
    signal.removeEventListener("abort", close);
    try {
      controllerRef?.close();
    } catch {
      // already closed or errored by the reader going away
    }
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controllerRef = controller;
        if (signal.aborted) {
          close();
          return;
        }
        controller.enqueue(encoder.encode("retry: 2000\n\n"));
        for (const chunk of first) controller.enqueue(chunk);
        listener = {
          ...who,
          send(bytes) {
            if (closed) return;
            if ((controller.desiredSize ?? 0) < -MAX_QUEUED) return close();
            controller.enqueue(bytes);
          },
          close,
        };
        liveHub.add(roundId, listener);
        signal.addEventListener("abort", close);
      },
      cancel() {
        close();
      },
    },
    { highWaterMark: 8 },
  );
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      // nginx in front (README): pass events on at once instead of buffering the response.
      "X-Accel-Buffering": "no",
    },
  });
}
