import { DEMO_USERS, expect, signIn, signInAs, test } from "./support/fixtures";

test.describe("signing in", () => {
  for (const user of DEMO_USERS) {
    test(`${user.username} signs in and sees their name${user.manages ? " and 管理" : ", without 管理"}`, async ({ page }) => {
      await signInAs(page, user.username, user.name);
      await expect(page.getByText(`您好，${user.name}`)).toBeVisible();
      const header = page.getByRole("banner");
      await expect(header.getByRole("button", { name: "退出" })).toBeVisible();
      if (user.manages) await expect(header.getByRole("link", { name: "管理" })).toBeVisible();
      else await expect(header.getByRole("link", { name: "管理" })).toHaveCount(0);
    });
  }

  test("a wrong password shows the generic message and keeps the person on the login page", async ({ page, consoleErrors }) => {
    // The browser notes the 400 answer to the form post in the console; that one is expected.
    consoleErrors.allow(/status of 400/);
    await signIn(page, "cadre", "not-the-password");
    await expect(page.getByRole("alert")).toHaveText("账号或密码不正确，或尝试过于频繁，请稍后再试。");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("banner").getByRole("button", { name: "退出" })).toHaveCount(0);
  });

  test("a page that needs a sign-in sends an anonymous visitor to the login page and back", async ({ page }) => {
    await page.goto("/hours");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fhours$/);
    await signIn(page, "member");
    await expect(page).toHaveURL(/\/hours$/);
    await expect(page.getByRole("banner").getByRole("link", { name: "周党员" })).toBeVisible();
  });
});

test.describe("signing out", () => {
  test("退出 ends the session on the server: a copy of the cookie no longer signs anyone in", async ({ page, context, newContext }) => {
    await signInAs(page, "member", "周党员");
    const session = (await context.cookies()).find((c) => c.name === "wsdx_session");
    expect(session, "the session cookie").toBeDefined();
    expect(session!.httpOnly).toBe(true);

    // Another browser holding a copy of the cookie is signed in as the same person…
    const other = await newContext();
    await other.addCookies([session!]);
    const stolen = await other.newPage();
    await stolen.goto("/");
    await expect(stolen.getByRole("banner").getByRole("link", { name: "周党员" })).toBeVisible();

    // …until the person clicks 退出.
    await page.getByRole("banner").getByRole("button", { name: "退出" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("banner").getByRole("link", { name: "周党员" })).toHaveCount(0);

    const replay = await newContext();
    await replay.addCookies([session!]);
    const again = await replay.newPage();
    await again.goto("/");
    await expect(again).toHaveURL(/\/login$/);
    await expect(again.getByRole("button", { name: "登录" })).toBeVisible();

    await stolen.reload();
    await expect(stolen).toHaveURL(/\/login$/);
  });
});
