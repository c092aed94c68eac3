import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { completeOidcSignIn, requireSso } from "~/.server/auth/sso/sign-in";
import { SsoRefusal } from "~/components/auth/sso-refusal";
import { pageMeta } from "~/lib/page-meta";

// OpenID Connect sign-in, the provider's redirect back: redeem the code, sign the person in or say why not.

export const meta: MetaFunction = () => pageMeta("统一身份认证 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  requireSso("oidc");
  return completeOidcSignIn(request);
}

export default function OidcCallback() {
  const { message } = useLoaderData<typeof loader>();
  return <SsoRefusal message={message} />;
}
