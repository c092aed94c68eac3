import { type LoaderFunctionArgs } from "@remix-run/node";
import { requireContestManager } from "~/.server/contest/access";
import { closeExpiredEntries } from "~/.server/contest/entries";
import { exportContestResults } from "~/.server/contest/results-export";
import { contestSummary, organisationLevels, organisationTable } from "~/.server/contest/results";
import { downloadResponse } from "~/.server/http/download";
import { searchParamsOf } from "~/.server/http/request-params";
import { AwardThresholdSchema, DEFAULT_AWARD_THRESHOLD, ResultsQuerySchema } from "~/lib/contest-settings";

// A contest's results as an Excel workbook: /manage/contests/:contestId/results.xlsx?unit=&threshold=
// (the organisation table at the level and award threshold the results page shows).

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, contestId } = await requireContestManager(request, params.contestId);
  const query = searchParamsOf(request, ResultsQuerySchema);
  const threshold = AwardThresholdSchema.safeParse(query.threshold);
  // Entries the close left open are counted as what they are, not as still being answered (decision 090).
  await closeExpiredEntries(new Date(), { contestId });
  const [{ chosen }, contest] = await Promise.all([organisationLevels(contestId, query.unit ?? null), contestSummary(contestId)]);
  const table = chosen ? await organisationTable(contestId, chosen, threshold.success ? threshold.data : DEFAULT_AWARD_THRESHOLD) : null;
  const file = await exportContestResults(user.id, contest, user.grants, table);
  return downloadResponse(file, `contest-${contestId}-results.xlsx`);
}
