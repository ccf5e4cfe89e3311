import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import { seedFailedRun } from '../scenarios';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';
import { ActionsSeedApi, seedServiceCatalog } from '../seed-actions';
import { unique } from '../seed-api';

/**
 * On a phone a list's filters fold behind one "Filters" button (FilterBar), which counts the
 * filters set and opens them in place, so the list's first entry is on the first screen; from
 * 48em they show as a row, as before.
 */

const PHONE = { width: 390, height: 844 };
const toggle = (page: Page) => page.getByRole('button', { name: /^Filters/ });

/** The top of the list's first entry (its first body row, a card at this width). */
async function firstEntryTop(page: Page, table: string) {
  const row = page.getByRole('table', { name: table }).getByRole('row').nth(1);
  await expect(row).toBeVisible();
  return (await row.boundingBox())!.y;
}

test.describe('at 390 px', () => {
  test.use({ viewport: PHONE });

  test('the lists with filters show their first entry in the upper half of the first screen', async ({
    signedIn: page,
    api,
  }) => {
    const actions = new ActionsSeedApi(api);
    const { blueprint, deploy } = await seedServiceCatalog(actions, unique('f').slice(2));
    const entity = unique('e');
    await actions.createEntity(blueprint, { identifier: entity, properties: {} });
    await actions.startActionRun(deploy, { properties: {}, entity });
    const { workflow } = await seedFailedRun(api);
    const lists: [string, string, string][] = [
      ['/audit-log', 'Audit log', 'audit-log'],
      ['/actions/runs', 'Action runs', 'action-runs'],
      ['/runs', 'Workflow runs', 'runs'],
      [`/workflows/${workflow.identifier}`, 'Workflow runs', 'workflow-runs-tab'],
    ];
    for (const [path, table, name] of lists) {
      await page.goto(path);
      // Before the fold the audit log's and action runs' first entry began at 803 px of 844,
      // the runs lists' at 573-597 px.
      expect(await firstEntryTop(page, table), path).toBeLessThan(PHONE.height / 2);
      await expect(toggle(page), path).toHaveText('Filters');
      await expect(toggle(page), path).toHaveAttribute('aria-expanded', 'false');
      await expect(page.getByRole('combobox', { name: 'Status' }), path).toBeHidden();
      await screenshotBothSchemes(page, `filters-390-${name}`);
    }
  });

  test('the Filters button opens the filters; one chosen filters the list and is counted', async ({
    signedIn: page,
    api,
  }) => {
    const actions = new ActionsSeedApi(api);
    const { blueprint } = await seedServiceCatalog(actions, unique('g').slice(2));
    await actions.createEntity(blueprint, { identifier: unique('e'), properties: {} });
    await page.goto(`/audit-log?blueprint=${blueprint}`);
    // A filter set by the URL applies and counts.
    await expect(toggle(page)).toHaveText('Filters · 1');
    await toggle(page).click();
    await expect(toggle(page)).toHaveAttribute('aria-expanded', 'true');
    const resource = page.getByRole('combobox', { name: 'Resource' });
    await expect(resource).toBeVisible();
    await screenshotBothSchemes(page, 'filters-390-audit-log-open');
    await resource.click();
    await page.getByRole('option', { name: 'Run' }).click();
    await expect(page).toHaveURL(/resource=run/);
    await expect(toggle(page)).toHaveText('Filters · 2');
    // Only this catalog's entity creates matched the blueprint: no run entry has it.
    await expect(page.getByText('No entries match these filters')).toBeVisible();
    await resource.click();
    await page.getByRole('option', { name: 'Entity' }).click();
    await expect(page.getByRole('table', { name: 'Audit log' }).getByRole('row')).toHaveCount(2);
    await expect(page.getByRole('table', { name: 'Audit log' })).toContainText('CREATE');

    // Clear filters, beside the button: every filter goes, the count with them.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(toggle(page)).toHaveText('Filters');
    await expect(page).not.toHaveURL(/blueprint=|resource=/);
  });

  test('filters set by the URL count on every folded list, a date range once', async ({
    signedIn: page,
  }) => {
    await page.goto(
      '/actions/runs?status=SUCCESS&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z',
    );
    await expect(toggle(page)).toHaveText('Filters · 2');
    await page.goto('/runs?status=FAILED&range=7d');
    await expect(toggle(page)).toHaveText('Filters · 2');
    await toggle(page).click();
    await expect(page.getByRole('combobox', { name: 'Status' })).toHaveValue('Failed');
    await saveScreenshot(page, { path: 'test-results/screenshots/filters-390-runs-open.png' });
  });
});

test.describe('at 1280 px', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('the filters show as a row, with no Filters button', async ({ signedIn: page }) => {
    for (const [path, first] of [
      ['/audit-log?status=SUCCESS', 'Resource'],
      ['/actions/runs?status=SUCCESS', 'Status'],
      ['/runs?status=FAILED', 'Status'],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole('combobox', { name: first }).first(), path).toBeVisible();
      await expect(page.getByRole('button', { name: 'Clear filters' }), path).toBeVisible();
      await expect(toggle(page), path).toBeHidden();
    }
    await screenshotBothSchemes(page, 'filters-1280-runs');
  });
});
