import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

// Reloads the page's data every few seconds while it is visible: the projector's rotating code and its
// live count. Revalidation leaves what a person is typing into the page's forms alone.
export function AutoRefresh({ seconds }: { seconds: number }) {
  const revalidator = useRevalidator();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, seconds * 1000);
    return () => clearInterval(timer);
  }, [seconds, revalidator]);
  return null;
}
