import { CACHE_PREFIX, OFFLINE_PATH, PRECACHED_PATHS, requestHandling, shellCacheName } from "~/lib/offline-shell";
import { pushNotice, sameOriginPath } from "~/lib/push-notice";

// The service worker, served as /sw.js (built by app/pwa/vite-plugin.ts with the deploy's version in
// BUILD_VERSION; decision 055). It keeps the app shell (the offline page, the icons and the hashed
// build files it has seen), answers a failed navigation with the offline page, and shows Web Push
// notices. It never stores a page: pages hold personal data, and a phone is often shared.

declare const BUILD_VERSION: string;

// The parts of the worker's global scope used here (the DOM library has no worker types, and the
// webworker library cannot be loaded beside it in one program).
type ExtendableEvent = Event & { waitUntil(promise: Promise<unknown>): void };
type FetchEvent = ExtendableEvent & { request: Request; respondWith(response: Response | Promise<Response>): void };
type PushEvent = ExtendableEvent & { data: { text(): string } | null };
type NotificationEvent = ExtendableEvent & { notification: Notification };
type WindowClient = { url: string; focused: boolean; focus(): Promise<WindowClient>; navigate(url: string): Promise<WindowClient | null> };
type WorkerScope = {
  location: Location;
  registration: ServiceWorkerRegistration;
  clients: {
    matchAll(options: { type: "window"; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void;
  addEventListener(type: "push", listener: (event: PushEvent) => void): void;
  addEventListener(type: "notificationclick", listener: (event: NotificationEvent) => void): void;
};

const worker = self as unknown as WorkerScope;
const origin = worker.location.origin;
const CACHE = shellCacheName(BUILD_VERSION);

worker.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // The offline page is fetched without cookies: cached signed in, it would show the name of
      // whoever installed the worker to whoever is offline next.
      const offline = await fetch(OFFLINE_PATH, { credentials: "omit", cache: "no-store" });
      if (!offline.ok) throw new Error(`the offline page answered ${offline.status}`);
      await cache.put(OFFLINE_PATH, offline.clone());
      // Its stylesheet, so the page looks like ours when it is all there is.
      const styles = [...(await offline.text()).matchAll(/href="(\/assets\/[^"?]+\.css)"/g)].map((m) => m[1]);
      await cache.addAll([...PRECACHED_PATHS.filter((p) => p !== OFFLINE_PATH), ...styles]);
      // Taking over at once is safe: this worker never answers a page from its cache, and the files it
      // does answer are named by their content, so pages of the previous deploy get the same bytes.
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      await worker.clients.claim();
    })(),
  );
});

worker.addEventListener("fetch", (event) => {
  const handling = requestHandling(event.request, origin);
  if (handling === "page") event.respondWith(pageOrOffline(event.request));
  else if (handling === "shell-file") event.respondWith(shellFile(event.request));
  // Anything else is not answered here: the browser sends it to the network as if there were no worker.
});

async function pageOrOffline(request: Request): Promise<Response> {
  try {
    return await fetch(request);
  } catch (error) {
    const offline = await caches.match(OFFLINE_PATH, { cacheName: CACHE });
    if (offline) return offline;
    throw error;
  }
}

async function shellFile(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}

worker.addEventListener("push", (event) => {
  let text: string | null = null;
  try {
    text = event.data ? event.data.text() : null;
  } catch {
    // Undecodable data: the generic notice below.
  }
  const notice = pushNotice(text, origin);
  event.waitUntil(
    worker.registration.showNotification(notice.title, {
      body: notice.body,
      tag: notice.tag,
      icon: "/icons/icon-192.png",
      badge: "/icons/badge-96.png",
      lang: "zh-CN",
      data: { url: notice.url },
    }),
  );
});

worker.addEventListener("notificationclick", (event) => {
  event.notification.close();
  // The URL was made a path of ours when the notice was shown (push-notice.ts); checked again, as the
  // notice's data is the page's to read, not to trust.
  const data = event.notification.data as { url?: unknown } | null;
  const target = new URL(sameOriginPath(data?.url, origin), origin).href;
  event.waitUntil(
    (async () => {
      const tabs = await worker.clients.matchAll({ type: "window", includeUncontrolled: true });
      const there = tabs.find((t) => t.url === target);
      if (there) return there.focus();
      const ours = tabs.find((t) => new URL(t.url).origin === origin);
      if (ours) {
        // navigate() works only on a tab this worker controls; otherwise a new one is opened.
        const moved = await ours.navigate(target).catch(() => null);
        if (moved) return moved.focus();
      }
      return worker.clients.openWindow(target);
    })(),
  );
});
