import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "~/.server/auth/guard";
import { clearSearches, setKeepSearches } from "~/.server/learning/search-history";
import { readForm } from "~/.server/http/form-body";

// POST /account/search-history: switch remembering one's catalogue searches on or off, or clear them
// (decision 033); back to the page the form was on (/courses or /account), which says what happened.

const Schema = z.object({
  intent: z.enum(["on", "off", "clear"]),
  back: z.enum(["/courses", "/account"]).catch("/account"),
});

export async function loader() {
  return redirect("/account");
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = Schema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) throw new Response("无法识别的操作", { status: 400 });
  const { intent, back } = parsed.data;
  if (intent === "clear") await clearSearches(user.id);
  else await setKeepSearches(user.id, intent === "on");
  return redirect(`${back}?searches=${intent}`);
}
