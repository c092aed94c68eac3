import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * What axe-core finds wrong in the page as it stands: WCAG 2 A/AA violations of serious or critical
 * impact, and any broken best practice (landmarks and headings a screen reader finds its way by).
 * An empty list is a pass.
 */
export async function axeViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags([...WCAG, "best-practice"]).analyze();
  return result.violations
    .filter((v) => (v.tags.some((t) => WCAG.includes(t)) ? v.impact === "serious" || v.impact === "critical" : true))
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
}
