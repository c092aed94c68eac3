import { startTransition, useEffect, useState } from "react";

/**
 * True once React runs in the browser. Controls that only work with JavaScript stay disabled until
 * then, so a tap before the page's script has loaded is not silently lost.
 *
 * The re-render that turns them on is a transition: React renders it in slices and lets a tap in
 * between, where a plain update from an effect would render the whole page in one blocking task
 * (a long quiz's twenty questions on a phone: a few hundred milliseconds). Until it commits, a
 * control stays as the server rendered it, which every one of them already handles.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => startTransition(() => setHydrated(true)), []);
  return hydrated;
}
