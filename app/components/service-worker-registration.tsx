import { useEffect } from "react";

// Registers the installable app's service worker (/sw.js, decision 055) once the page is hydrated:
// only in a production build (the development server has no /sw.js) and only where the browser has
// service workers. A failed registration leaves the site as it was without one.

export function ServiceWorkerRegistration() {
  useEffect(() => {
    if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).catch((error: unknown) => {
      console.warn("service worker not registered", error);
    });
  }, []);
  return null;
}
