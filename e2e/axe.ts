import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

const line = (v: { id: string; nodes: { target: unknown[]; failureSummary?: string }[] }) =>
  `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join('; ')}`;

/**
 * The heading rules counted with the serious findings although axe calls them moderate: a page
 * has an h1 (`page-has-heading-one`, and no second one: a count, since axe only asks for at
 * least one), and its headings go down one level at a time (`heading-order`: an h1 straight to
 * an h3 tells a screen reader's list of headings that a level is missing).
 */
const HEADING_RULES = ['page-has-heading-one', 'heading-order'];

/** The page's serious and critical axe violations and its heading problems, one line each. */
export async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return [
    ...results.violations
      .filter(
        (v) => v.impact === 'serious' || v.impact === 'critical' || HEADING_RULES.includes(v.id),
      )
      .map(line),
    ...(await headingOneCount(page)),
  ];
}

/** The heading rules alone (fast: two rules), and the h1 count: one per page. */
export async function headingProblems(page: Page) {
  const results = await new AxeBuilder({ page }).withRules(HEADING_RULES).analyze();
  return [...results.violations.map(line), ...(await headingOneCount(page))];
}

async function headingOneCount(page: Page) {
  const h1s = await page.locator('h1, [role="heading"][aria-level="1"]').count();
  return h1s > 1 ? [`${h1s} h1 headings; a page has one`] : [];
}
