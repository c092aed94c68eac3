import { type LoaderFunctionArgs } from "@remix-run/node";
import { downloadResponse } from "~/.server/http/download";
import { requireMailboxDesk } from "~/.server/mailbox/access";
import { exportMailboxStatistics } from "~/.server/mailbox/statistics";

// The figures of the mailboxes the caller handles, and their letters (authors masked, anonymous ones
// as 匿名), as a workbook; audited. /manage/mailbox/statistics.xlsx

export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireMailboxDesk(request);
  return downloadResponse(await exportMailboxStatistics(user), "mailbox-statistics.xlsx");
}
