import { Form, useSubmit } from "@remix-run/react";
import { type FormEvent } from "react";

// Every sign-out button: the header's 退出 and the account page's 退出登录 (decision 060). Signing out ends the session, and the server removes the push
// subscriptions that session made; with script, this browser also unsubscribes from its push service
// first, so a shared phone or lab PC stops showing the person's notifications even if the request
// is lost. Without script the form posts as it is; a browser that cannot unsubscribe signs out anyway.

/** How long sign-out waits for the browser's push service before going on. */
const UNSUBSCRIBE_WAIT_MS = 3_000;

async function unsubscribeThisBrowser(): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration();
  const subscription = await registration?.pushManager?.getSubscription();
  await subscription?.unsubscribe();
}

export function SignOutForm({ className, label = "退出" }: { className: string; label?: string }) {
  const submit = useSubmit();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const waited = new Promise<void>((resolve) => setTimeout(resolve, UNSUBSCRIBE_WAIT_MS));
    void Promise.race([unsubscribeThisBrowser().catch(() => undefined), waited]).then(() => submit(form));
  };
  return (
    <Form method="post" action="/logout" onSubmit={onSubmit}>
      <button type="submit" className={className}>
        {label}
      </button>
    </Form>
  );
}
