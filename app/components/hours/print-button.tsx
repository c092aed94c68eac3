import { secondaryButtonClass } from "~/components/ui/form";
import { useHydrated } from "~/components/ui/use-hydrated";

/** Opens the browser's print dialog: disabled until the page is hydrated, and never on the paper itself. */
export function PrintButton() {
  const hydrated = useHydrated();
  return (
    <button type="button" className={`${secondaryButtonClass} print:hidden`} disabled={!hydrated} onClick={() => window.print()}>
      打印
    </button>
  );
}
