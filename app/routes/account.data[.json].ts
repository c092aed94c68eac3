import { type LoaderFunctionArgs } from "@remix-run/node";
import { exportPersonalData } from "~/.server/account/personal-data";
import { requireUser } from "~/.server/auth/guard";
import { downloadResponse } from "~/.server/http/download";

// Everything the system holds about the signed-in person, as a JSON file: /account/data.json (decision 033).

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return downloadResponse(await exportPersonalData(user.id, user.sessionId), "personal-data.json");
}
