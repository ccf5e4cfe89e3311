import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import type { RunDetailPage } from '../pages/run-detail-page';
import { escapeMenu } from '../menus';
import { seedLiveRun } from '../scenarios';
import { saveScreenshot, screenshotBothSchemes, screenshotsWanted } from '../screenshots';
import type { SeedApi } from '../seed-api';

/** A live run whose deploy node has lines of every level (four-digit counts on the chips). */
async function seedLevels(api: SeedApi) {
  const seeded = await seedLiveRun(api);
  const levels = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
  await api.appendLogs(
    seeded.deploy.identifier,
    Array.from({ length: 6_000 }, (_, i) => ({
      level: levels[i % 4]!,
      message: `step ${i + 1}: ${i % 4 === 3 ? 'retrying the rollout' : 'replica check ok'}`,
    })),
  );
  return seeded;
}

/** The log viewer alone, in the light and the dark scheme (test-results/screenshots). */
async function shootViewer(page: Page, name: string) {
  if (!screenshotsWanted) return;
  const viewer = page.getByRole('group', { name: 'Log tools' }).locator('..');
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', colorScheme);
    await saveScreenshot(viewer, {
      path: `test-results/screenshots/${name}-${colorScheme}.png`,
      animations: 'disabled',
    });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * The toolbar's box ends above the log rows shown: nothing of it lies over the lines. The rows
 * scroll inside the log region, which clips them (a row scrolled half out, and the few rows the
 * list renders above the scrolled-to position, show only from the region's top down). Every box
 * is read in one call, from one layout of the page: read one call at a time (some 25 calls, up to
 * 2 s each at load 25) they came from layouts seconds apart and the test ran out of its 30 s. The
 * check is retried until the layout it reads has settled.
 */
async function expectToolbarAboveRows(page: Page, detail: RunDetailPage) {
  const toolbar = page.getByRole('group', { name: 'Log tools' });
  await expect(detail.logs.lines.first()).toBeVisible();
  const viewport = page.viewportSize()!;
  await expect(async () => {
    const layout = await toolbar.evaluate((bar) => {
      const region = document.querySelector('[role="region"][aria-label="Log lines"]');
      if (!region) throw new Error('no log region');
      const box = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height, bottom: r.bottom };
      };
      // The buttons a person sees (getByRole's: rendered, not hidden from assistive tech).
      const shown = (el: Element) =>
        el.getClientRects().length > 0 &&
        getComputedStyle(el).visibility !== 'hidden' &&
        !el.closest('[aria-hidden="true"]');
      // What is on top at the first shown row's top edge (clipped to the region's): that row, not
      // the toolbar or anything else laid over the lines.
      const regionTop = region.getBoundingClientRect().top;
      const first = [...region.querySelectorAll('[role="row"]')].find(
        (row) => row.getBoundingClientRect().bottom > regionTop + 0.5,
      );
      const at = first?.getBoundingClientRect();
      const hit = at
        ? document.elementFromPoint(at.x + at.width / 2, Math.max(at.top, regionTop) + 1)
        : null;
      const onTop =
        hit && first && hit.closest('[role="row"]') === first
          ? 'the row'
          : `${hit?.nodeName ?? 'nothing'} ${hit?.closest('[aria-label]')?.getAttribute('aria-label') ?? ''}`;
      return {
        bar: box(bar),
        region: box(region),
        overflowY: getComputedStyle(region).overflowY,
        onTop,
        controls: [...bar.querySelectorAll('button, [role="button"]')].filter(shown).map((el) => ({
          name: el.getAttribute('aria-label') ?? (el as HTMLElement).innerText,
          ...box(el),
        })),
      };
    });
    const { bar, region, controls } = layout;
    expect(layout.overflowY).toMatch(/^(auto|scroll|hidden)$/);
    expect(bar.y + bar.height).toBeLessThanOrEqual(region.y + 0.5);
    expect(layout.onTop).toBe('the row');
    // Every control of the toolbar is inside it and on screen: none pushed out sideways.
    expect(controls.length).toBeGreaterThan(0);
    for (const control of controls) {
      expect(control.x, control.name).toBeGreaterThanOrEqual(bar.x - 0.5);
      expect(control.x + control.width, control.name).toBeLessThanOrEqual(
        Math.min(viewport.width, bar.x + bar.width) + 0.5,
      );
      expect(control.y + control.height, control.name).toBeLessThanOrEqual(
        bar.y + bar.height + 0.5,
      );
    }
  }).toPass({ timeout: 12_000 });
}

test.describe('on a 390 px phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the log toolbar wraps into rows above the log lines, light and dark', async ({
    signedIn: page,
    api,
    runDetailPage: detail,
  }) => {
    const { run } = await seedLevels(api);
    await detail.goto(run.identifier, '?node=deploy&q=retrying');
    await expect(detail.logs.matchCounter).toHaveText(/of 1500$/);
    await expect(detail.logs.lines.first()).toBeVisible();
    await detail.logs.region.scrollIntoViewIfNeeded();
    await expectToolbarAboveRows(page, detail);
    await screenshotBothSchemes(page, 'log-toolbar-390');
    await shootViewer(page, 'log-viewer-390');

    // The tools folded into "More" still work: wrap, from the menu.
    await page.getByRole('button', { name: 'More log tools' }).click();
    await expect(page.getByRole('menuitem', { name: 'Jump to end' })).toBeVisible();
    await expect(page.getByRole('menuitem', { name: 'Copy logs' })).toBeVisible();
    await page.getByRole('menuitem', { name: 'Wrap lines' }).click();
    await expect(page).toHaveURL(/[?&]wrap=/);
    await page.getByRole('button', { name: 'More log tools' }).click();
    await expect(page.getByRole('menuitem', { name: 'Stop wrapping lines' })).toBeVisible();
    await escapeMenu(page);
    await detail.logs.region.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect(detail.logs.line('Rolling out 3 replicas')).toBeInViewport();
    await expectToolbarAboveRows(page, detail);
  });
});

test('the log toolbar stays one row above the lines on a desktop', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run } = await seedLevels(api);
  await detail.goto(run.identifier, '?node=deploy&q=retrying');
  await expect(detail.logs.matchCounter).toHaveText(/of 1500$/);
  await expectToolbarAboveRows(page, detail);
  // One row: no taller than its tallest control (the search box) and its padding.
  const bar = await page.getByRole('group', { name: 'Log tools' }).boundingBox();
  const searchBox = await detail.logs.search.boundingBox();
  expect(bar!.height).toBeLessThanOrEqual(searchBox!.height + 16);
  await expect(page.getByRole('button', { name: 'More log tools' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Wrap lines' })).toBeVisible();
  await screenshotBothSchemes(page, 'log-toolbar-desktop');
  await shootViewer(page, 'log-viewer-desktop');
});
