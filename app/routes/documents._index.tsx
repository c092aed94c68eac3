import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { requireUser } from "~/.server/auth/guard";

// /documents: the person's own unit's library, from which the page links up to the college and the committee.

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  throw redirect(`/org/${user.unitId}/documents`);
}
