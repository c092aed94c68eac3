import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, type ShouldRevalidateFunction, useLoaderData } from "@remix-run/react";
import { checkIn } from "~/.server/activities/checkin";
import { requireUser } from "~/.server/auth/guard";
import { pageMeta } from "~/lib/page-meta";

// A person checks in by opening the URL of the projector's QR code on the phone: /checkin/:code
// (the activity id and the code of the current 30-second slot; nothing personal). Signing in first
// comes back here. Checking in again is harmless.

export const meta: MetaFunction = () => pageMeta("活动签到 · 网上党校");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return checkIn(user, params.code ?? "");
}

// The check-in happened when the page was opened; a later reload of its data must not try again
// with a code that has since rotated.
export const shouldRevalidate: ShouldRevalidateFunction = () => false;

export default function CheckinPage() {
  const outcome = useLoaderData<typeof loader>();
  const ok = outcome.status !== "refused";
  return (
    <div className="mx-auto max-w-md space-y-4">
      <section className={`rounded-lg p-6 text-center shadow ${ok ? "bg-green-50" : "bg-white"}`} data-testid="checkin-result">
        {outcome.title ? <p className="mb-2 text-sm text-stone-600">{outcome.title}</p> : null}
        {outcome.status === "checked-in" ? (
          <>
            <p className="text-2xl font-bold text-green-800" role="status">
              签到成功
            </p>
            <p className="mt-2 text-sm text-stone-600">书记确认签到名单后，学时将记入“我的学时”。</p>
          </>
        ) : outcome.status === "already" ? (
          <>
            <p className="text-2xl font-bold text-green-800" role="status">
              已签到
            </p>
            <p className="mt-2 text-sm text-stone-600">您已签到，无需重复扫码。</p>
          </>
        ) : (
          <>
            <p className="text-2xl font-bold text-red-800">未能签到</p>
            <p className="mt-2 text-red-800" role="alert">
              {"message" in outcome ? outcome.message : null}
            </p>
            <p className="mt-2 text-xs text-stone-500">未扫码签到的参会人员，可由书记在签到名单中补登。</p>
          </>
        )}
      </section>
      <nav className="flex justify-center gap-4 text-sm">
        <Link to="/account/hours" className="text-party underline">
          我的学时
        </Link>
        <Link to="/" className="text-party underline">
          返回首页
        </Link>
      </nav>
    </div>
  );
}
