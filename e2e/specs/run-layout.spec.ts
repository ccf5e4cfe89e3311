import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import type { RunDetailPage } from '../pages/run-detail-page';
import { BUILD_OUTPUT, seedPipeline } from '../scenarios';
import type { SeedApi } from '../seed-api';

const scrollY = (page: Page) => page.evaluate(() => Math.round(window.scrollY));

/** A run whose build logged 400 lines, reported an output and succeeded. */
async function seedLongLogRun(api: SeedApi) {
  const workflow = await seedPipeline(api);
  const run = await api.startRun(workflow.identifier);
  const build = await api.nodeRun(run.identifier, 'build');
  await api.appendLogs(
    build.identifier,
    Array.from({ length: 400 }, (_, i) => ({
      level: i % 50 === 0 ? ('ERROR' as const) : ('INFO' as const),
      message: `step ${i + 1}`,
    })),
  );
  await api.patchNodeRun(build.identifier, {
    output: BUILD_OUTPUT,
    status: 'COMPLETED',
    result: 'SUCCESS',
  });
  return run;
}

/**
 * Scrolls the window so that the log panel starts right under the header, as a reader would,
 * once the page is staged (the graph and timeline mount after the log's first lines show; the
 * test below says the panel does not move when they do).
 */
async function scrollToLogPanel(page: Page, detail: RunDetailPage) {
  await expect(detail.logs.line(/step 1$/)).toBeVisible();
  await detail.expectStaged();
  await page.evaluate(() => {
    const panel = document.querySelector('section[aria-label="Logs and output"]');
    if (!panel) throw new Error('no logs and output panel');
    window.scrollTo(0, window.scrollY + panel.getBoundingClientRect().top - 64);
  });
  const y = await scrollY(page);
  expect(y).toBeGreaterThan(100);
  return y;
}

test('no view change of the log panel scrolls the page back to the top', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const run = await seedLongLogRun(api);
  await detail.goto(run.identifier, '?node=build');
  await detail.expectLoaded(run.identifier);
  const y = await scrollToLogPanel(page, detail);

  await detail.logs.showOnly('ERROR');
  await expect(detail.logs.line(/step 51$/)).toBeVisible();
  expect(await scrollY(page)).toBe(y);

  await detail.logs.levelChip('ERROR').click();
  await detail.logs.search.fill('step 12');
  await expect(page).toHaveURL(/[?&]q=step/);
  await expect(detail.logs.matchCounter).toBeVisible();
  expect(await scrollY(page)).toBe(y);

  const wrap = page.getByRole('button', { name: 'Wrap lines' });
  await wrap.click();
  await expect(wrap).toHaveAttribute('aria-pressed', 'true');
  expect(await scrollY(page)).toBe(y);

  await detail.logs
    .line(/step 12$/)
    .getByRole('button', { name: 'Line 12' })
    .click();
  await expect(page).toHaveURL(/[?&]line=12\b/);
  expect(await scrollY(page)).toBe(y);

  await detail.outputTab.click();
  const output = detail.output('Output of Build image');
  await expect(output.item('resourceId')).toBeVisible();
  expect(await scrollY(page)).toBe(y);

  await page.getByRole('textbox', { name: 'Search output of build image' }).fill('tag');
  await expect(page).toHaveURL(/[?&]oq=tag\b/);
  expect(await scrollY(page)).toBe(y);

  await detail.logsTab.click();
  await expect(detail.logs.region).toBeVisible();
  expect(await scrollY(page)).toBe(y);
});

test('the log panel stays put while the run page mounts: the graph and timeline fill the space kept for them', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  // In progress at its build: the timeline has a row for deploy, which has not run yet.
  const workflow = await seedPipeline(api);
  const run = await api.startRun(workflow.identifier);
  await detail.goto(run.identifier, '?node=build');
  await detail.expectStaged();
  await expect(detail.timeline.getByRole('listitem')).toHaveCount(3);
  // The panel's top is in the window, where a shift of it is seen and reported.
  const panelTop = await page.evaluate(
    () =>
      document.querySelector('section[aria-label="Logs and output"]')!.getBoundingClientRect().top,
  );
  expect(panelTop).toBeLessThan(page.viewportSize()!.height);
  // Every layout shift since the page's navigation (the Layout Instability API), by what moved.
  const moved = await page.evaluate(async () => {
    const entries: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
    observer.observe({ type: 'layout-shift', buffered: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    entries.push(...observer.takeRecords());
    observer.disconnect();
    type Shift = { sources: { node: Node | null; previousRect: DOMRect; currentRect: DOMRect }[] };
    return entries.flatMap((e) =>
      (e as unknown as Shift).sources
        .filter((s) => s.node instanceof Element && s.node.getAttribute('aria-label'))
        .map((s) => ({
          what: (s.node as Element).getAttribute('aria-label'),
          from: Math.round(s.previousRect.y),
          to: Math.round(s.currentRect.y),
        })),
    );
  });
  expect(moved.filter((m) => m.what === 'Logs and output')).toEqual([]);
});

test('picking a node keeps the page where it is', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const run = await seedLongLogRun(api);
  await detail.goto(run.identifier, '?node=build');
  await detail.expectLoaded(run.identifier);
  await expect(detail.logs.line(/step 1$/)).toBeVisible();
  await detail.expectStaged();
  // The graph near the top of the window, the page scrolled down to it.
  await page.evaluate(() => window.scrollTo(0, 120));
  const y = await scrollY(page);
  expect(y).toBe(120);

  await detail.selectNode('Start');
  await expect(detail.logs.region).toContainText('No log lines');
  expect(await scrollY(page)).toBe(y);
});

test('the log panel fills the window: 30 or more lines in view at 1440×900', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const run = await seedLongLogRun(api);
  await detail.goto(run.identifier, '?node=build');
  await detail.expectLoaded(run.identifier);
  await scrollToLogPanel(page, detail);

  const inView = await detail.logs.lines.evaluateAll(
    (rows) =>
      rows.filter((row) => {
        const box = row.getBoundingClientRect();
        return box.height > 0 && box.top >= 56 && box.bottom <= window.innerHeight;
      }).length,
  );
  expect(inView).toBeGreaterThanOrEqual(30);
  await expect(detail.logs.line(/step 30$/)).toBeInViewport();
});

test('the level filter is a plain value in the URL, and older JSON links still open filtered', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const run = await seedLongLogRun(api);
  await detail.goto(run.identifier, '?node=build');
  await detail.expectLoaded(run.identifier);
  await detail.logs.showOnly('ERROR');
  await detail.logs.showOnly('WARN');
  await expect.poll(() => new URL(page.url()).searchParams.get('level')).toBe('WARN,ERROR');

  await detail.goto(run.identifier, '?node=build&level=%5B%22ERROR%22%5D');
  await expect(detail.logs.levelChip('ERROR')).toHaveAttribute('aria-pressed', 'true');
  await expect(detail.logs.lines).toHaveCount(8);
});

test('on a 390 px phone the timeline still draws its bars: a third of each row or more', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const run = await seedLongLogRun(api);
  await detail.goto(run.identifier, '?node=build');
  await detail.expectLoaded(run.identifier);
  const row = detail.timeline.getByRole('button', { name: /^Timeline: Build image: / });
  await expect(row).toBeVisible();
  // The row is name, bar track, duration: the track is the middle one.
  const share = await row.evaluate((button) => {
    const track = button.children[1];
    if (!track) throw new Error('no bar track');
    return track.getBoundingClientRect().width / button.getBoundingClientRect().width;
  });
  expect(share).toBeGreaterThanOrEqual(1 / 3);
});
