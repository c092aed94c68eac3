import { type Page, type Request } from "@playwright/test";
import { fillShown, seedContest } from "./support/contest-paper";
import { expect, signInAs, test } from "./support/fixtures";

// A paper contest on the phone: enter, answer one question at a time (each answer goes to the intake
// and is kept once acknowledged), reload half-way and carry on where the paper was, hand in, and see
// the score, the place and the ranking. The standard bank's keys: single B (乙选项), multiple A+C
// (甲选项, 丙选项), judge true, fill 三会一课.

/**
 * Answers the question on screen, right or wrong when asked, and returns once the page has taken the
 * answer in: the count of answered questions has moved on (and with it the question shown).
 */
async function answerShown(page: Page, right = true) {
  const q = page.getByTestId("contest-question");
  const count = Number(/已答 (\d+)\//.exec((await page.getByText(/已答 \d+\/\d+ 题/).textContent()) ?? "")?.[1]);
  await fillShown(page, right);
  const before = await q.getAttribute("data-position");
  // Taken by the intake's endpoint with the script, or by the page's own form post before it has loaded.
  await q.getByRole("button", { name: "确定" }).click();
  await expect(page.getByText(new RegExp(`已答 ${count + 1}/\\d+ 题`))).toBeVisible();
  return before;
}

test("a participant answers a contest on the phone, reloads half-way, hands in and sees the place", async ({ page, db }) => {
  const { contestId, title } = seedContest();
  await signInAs(page, "cadre", "吴处长");
  await page.goto("/contests");
  await page.getByRole("link", { name: new RegExp(title) }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  // Once the page runs its script, 开始答题 asks for the paper in its reply (the form's hidden field
  // `reply`): one request, and nothing loads again after it (issue 17).
  await expect(page.locator('input[type="hidden"][name="reply"]')).toBeAttached();
  const contestData: string[] = [];
  const onRequest = (r: Request) => {
    const url = new URL(r.url());
    if (url.pathname === `/contests/${contestId}.data`) contestData.push(r.method());
  };
  page.on("request", onRequest);
  await page.getByRole("button", { name: "开始答题" }).click();

  await expect(page.getByText("已答 0/4 题")).toBeVisible();
  page.off("request", onRequest);
  expect(contestData).toEqual(["POST"]);
  const first = await answerShown(page);
  await expect(page.getByText("已答 1/4 题")).toBeVisible();
  await expect(page.getByTestId("contest-question")).not.toHaveAttribute("data-position", first!);
  await answerShown(page);
  await expect(page.getByText("已答 2/4 题")).toBeVisible();

  // A reload (or another phone) picks up where the paper was: two answered, the next one open.
  await page.reload();
  await expect(page.getByText("已答 2/4 题")).toBeVisible();
  await expect(page.getByTestId("contest-question").getByRole("button", { name: "确定" })).toBeVisible();
  await answerShown(page, false);
  await answerShown(page);
  await expect(page.getByText("已答 4/4 题")).toBeVisible();

  // 交卷 the same way: the result in its reply, one POST and nothing loaded after it.
  await expect(page.locator("form", { has: page.getByRole("button", { name: "交卷" }) }).locator('input[type="hidden"][name="reply"]')).toBeAttached();
  contestData.length = 0;
  page.on("request", onRequest);
  await page.getByRole("button", { name: "交卷" }).click();
  await expect(page.getByTestId("contest-score")).toContainText("75");
  page.off("request", onRequest);
  expect(contestData).toEqual(["POST"]);
  await expect(page.getByText("答对 3/4 题")).toBeVisible();
  await expect(page.getByTestId("contest-place")).toHaveText(/当前排名 第 1 名（共 1 人交卷）/);

  const stored = db()
    .prepare("SELECT COUNT(*) AS n, SUM(a.correct) AS right FROM ContestAnswer a JOIN ContestEntry e ON e.id = a.entryId WHERE e.contestId = ?")
    .get(contestId);
  expect(stored).toEqual({ n: 4, right: 3 });
});
