import { expect, signInAs, test } from "./support/fixtures";
import { seedLiveContest } from "./support/live-seed";

// A live round with a big screen and two phones (three browsers): the host makes a round and starts a
// question; it appears on both phones; one answers right at once, the other wrong; the host reveals,
// and the screen's distribution and leaderboard and each phone's result agree. A phone reloaded in the
// middle of the next question comes back to that question. Only the fast phone consents to be shown by
// name: the screen shows the other as "参赛者 #2" (decision 033).

test("a host and two phones play a live round", async ({ page, newContext, consoleErrors }) => {
  test.setTimeout(60_000);
  // The wrong code tried first is refused with 400, which the browser notes in the console.
  consoleErrors.allow(/status of 400 .*\/live\.data/);
  const seeded = seedLiveContest(["target", "activist"]);

  // The big screen is a desktop.
  const hostContext = await newContext({ viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  const screen = await hostContext.newPage();
  await signInAs(screen, "trainer", "钱教员");
  await screen.goto(`/contests/${seeded.contestId}/host`);
  await screen.getByLabel("题库（单选、多选、判断题）").selectOption(String(seeded.bankId));
  await screen.getByLabel("题目数量").fill("2");
  await screen.getByLabel("每题限时（秒）").fill("30");
  await screen.getByLabel("按题库顺序取前若干题").check();
  await screen.getByRole("button", { name: "生成加入码" }).click();
  const code = (await screen.getByTestId("join-code").textContent())!.trim();
  expect(code).toMatch(/^\d{6}$/);
  await expect(screen.getByTestId("player-count")).toHaveText("0");

  // Two phones join with the code (the test's own page is the first phone).
  const fast = page;
  const slowContext = await newContext();
  const slow = await slowContext.newPage();
  for (const [phone, username, name] of [
    [fast, "target", "郑发展"],
    [slow, "activist", "王积极"],
  ] as const) {
    await signInAs(phone, username, name);
    await phone.goto(`/contests/${seeded.contestId}/live`);
    await phone.getByLabel("加入码").fill(code === "000000" ? "999999" : "000000");
    await phone.getByRole("button", { name: "加入" }).click();
    await expect(phone.getByRole("alert")).toContainText("加入码不正确");
    await phone.getByLabel("加入码").fill(code);
    if (phone === fast) await phone.getByLabel(/在大屏幕和排行榜上显示我的姓名/).check();
    await phone.getByRole("button", { name: "加入" }).click();
    await expect(phone.getByTestId("live-waiting")).toContainText("等待主持人出题");
    await expect(phone.getByTestId("live-waiting")).toContainText("答对得分随用时递减，最少得一半");
  }
  await expect(screen.getByTestId("player-count")).toHaveText("2");

  // The first question reaches both phones, with the server's countdown.
  await screen.getByRole("button", { name: "开始第一题" }).click();
  for (const phone of [fast, slow]) {
    await expect(phone.getByTestId("live-stem")).toContainText("单选题第1题");
    await expect(phone.getByTestId("live-countdown")).toHaveText(/^剩余 (30|29|28|27) 秒$/);
  }
  await expect(screen.getByTestId("live-stem")).toContainText("单选题第1题");
  await fast.getByRole("button", { name: "B. 乙选项1" }).click();
  await expect(fast.getByTestId("live-submitted")).toHaveText("已提交，等待公布答案");
  await slow.getByRole("button", { name: "C. 丙选项1" }).click();
  await expect(slow.getByTestId("live-submitted")).toBeVisible();
  await expect(screen.getByTestId("answered-count")).toHaveText("已作答 2 / 2 人");

  // The reveal: the key, how the answers fell, the leaders, and each phone's own result.
  await screen.getByRole("button", { name: "公布答案" }).click();
  await expect(screen.getByTestId("correct-answer")).toContainText("正确答案：B（答对 1 人）");
  const bars = screen.getByTestId("distribution-row");
  await expect(bars).toHaveCount(5);
  await expect(bars.nth(1)).toContainText("B. 乙选项1");
  await expect(bars.nth(1)).toContainText("1");
  await expect(bars.nth(2)).toContainText("1");
  const leaders = screen.getByTestId("leaderboard-row");
  await expect(leaders).toHaveCount(2);
  await expect(leaders.nth(0)).toContainText("郑发展");
  await expect(leaders.nth(0)).toContainText(/^1/);
  await expect(leaders.nth(1)).toContainText("参赛者 #2");
  await expect(screen.getByTestId("leaderboard")).not.toContainText("王积极");
  await expect(leaders.nth(1)).toContainText("0 分");
  await expect(fast.getByTestId("my-result")).toContainText(/回答正确 \+(10|9\.\d+) 分/);
  await expect(fast.getByTestId("my-result")).toContainText("第 1 名（共 2 人）");
  await expect(slow.getByTestId("my-result")).toContainText("回答错误");
  await expect(slow.getByTestId("my-result")).toContainText("第 2 名（共 2 人）");

  // The next question; a phone reloads in the middle of it and is back on it, still able to answer.
  await screen.getByRole("button", { name: "下一题" }).click();
  await expect(slow.getByTestId("live-stem")).toContainText("多选题第1题");
  await slow.reload();
  await expect(slow.getByTestId("live-stem")).toContainText("多选题第1题");
  await expect(slow.getByTestId("live-countdown")).toHaveText(/^剩余 \d+ 秒$/);
  await slow.getByRole("button", { name: "A. 甲选项1" }).click();
  await slow.getByRole("button", { name: "C. 丙选项1" }).click();
  await slow.getByRole("button", { name: "提交", exact: true }).click();
  await expect(slow.getByTestId("live-submitted")).toBeVisible();
  await slow.reload();
  await expect(slow.getByTestId("live-submitted")).toBeVisible();

  // The end: the final ranking on the screen and the phones.
  await screen.getByRole("button", { name: "公布答案" }).click();
  await screen.getByRole("button", { name: "结束并公布排名" }).click();
  await expect(screen.getByRole("heading", { name: "最终排名" })).toBeVisible();
  await expect(fast.getByTestId("live-final")).toContainText("本轮已结束");
  await expect(slow.getByTestId("live-final")).toContainText(/总分 \d+(\.\d+)? 分/);
});
