import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { beginCasSignIn, completeCasSignIn, requireSso } from "~/.server/auth/sso/sign-in";
import { SsoRefusal } from "~/components/auth/sso-refusal";
import { pageMeta } from "~/lib/page-meta";

// CAS sign-in: without a ticket, off to the CAS server; with one (the CAS server's redirect back), validate it.

export const meta: MetaFunction = () => pageMeta("统一身份认证 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  requireSso("cas");
  return new URL(request.url).searchParams.has("ticket") ? completeCasSignIn(request) : beginCasSignIn(request);
}

export default function CasSignIn() {
  const { message } = useLoaderData<typeof loader>();
  return <SsoRefusal message={message} />;
}
