import fs from "node:fs";
import { type BrowserContext, type BrowserContextOptions, type ConsoleMessage, type Page, test as base, expect } from "@playwright/test";
import Database from "better-sqlite3";
import { E2E_DB, E2E_SERVER_FILE } from "./paths";

// Shared fixtures for the end-to-end tests:
// - `baseURL` is the server the global setup started;
// - every page of every context a test opens is watched, and the test fails on an error in the
//   page's console (a CSP violation, a failed hydration, a 500 from a fetch) or an uncaught
//   exception, unless the test announced it with `consoleErrors.allow(/pattern/)`;
// - `newContext()` opens another, equally watched, browser ("another device");
// - `db()` reads the e2e database (read-only), to find ids and count rows as a person can't.

export const DEMO_PASSWORD = "demo12345";

/** The demo accounts, the name the header shows, and whether they hold a grant (see prisma/seed.ts). */
export const DEMO_USERS = [
  { username: "admin", name: "赵组织", manages: true },
  { username: "trainer", name: "钱教员", manages: true },
  { username: "secretary", name: "孙书记", manages: true },
  { username: "branchsec", name: "李支书", manages: true },
  { username: "member", name: "周党员", manages: false },
  { username: "cadre", name: "吴处长", manages: false },
  { username: "target", name: "郑发展", manages: false },
  { username: "activist", name: "王积极", manages: false },
] as const;

export type ConsoleErrors = {
  /** Lets console errors matching the pattern pass (e.g. the browser's note about a 403 response). */
  allow(pattern: RegExp): void;
  /** What was seen so far, allowed or not. */
  readonly seen: string[];
};

type Fixtures = {
  consoleErrors: ConsoleErrors;
  newContext: (options?: BrowserContextOptions) => Promise<BrowserContext>;
  db: () => Database.Database;
};

function serverUrl(): string {
  if (process.env.E2E_BASE_URL) return process.env.E2E_BASE_URL;
  if (fs.existsSync(E2E_SERVER_FILE)) return (JSON.parse(fs.readFileSync(E2E_SERVER_FILE, "utf8")) as { url: string }).url;
  throw new Error("the e2e server is not running: run the tests with `npx playwright test` (its global setup starts it)");
}

function watch(context: BrowserContext, seen: string[]) {
  const onPage = (page: Page) => {
    page.on("console", (msg: ConsoleMessage) => {
      if (msg.type() !== "error") return;
      const where = msg.location().url;
      seen.push(`console.error: ${msg.text()}${where ? ` (${where})` : ""}`);
    });
    page.on("pageerror", (error) => seen.push(`uncaught exception: ${error.stack ?? error.message}`));
  };
  context.pages().forEach(onPage);
  context.on("page", onPage);
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  baseURL: async ({}, provide) => {
    await provide(serverUrl());
  },

  // eslint-disable-next-line no-empty-pattern
  consoleErrors: async ({}, provide) => {
    const seen: string[] = [];
    const allowed: RegExp[] = [];
    await provide({ allow: (p) => allowed.push(p), seen });
    const unexpected = seen.filter((line) => !allowed.some((p) => p.test(line)));
    if (unexpected.length) throw new Error(`unexpected errors in the page:\n${unexpected.join("\n")}`);
  },

  context: async ({ context, consoleErrors }, provide) => {
    watch(context, consoleErrors.seen);
    await provide(context);
  },

  newContext: async ({ browser, baseURL, contextOptions, viewport, isMobile, hasTouch, locale, timezoneId, serviceWorkers, consoleErrors }, provide) => {
    const opened: BrowserContext[] = [];
    await provide(async (options = {}) => {
      const context = await browser.newContext({ ...contextOptions, baseURL, viewport, isMobile, hasTouch, locale, timezoneId, serviceWorkers, ...options });
      watch(context, consoleErrors.seen);
      opened.push(context);
      return context;
    });
    for (const c of opened) await c.close();
  },

  // eslint-disable-next-line no-empty-pattern
  db: async ({}, provide) => {
    let handle: Database.Database | undefined;
    await provide(() => (handle ??= new Database(E2E_DB, { readonly: true, fileMustExist: true })));
    handle?.close();
  },
});

export { expect };

/** Signs in through the real login form, the way a person does (opening /login first unless already on it). */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD) {
  if (new URL(page.url(), "http://x").pathname !== "/login") await page.goto("/login");
  await page.getByLabel("学号/工号").fill(username);
  await page.getByLabel("密码", { exact: true }).fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}

/** Signs in and waits for the home page with the person's name in the header. */
export async function signInAs(page: Page, username: string, name: string, password = DEMO_PASSWORD) {
  await signIn(page, username, password);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("banner").getByRole("link", { name })).toBeVisible();
}
