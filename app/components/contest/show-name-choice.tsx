import { Form, useNavigation } from "@remix-run/react";
import { secondaryButtonClass } from "~/components/ui/form";

/**
 * A player's consent to be named on leaderboards (paper contests on their result page, live rounds on
 * the phone while the round lasts): ticking or unticking posts at once; without JavaScript a button does.
 */
export function ShowNameChoice({
  showName,
  label,
  hidden,
  testId,
}: {
  showName: boolean;
  label: string;
  hidden?: Record<string, string | number>;
  testId?: string;
}) {
  const busy = useNavigation().state !== "idle";
  return (
    <Form method="post" className="rounded-lg bg-white p-4 text-sm shadow" data-testid={testId}>
      <input type="hidden" name="intent" value="showName" />
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <label className="flex items-center gap-2">
        <input type="checkbox" name="showName" defaultChecked={showName} onChange={(e) => e.currentTarget.form?.requestSubmit()} />
        {label}
      </label>
      <noscript>
        <button type="submit" className={secondaryButtonClass} disabled={busy}>
          保存
        </button>
      </noscript>
    </Form>
  );
}
