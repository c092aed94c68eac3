import { type Page } from "@playwright/test";
import { seedCourse, seedLearnerLike } from "./support/course-seed";
import { expect, signInAs, test } from "./support/fixtures";
import { uniqueSuffix } from "./support/quiz-seed";

// A text lesson: its checkpoints tell the learner whether they were right, with the key and the
// explanation, which reach the browser only after an answer; its reading time counts as the server's
// clock runs, not the page's. Each test signs in as its own demo account (one study session per
// account: a reading page begins one as it opens).

function textLesson(titlePrefix: string, marker: string) {
  return seedCourse({
    titlePrefix,
    lessons: [
      {
        key: "zongzhi",
        title: "党的宗旨",
        credit: 25,
        minutes: 1,
        checkpoints: [
          {
            id: "q1",
            type: "single",
            question: "党的根本宗旨是什么？",
            options: { A: "全心全意为人民服务", B: "发展经济" },
            answer: "A",
            explanation: `解析一-${marker}：党章总纲规定，党的根本宗旨是全心全意为人民服务。`,
          },
          {
            id: "q2",
            type: "judge",
            question: "入党积极分子经过培训后可以直接成为正式党员。",
            answer: false,
            explanation: `解析二-${marker}：须经发展对象、预备党员阶段，预备期满方可转正。`,
          },
        ],
        tree: [
          { t: "p", c: ["中国共产党以全心全意为人民服务为根本宗旨。"] },
          { t: "Checkpoint", p: { id: "q1" } },
          { t: "p", c: ["入党要经过严格的程序。"] },
          // Enough text that a phone scrolls to the second checkpoint.
          ...Array.from({ length: 12 }, (_, i) => ({ t: "p", c: [`第 ${i + 1} 段：${"坚持党的全面领导，坚持以人民为中心。".repeat(6)}`] })),
          { t: "Checkpoint", p: { id: "q2" } },
        ],
      },
    ],
  });
}

function readingAnswer(page: Page) {
  return page.waitForResponse(
    (r) => new URL(r.url()).pathname === "/api/study" && new URLSearchParams(r.request().postData() ?? "").get("intent") === "reading",
  );
}

test("a text lesson's checkpoints say right or wrong with the explanation, which the page did not hold before", async ({ page, db }) => {
  const marker = uniqueSuffix();
  const course = textLesson("检查点课", marker);
  const lesson = course.lessons.zongzhi;
  const explanations = [`解析一-${marker}`, `解析二-${marker}`];
  // The page's clock, to run it a minute ahead at the end.
  await page.clock.install();
  const learner = seedLearnerLike("secretary", "阅读书记");
  await signInAs(page, learner.number, learner.name);
  await page.goto(lesson.url);
  await expect(page.getByText("中国共产党以全心全意为人民服务为根本宗旨。")).toBeVisible();
  const cards = page.getByTestId("checkpoint");
  await expect(cards).toHaveCount(2);
  await expect(page.getByTestId("lesson-progress")).toContainText("已阅读 0:0");
  await expect(page.getByTestId("lesson-progress")).toContainText("（至少 1 分钟，并回答全部检查点）");

  // Neither the page nor its data (what client-side navigation loads) holds a key or an explanation.
  const html = await page.content();
  const data = await (await page.request.get(`${lesson.url}.data`)).text();
  expect(data).toContain("党的根本宗旨是什么？");
  for (const text of [html, data]) {
    for (const e of explanations) expect(text).not.toContain(e);
    expect(text).not.toContain('"answer"');
    expect(text).not.toContain('"explanation"');
  }

  // On a phone each choice is a full-width card a thumb can hit (at least 44 px tall).
  const choice = cards.nth(0).locator("label").filter({ hasText: "全心全意为人民服务" });
  await expect(choice).toBeVisible();
  expect((await choice.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await cards.nth(0).getByRole("radio", { name: "A. 全心全意为人民服务" }).check();
  await cards.nth(0).getByRole("button", { name: "提交答案" }).click();
  await expect(cards.nth(0).getByRole("status")).toContainText("回答正确");
  await expect(cards.nth(0).getByRole("status")).toContainText(`解析一-${marker}：党章总纲规定，党的根本宗旨是全心全意为人民服务。`);

  // Down at the second checkpoint the title has scrolled away, the reading timer has not.
  await cards.nth(1).scrollIntoViewIfNeeded();
  await expect(page.getByRole("heading", { level: 1 })).not.toBeInViewport();
  await expect(page.getByTestId("lesson-progress")).toBeInViewport();
  await cards.nth(1).getByRole("radio", { name: "正确" }).check();
  await cards.nth(1).getByRole("button", { name: "提交答案" }).click();
  await expect(cards.nth(1).getByRole("status")).toContainText("回答错误，正确答案：错误");
  await expect(cards.nth(1).getByRole("status")).toContainText(`解析二-${marker}：须经发展对象、预备党员阶段，预备期满方可转正。`);
  await expect(cards.nth(1).getByRole("radio", { name: "错误" })).toBeDisabled();

  const progress = () =>
    db()
      .prepare(
        "SELECT lp.checkpoints, lp.readSeconds, lp.completedAt FROM LessonProgress lp JOIN Person p ON p.id = lp.personId WHERE p.number = ? AND lp.lessonId = ?",
      )
      .get(learner.number, lesson.id) as { checkpoints: string; readSeconds: number; completedAt: string | null };
  const answered = JSON.parse(progress().checkpoints) as Record<string, { correct: boolean }>;
  expect({ q1: answered.q1?.correct, q2: answered.q2?.correct }).toEqual({ q1: true, q2: false });

  // The first answer stands: after a reload the questions are closed.
  await page.reload();
  await expect(cards.getByText("您已回答过这道题。")).toHaveCount(2);
  // The explanations stay: a learner coming back reads them again.
  await expect(cards.nth(0).getByRole("status")).toContainText(`回答正确${explanations[0]}`);
  await expect(cards.nth(1).getByRole("status")).toContainText(`回答错误，正确答案：错误${explanations[1]}`);
  await expect(page.getByRole("button", { name: "提交答案" })).toHaveCount(0);

  // Every checkpoint is answered; only the minute of reading is missing. The page's clock jumping a
  // minute ahead fires its heartbeats and claims a minute of reading, but the server counts only the
  // time that really passed on its own clock: the lesson is not complete.
  const beat = readingAnswer(page);
  await page.clock.runFor(60_000);
  await beat;
  await expect(page.getByTestId("lesson-progress")).toContainText(/已阅读 0:[0-2]\d（至少 1 分钟/);
  await expect(page.getByTestId("lesson-complete")).toHaveCount(0);
  expect(progress().readSeconds).toBeLessThan(30);
  expect(progress().completedAt).toBeNull();
});

// The server answers a reading heartbeat whose time it did not count with the sentence that says
// why (app/lib/watch-credit.ts: nothing is silently dropped), and the page shows it.
test("reading time the server did not count is explained on the page", async ({ page }) => {
  const course = textLesson("阅读计时课", uniqueSuffix());
  await page.clock.install();
  // An account of its own (seedLearnerLike): a lesson opened by the same account in a parallel test
  // would take the study session over, and this page would be told so instead.
  const learner = seedLearnerLike("member", "计时党员");
  await signInAs(page, learner.number, learner.name);
  // The study session must have begun before the page's clock runs, or the reading counted so far
  // would start after the jump and claim nothing too fast.
  const begun = page.waitForResponse((r) => r.url().endsWith("/api/study") && (r.request().postData() ?? "").includes("intent=begin"));
  await page.goto(course.lessons.zongzhi.url);
  await expect(page.getByTestId("checkpoint")).toHaveCount(2);
  await begun;
  const beat = readingAnswer(page);
  await page.clock.runFor(60_000);
  const answer = (await (await beat).json()) as { messages: string[] };
  expect(answer.messages.join("")).toContain("超过了实际经过的时间");
  // Every heartbeat of the minute claimed more than passed, and each says so.
  await expect(
    page
      .getByTestId("credit-notes")
      .getByText(/的阅读时间超过了实际经过的时间/)
      .first(),
  ).toBeVisible();
});
