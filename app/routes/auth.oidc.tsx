import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { beginOidcSignIn, requireSso } from "~/.server/auth/sso/sign-in";
import { SsoRefusal } from "~/components/auth/sso-refusal";
import { pageMeta } from "~/lib/page-meta";

// OpenID Connect sign-in, first step: off to the provider (or a page saying it cannot be reached).

export const meta: MetaFunction = () => pageMeta("统一身份认证 · 网上党校");

export async function loader({ request }: LoaderFunctionArgs) {
  requireSso("oidc");
  return beginOidcSignIn(request);
}

export default function OidcSignIn() {
  const { message } = useLoaderData<typeof loader>();
  return <SsoRefusal message={message} />;
}
