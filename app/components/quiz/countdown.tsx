import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

// The time left of a quiz attempt or a contest entry, counted from the server's deadline and clock.

/** Remaining time from the server's deadline and clock; at zero the page reloads and the server closes the attempt or entry. */
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
  const minutes = Math.ceil(remaining / 60_000);
  return (
    <span data-testid="countdown" className={remaining < 5 * 60_000 ? "font-semibold text-red-700" : ""} title={`截止时间 ${deadlineText}`}>
      {remaining === 0 ? "作答时间已到" : remaining < 60_000 ? `剩余 ${Math.ceil(remaining / 1000)} 秒` : `剩余 ${minutes} 分钟`}
    </span>
  );
}
