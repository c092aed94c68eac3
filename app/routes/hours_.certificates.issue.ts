import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { parseWithZod } from "~/lib/zod-form";
import { z } from "zod";
import { requirePersonInScope, requireUser } from "~/.server/auth/guard";
import { issueCertificate } from "~/.server/hours/certificates";
import { ledgerYear } from "~/lib/hours";
import { readForm } from "~/.server/http/form-body";

// Issues a 学时证明 and opens it: one's own (no personId), or for a person in the caller's
// "hours:report" scope (from the person page). Forms post here from those two pages.

const IssueSchema = z.object({
  year: z.coerce.number().int().min(2000),
  personId: z.coerce.number().int().positive().optional(),
});

export async function loader() {
  return redirect("/hours");
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  // The two pages post a year from a list and a hidden person id: nothing typed to show beside a field.
  const submission = parseWithZod(await readForm(request), { schema: IssueSchema });
  if (submission.status !== "success") throw new Response("请选择要开具证明的年度", { status: 400 });
  const { year, personId = user.id } = submission.value;
  // Someone else's certificate needs the right over their unit; refused alike whether or not they exist.
  if (personId !== user.id) await requirePersonInScope(request, "hours:report", personId);
  if (year > ledgerYear(new Date())) throw new Response("不能为尚未开始的年度开具学时证明", { status: 400 });
  const { id } = await issueCertificate(user.id, personId, year);
  return redirect(`/hours/certificates/${id}`);
}
