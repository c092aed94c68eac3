import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { freePort } from "../support/free-port";
import { type TestOidcProvider, oidcEnv, startOidcProvider } from "../support/oidc-provider";
import { type SpawnedServer, spawnServer } from "../support/spawn-server";
import { E2E_APP_DIR, E2E_CONTENT_ENV, E2E_DB, E2E_TMP } from "./support/paths";
import { axeViolations } from "./support/axe";
import { expect, test } from "./support/fixtures";

// Campus single sign-on in a phone's browser: a school with OpenID Connect configured. The run's
// shared server has no SSO, so this file starts its own: a real provider (oidc-provider) and a second
// instance of the built app, with the OIDC settings, on a copy of the seeded demo university.

test.describe("a school with OpenID Connect", () => {
  // One provider and one app instance for the tests below: they run in order in one worker.
  test.describe.configure({ mode: "default" });

  let provider: TestOidcProvider;
  let app: SpawnedServer;
  let dbFile: string;

  test.beforeAll(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider({
      redirectUri: `${publicUrl}/auth/oidc/callback`,
      accounts: { member: { password: "campus-sso-1", name: "周党员" }, "2099000001": { password: "campus-sso-2", name: "未导入" } },
    });
    dbFile = path.join(E2E_TMP, `sso-${process.pid}.db`);
    const source = new Database(E2E_DB, { readonly: true, fileMustExist: true });
    await source.backup(dbFile);
    source.close();
    app = await spawnServer({
      dbFile,
      cwd: E2E_APP_DIR,
      env: {
        PORT: String(port),
        ...oidcEnv(provider, publicUrl),
        ...E2E_CONTENT_ENV,
      },
    });
  });

  test.afterAll(async () => {
    await app?.stop();
    await provider?.stop();
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(dbFile + suffix, { force: true });
    const logged = app?.stderr.join("").trim();
    if (logged) throw new Error(`the SSO server wrote to stderr:\n${logged}`);
  });

  test("a learner taps 统一身份认证登录, signs in at the campus provider and lands signed in", async ({ page }) => {
    await page.goto(`${app.url}/login`);
    const sso = page.getByRole("link", { name: "统一身份认证登录" });
    await expect(sso).toBeVisible();
    // The password form stays below it for people without a campus account.
    await expect(page.getByLabel("学号/工号")).toBeVisible();
    expect(await axeViolations(page), "/login with SSO").toEqual([]);
    await sso.click();

    await expect(page).toHaveURL(new RegExp(`^${provider.issuer}/interaction/`));
    await page.getByLabel("用户名").fill("member");
    await page.getByLabel("密码").fill("campus-sso-1");
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByRole("button", { name: "同意授权" }).click();

    await expect(page).toHaveURL(`${app.url}/`);
    await expect(page.getByText("您好，周党员")).toBeVisible();
    await expect(page.getByRole("banner").getByRole("button", { name: "退出" })).toBeVisible();
  });

  test("someone the school has not imported is told why, and can go back to the login page", async ({ page, consoleErrors }) => {
    // The browser notes the 403 answer to the callback in the console; that one is expected.
    consoleErrors.allow(/status of 403/);
    await page.goto(`${app.url}/login`);
    await page.getByRole("link", { name: "统一身份认证登录" }).click();
    await page.getByLabel("用户名").fill("2099000001");
    await page.getByLabel("密码").fill("campus-sso-2");
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByRole("button", { name: "同意授权" }).click();

    await expect(page.getByRole("alert")).toContainText("网上党校中没有学号/工号为 2099000001 的账号");
    await page.getByRole("link", { name: "返回登录页" }).click();
    await expect(page).toHaveURL(`${app.url}/login`);
    await expect(page.getByRole("banner").getByRole("button", { name: "退出" })).toHaveCount(0);
  });
});

test("a school without SSO shows only the password form", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByLabel("学号/工号")).toBeVisible();
  await expect(page.getByRole("link", { name: "统一身份认证登录" })).toHaveCount(0);
});
