import { useEffect, useState } from "react";

/**
 * True once React runs in the browser. Controls that only work with JavaScript stay disabled until
 * then, so a tap before the page's script has loaded is not silently lost.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
