import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { parseWithZod } from "~/lib/zod-form";
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
  // Buttons, not fields a person types: a post the page cannot make is refused outright.
  const submission = parseWithZod(await readForm(request), { schema: Schema });
  if (submission.status !== "success") throw new Response("无法识别的操作", { status: 400 });
  const { intent, back } = submission.value;
  if (intent === "clear") await clearSearches(user.id);
  else await setKeepSearches(user.id, intent === "on");
  return redirect(`${back}?searches=${intent}`);
}
