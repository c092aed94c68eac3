import { useEffect, useState } from "react";
import { secondaryButtonClass } from "~/components/ui/form";

/** Opens the browser's print dialog: disabled until the page is hydrated, and never on the paper itself. */
export function PrintButton() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <button type="button" className={`${secondaryButtonClass} print:hidden`} disabled={!hydrated} onClick={() => window.print()}>
      打印
    </button>
  );
}
