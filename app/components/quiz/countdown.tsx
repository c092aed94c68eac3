import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { countdownText, timeLeftMilestone } from "~/lib/countdown";

// The time left of a quiz attempt or a contest entry, counted from the server's deadline and clock.

/**
 * Remaining time from the server's deadline and clock; at zero the page reloads and the server closes
 * the attempt or entry. The visible text ticks every second in the last minutes; a screen reader hears
 * it only at a few milestones (a polite live region), never every second.
 */
export function Countdown({ deadlineAt, serverNow, deadlineText }: { deadlineAt: string; serverNow: string; deadlineText: string }) {
  const deadline = new Date(deadlineAt).getTime();
  const [remaining, setRemaining] = useState(() => Math.max(0, deadline - new Date(serverNow).getTime()));
  const revalidator = useRevalidator();
  const reloaded = useRef(false);
  useEffect(() => {
    // The browser's clock may be wrong; only the difference since the page loaded is trusted.
    const offset = new Date(serverNow).getTime() - Date.now();
    const tick = () => {
      const left = Math.max(0, deadline - (Date.now() + offset));
      setRemaining(left);
      if (left === 0 && !reloaded.current) {
        reloaded.current = true;
        // A moment's grace so the server's clock has certainly passed the deadline too.
        setTimeout(() => revalidator.revalidate(), 1500);
      }
    };
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [deadline, serverNow, revalidator]);

  // The milestone the page opened in is not announced (the visible text says it); only those crossed since.
  const milestone = timeLeftMilestone(remaining);
  const opened = useRef(milestone?.label ?? null);
  const announce = milestone && milestone.label !== opened.current ? milestone.label : "";
  return (
    <>
      <span
        data-testid="countdown"
        className={`whitespace-nowrap tabular-nums ${remaining < 5 * 60_000 ? "font-semibold text-red-700" : ""}`}
        title={`截止时间 ${deadlineText}`}
      >
        {countdownText(remaining)}
      </span>
      <span className="sr-only" aria-live="polite" data-testid="countdown-announcement">
        {announce}
      </span>
    </>
  );
}
