import { ledgerYear } from "../../app/lib/hours";
import { expect, signInAs, test } from "./support/fixtures";

// A member prints their 学时证明; whoever is handed the paper scans its QR code, signed out, and sees
// that it is genuine — and that a code with one character changed is not.

test("a member issues a certificate whose QR code checks back as genuine, and a forged one does not", async ({ page, db, newContext, consoleErrors }) => {
  // The browser notes the 404 answer of the forged code in the console; that one is expected.
  consoleErrors.allow(/status of 404/);
  const year = ledgerYear(new Date());

  await signInAs(page, "member", "周党员");
  await page.goto(`/hours?year=${year}`);
  await page.getByRole("button", { name: `开具 ${year} 年学时证明` }).click();
  await expect(page).toHaveURL(/\/hours\/certificates\/\d+$/);
  const id = Number(/(\d+)$/.exec(page.url())![1]);

  await expect(page.getByRole("heading", { name: "学时证明" })).toBeVisible();
  await expect(page.getByTestId("certificate-name")).toHaveText("周党员");
  await expect(page.getByTestId("certificate-qr")).toBeVisible();
  await expect(page.getByRole("button", { name: "打印" })).toBeEnabled();
  const printed = (await page.getByTestId("certificate-total").textContent())!.trim();
  const { earned } = db().prepare("SELECT earned FROM HoursCertificate WHERE id = ?").get(id) as { earned: number };
  expect(Number(printed) * 100).toBe(earned);
  // The seed gives the member 12 学时 this year; other tests may add more.
  expect(earned).toBeGreaterThanOrEqual(1200);

  // On paper: no site header, no buttons.
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("banner")).toBeHidden();
  await expect(page.getByRole("button", { name: "打印" })).toBeHidden();
  await expect(page.getByTestId("certificate-qr")).toBeVisible();
  await page.emulateMedia({ media: "screen" });

  const target = (await page.getByTestId("verify-url").textContent())!.trim();
  expect(target).toMatch(/\/hours\/verify\/[A-Za-z0-9_-]{28}$/);
  expect(target).not.toContain("member");

  // Scanned by someone who is not signed in.
  const reader = await (await newContext()).newPage();
  const genuine = await reader.goto(target);
  expect(genuine?.status()).toBe(200);
  await expect(reader.getByRole("heading", { name: "真实有效" })).toBeVisible();
  await expect(reader.getByTestId("verify-total")).toHaveText(printed);
  await expect(reader.getByTestId("verify-year")).toHaveText(`${year} 年`);
  await expect(reader.getByTestId("verify-name")).toHaveText("周*员");
  await expect(reader.getByRole("banner").getByRole("link", { name: "周党员" })).toHaveCount(0);

  // The same code with one character changed.
  const i = target.length - 5;
  const forged = target.slice(0, i) + (target[i] === "x" ? "y" : "x") + target.slice(i + 1);
  const refused = await reader.goto(forged);
  expect(refused?.status()).toBe(404);
  await expect(reader.getByRole("heading", { name: "不是真实有效的证明" })).toBeVisible();
  await expect(reader.getByText("真实有效", { exact: true })).toHaveCount(0);
  await expect(reader.getByTestId("verify-total")).toHaveCount(0);
});
