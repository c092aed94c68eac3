import { MEDIA, seedCourse } from "./support/course-seed";
import { expect, signInAs, test } from "./support/fixtures";

// A course required of one branch (规定动作) reaches the learners of that branch, with its due date,
// and no one else: not in the catalogue, not by its address, not its video.
//
// The course is published by seeding the rows a publish leaves behind (a published Course with its
// lessons and a CourseAssignment): the trainer's studio, where a trainer would publish it in the
// browser, does not exist yet. When it does, the first half of this test becomes the trainer doing it.

test("a course required of a branch shows to its learner with the due date, and to a learner of another unit not at all @desktop", async ({
  page,
  newContext,
  consoleErrors,
}) => {
  // The browser notes the 404 answers the outsider gets.
  consoleErrors.allow(/status of 404/);
  const now = new Date();
  const due = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 30));
  const dueText = due.toISOString().slice(0, 10);
  // The audience is a status no demo learner has, so only the assignment can make it visible; the
  // assignment names no status, so the one thing that tells the two learners apart is their unit
  // (王积极 is in 计算机学院本科生第一党支部, 周党员 in that college's staff branch).
  const course = seedCourse({
    titlePrefix: "支部必修课",
    audienceStatuses: ["masses"],
    lessons: [{ key: "intro", title: "支部必修第一课", credit: 100, minutes: 1, video: MEDIA.tiny, tree: [{ t: "p", c: ["本支部的必修内容。"] }] }],
    assignments: [{ unitOf: "activist", politicalStatus: null, dueAt: due }],
  });
  // A course for everybody, which the outsider's catalogue must show: their catalogue works, it just
  // does not hold the branch's course.
  const forAll = seedCourse({
    titlePrefix: "全员选修课",
    lessons: [{ key: "intro", title: "全员第一课", credit: 50, minutes: 1, tree: [{ t: "p", c: ["人人可学。"] }] }],
  });
  const mediaUrl = `/media/${course.courseId}/media/intro.mp4`;

  await signInAs(page, "activist", "王积极");
  await page.goto("/courses");
  const required = page.getByRole("region", { name: "必修课程（规定动作）" });
  const card = required.getByTestId("course-card").filter({ hasText: course.title });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText(`必修 · ${dueText} 前完成`);
  await expect(card).toContainText("已完成 0/1 课时 · 共 1 学时");
  await card.getByRole("link", { name: course.title }).click();
  await expect(page.getByRole("heading", { name: course.title })).toBeVisible();
  await expect(page.getByText(`必修 · ${dueText} 前完成`)).toBeVisible();
  await page.getByTestId("lesson-row").getByRole("link", { name: "支部必修第一课" }).click();
  await expect(page).toHaveURL(new RegExp(`${course.lessons.intro.url}$`));
  await expect(page.getByRole("heading", { name: "支部必修第一课" })).toBeVisible();
  await expect(page.getByText("本支部的必修内容。")).toBeVisible();
  // The player loads on the first tap (decision 072): the page names the video in the <video>'s source.
  await expect(page.locator("video[data-testid=lesson-video] source")).toHaveAttribute("src", mediaUrl);
  expect((await page.request.get(mediaUrl)).status()).toBe(200);

  const outsider = await (await newContext()).newPage();
  await signInAs(outsider, "member", "周党员");
  await outsider.goto("/courses");
  await expect(outsider.getByRole("region", { name: "全部课程" }).getByTestId("course-card").filter({ hasText: forAll.title })).toContainText("选修");
  await expect(outsider.getByText(course.title)).toHaveCount(0);
  await outsider.getByRole("textbox", { name: "搜索课程" }).fill(course.slug);
  await outsider.getByRole("button", { name: "搜索" }).click();
  await expect(outsider.getByText("没有找到符合条件的课程。")).toBeVisible();

  for (const url of [`/courses/${course.slug}`, course.lessons.intro.url]) {
    const response = await outsider.goto(url);
    expect(response?.status()).toBe(404);
    await expect(outsider.getByRole("heading", { name: "页面不存在" })).toBeVisible();
  }
  expect((await outsider.request.get(mediaUrl)).status()).toBe(404);
});
