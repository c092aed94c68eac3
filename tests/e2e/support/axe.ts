import AxeBuilder from "@axe-core/playwright";
import { type Page, test } from "@playwright/test";

const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * What axe-core finds wrong in the page as it stands: WCAG 2 A/AA violations of serious or critical
 * impact, and any broken best practice (landmarks and headings a screen reader finds its way by).
 * An empty list is a pass.
 */
export async function axeViolations(page: Page) {
  // An axe pass is the test's own tooling, not the app: it injects axe-core and opens a page of its own,
  // 3–6 s on the CI machines with Debian's Chromium 156. Each pass brings its own budget, so a spec's
  // time limit is about the app it drives, however many pages it checks.
  test.info().setTimeout(test.info().timeout + 10_000);
  const result = await new AxeBuilder({ page }).withTags([...WCAG, "best-practice"]).analyze();
  return result.violations
    .filter((v) => (v.tags.some((t) => WCAG.includes(t)) ? v.impact === "serious" || v.impact === "critical" : true))
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
}
