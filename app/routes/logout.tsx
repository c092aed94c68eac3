import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { audit } from "~/.server/audit";
import { getUser } from "~/.server/auth/guard";
import { blankSessionCookie, invalidateSession } from "~/.server/auth/session";

export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await getUser(request);
  if (user) {
    await invalidateSession(user.sessionId);
    await audit({ actorId: user.id, action: "logout", targetKind: "person", targetId: user.id });
  }
  return redirect("/login", { headers: { "Set-Cookie": blankSessionCookie() } });
}
