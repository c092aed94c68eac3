// Reads a Server-Sent Events stream the way EventSource does (event name, data lines, blank line),
// over fetch with a client's cookies, for the live-round tests and the live benchmark's checks.

export type SseEvent = { event: string; data: unknown; at: number };

export type SseReader = {
  /** The next event (of `name` when given) not yet taken, waiting up to `timeoutMs`. */
  next(name?: string, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
  status: number;
  headers: Headers;
};

export async function openSse(url: string, cookie: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { ...headers, Cookie: cookie, Accept: "text/event-stream" }, signal: controller.signal });
  const queue: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let cut: number;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            let event = "message";
            const data: string[] = [];
            for (const line of block.split("\n")) {
              if (line.startsWith("event: ")) event = line.slice(7);
              else if (line.startsWith("data: ")) data.push(line.slice(6));
            }
            if (data.length) queue.push({ event, data: JSON.parse(data.join("\n")), at: performance.now() });
            waiters.splice(0).forEach((w) => w());
          }
        }
      } catch {
        // aborted by close()
      }
      ended = true;
      waiters.splice(0).forEach((w) => w());
    })();
  } else {
    await res.text();
  }
  return {
    status: res.status,
    headers: res.headers,
    async next(name, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = queue.findIndex((e) => !name || e.event === name);
        if (i >= 0) return queue.splice(i, 1)[0];
        if (ended) throw new Error(`the stream ended before a ${name ?? "next"} event`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${name ?? ""} event within ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
    close: () => controller.abort(),
  };
}
