import { hasAnyGrant } from "~/lib/permissions";
import { requireUser } from "../auth/guard";
import { handlesAnyMailbox } from "./letters";

/** The handlers' desk is for a mailbox's handlers and for whoever may set mailboxes up; anyone else is refused. */
export async function requireMailboxDesk(request: Request) {
  const user = await requireUser(request);
  const configures = hasAnyGrant(user.grants, "mailbox:manage");
  if (!configures && !(await handlesAnyMailbox(user))) throw new Response("没有权限访问此页面", { status: 403 });
  return { user, configures };
}
