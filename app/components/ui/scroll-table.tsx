import { type ReactNode } from "react";

/**
 * The box a wide table scrolls sideways in on a phone. It takes the keyboard focus and is a named
 * region, so a person without a touch screen or mouse can scroll it too (WCAG 2.1.1, axe's
 * scrollable-region-focusable).
 */
export function ScrollTable({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className={`overflow-x-auto focus-visible:outline focus-visible:outline-2 focus-visible:outline-red-700 ${className ?? ""}`}
    >
      {children}
    </div>
  );
}
