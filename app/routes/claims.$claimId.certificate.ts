import { type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/.server/auth/guard";
import { certificateResponse } from "~/.server/claims/claims";

// A claim's certificate image, for the member who submitted it and reviewers over their unit only:
// /claims/:claimId/certificate (everyone else gets 404, like an unknown claim).

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return certificateResponse(user, Number(params.claimId));
}
