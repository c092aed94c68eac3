import { type LoaderFunctionArgs, redirect } from "@remix-run/node";

// My hours moved to /hours; old links and bookmarks (with their ?year=) still land there.
export function loader({ request }: LoaderFunctionArgs) {
  return redirect(`/hours${new URL(request.url).search}`, 301);
}
