import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

const line = (v: { id: string; nodes: { target: unknown[]; failureSummary?: string }[] }) =>
  `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join('; ')}`;

/**
 * The page's serious and critical axe violations, one line each with where and why, and a
 * missing or repeated h1: axe's `page-has-heading-one` (a moderate finding, so kept apart from
 * the impact filter) and a count, since axe only asks for at least one.
 */
export async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return [
    ...results.violations
      .filter(
        (v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'page-has-heading-one',
      )
      .map(line),
    ...(await headingOneCount(page)),
  ];
}

/** `page-has-heading-one` alone (fast: one rule), and the h1 count: one per page. */
export async function headingOneProblems(page: Page) {
  const results = await new AxeBuilder({ page }).withRules(['page-has-heading-one']).analyze();
  return [...results.violations.map(line), ...(await headingOneCount(page))];
}

async function headingOneCount(page: Page) {
  const h1s = await page.locator('h1, [role="heading"][aria-level="1"]').count();
  return h1s > 1 ? [`${h1s} h1 headings; a page has one`] : [];
}
