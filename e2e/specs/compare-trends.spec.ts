import { expect, test } from '../fixtures';
import { ComparePage } from '../pages/compare-page';
import { TrendsPage } from '../pages/trends-page';
import { seedPipeline } from '../scenarios';
import { unique, type SeedApi } from '../seed-api';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';

/** A build log whose times, ids and durations differ per run, as real logs' do. */
const buildLog = (run: number, failing: boolean) => [
  { level: 'INFO' as const, message: `2026-03-0${run}T10:00:00Z Pulling base image node:20-slim` },
  { level: 'INFO' as const, message: `Request ${run}f3a9c1b7d8e4 accepted` },
  { level: 'INFO' as const, message: `Installed 412 packages in ${run * 3}.2 s` },
  ...Array.from({ length: 40 }, (_, i) => ({
    level: 'DEBUG' as const,
    message: `Compiled module ${i + 1} of 40`,
  })),
  failing
    ? { level: 'ERROR' as const, message: 'Push to registry failed: timeout after 30s' }
    : { level: 'INFO' as const, message: 'Pushed registry.example.com/checkout:v1.4.2' },
  { level: 'INFO' as const, message: 'Cleaning up the build cache' },
];

async function buildRun(api: SeedApi, workflow: string, failing: boolean, n: number) {
  const started = await api.startRun(workflow, { inputs: { service: 'checkout' } });
  const build = await api.nodeRun(started.identifier, 'build');
  await api.patchNodeRun(build.identifier, {
    logs: buildLog(n, failing).map((l) => ({ logLevel: l.level, log: l.message })),
    output: { image: 'registry.example.com/checkout', layers: failing ? 11 : 12 },
    status: 'COMPLETED',
    result: failing ? 'FAILED' : 'SUCCESS',
  });
  if (!failing) {
    const deploy = await api.nodeRun(started.identifier, 'deploy');
    await api.patchNodeRun(deploy.identifier, { status: 'COMPLETED', result: 'SUCCESS' });
  }
  return started.identifier;
}

test('compares a failed run with the last successful one: the changed node and the first diverging log line', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const workflow = await seedPipeline(api);
  await buildRun(api, workflow.identifier, false, 1);
  const good = await buildRun(api, workflow.identifier, false, 2);
  const bad = await buildRun(api, workflow.identifier, true, 3);

  await detail.goto(bad);
  await detail.expectLoaded(bad);
  await page.getByRole('link', { name: 'Compare with the last successful run' }).click();

  const compare = new ComparePage(page);
  await compare.expectComparing(good, bad);
  await expect(compare.nodeRow('Build image')).toContainText('Result changed: SUCCESS → FAILED');
  await expect(compare.nodeRow('Deploy service')).toContainText('only in A');
  await expect(compare.outputDiff('variables.outputs')).toContainText('.build.layers');

  // Lines 1–3 differ only by a time, an id and a duration: the first difference is line 44.
  await expect(compare.logStatus).toContainText('First difference at line 44 of A / 44 of B');
  await compare.jumpToDifference.click();
  await expect(compare.firstDifference).toBeVisible();
  await expect(compare.firstDifference).toContainText('Push to registry failed: timeout after 30s');
  await expect(compare.firstDifference).toContainText('Pushed registry.example.com/checkout');
  await screenshotBothSchemes(page, 'compare-runs');
  await page.setViewportSize({ width: 390, height: 844 });
  await saveScreenshot(page, {
    path: 'test-results/screenshots/compare-runs-390.png',
    fullPage: true,
  });
});

test('picks two rows of the runs list and compares them', async ({
  signedIn: page,
  api,
  workflowRunsPage: runs,
}) => {
  const workflow = await seedPipeline(api);
  const first = await buildRun(api, workflow.identifier, false, 1);
  const second = await buildRun(api, workflow.identifier, true, 2);
  await runs.goto(workflow.identifier);
  await page.getByRole('checkbox', { name: `Select run ${second} to compare` }).check();
  await page.getByRole('checkbox', { name: `Select run ${first} to compare` }).check();
  await page.getByRole('link', { name: 'Compare the 2 selected runs' }).click();
  await new ComparePage(page).expectComparing(first, second);
});

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test('trends put the slowing node first; clicking it lists the runs where it failed', async ({
  signedIn: page,
  api,
  workflowRunsPage: runs,
}) => {
  const id = unique('etl');
  await api.createWorkflow({
    identifier: id,
    title: 'Nightly ETL',
    nodes: [
      { identifier: 'trigger', title: 'Start', config: { type: 'SELF_SERVE_TRIGGER' } },
      { identifier: 'extract', title: 'Extract', config: { type: 'KAFKA' } },
      { identifier: 'transform', title: 'Transform', config: { type: 'KAFKA' } },
      { identifier: 'load', title: 'Load', config: { type: 'KAFKA' } },
    ],
    connections: [
      { sourceIdentifier: 'trigger', targetIdentifier: 'extract' },
      { sourceIdentifier: 'extract', targetIdentifier: 'transform' },
      { sourceIdentifier: 'transform', targetIdentifier: 'load' },
    ],
  });
  // Transform takes longer every run (real time, through the API) and fails in the third. The
  // four runs go at once, so the seed waits for the longest only. Extract lasts as long as its
  // requests take, which on a loaded machine (load 25) was longer than transform's 300–1 200 ms
  // (the table put extract first): transform waits for as long as the run has taken so far,
  // which extract's duration cannot exceed, and 300 ms more each run.
  const seeded = await Promise.all(
    [0, 1, 2, 3].map(async (i) => {
      const asked = Date.now();
      const run = await api.startRun(id);
      const finish = async (node: string, result: 'SUCCESS' | 'FAILED' = 'SUCCESS') =>
        api.patchNodeRun((await api.nodeRun(run.identifier, node)).identifier, {
          status: 'COMPLETED',
          result,
        });
      await finish('extract');
      await new Promise((r) => setTimeout(r, Date.now() - asked + 300 * (i + 1)));
      await finish('transform', i === 2 ? 'FAILED' : 'SUCCESS');
      if (i !== 2) await finish('load');
      return run.identifier;
    }),
  );
  const failed = seeded[2]!;

  const trends = new TrendsPage(page);
  await trends.goto(id);
  // Extract and load last as long as their requests: only transform's place is certain.
  await expect.poll(async () => (await trends.nodeOrder())[0]).toBe('transform');
  expect((await trends.nodeOrder()).sort()).toEqual(['extract', 'load', 'transform']);
  await expect(page.getByRole('img').or(page.locator('.recharts-surface')).first()).toBeVisible();
  // The duration chart's y axis says its unit, the bar chart's what it counts.
  await expect(
    page.locator('svg text', { hasText: /^Duration \((seconds|minutes|hours)\)$/ }),
  ).toBeVisible();
  await expect(page.locator('svg text', { hasText: /^Runs$/ })).toBeVisible();
  // The p50 and p95 lines are named outside the plot, where no point can be under the name.
  const plot = (await page.locator('.recharts-cartesian-grid').first().boundingBox())!;
  for (const name of [/^p50 \d/, /^p95 \d/]) {
    const label = page.getByText(name);
    await expect(label).toBeVisible();
    expect(overlaps((await label.boundingBox())!, plot), String(name)).toBe(false);
  }
  await screenshotBothSchemes(page, 'workflow-trends');
  await page.setViewportSize({ width: 390, height: 844 });
  await saveScreenshot(page, {
    path: 'test-results/screenshots/workflow-trends-charts-390.png',
    fullPage: true,
  });
  await page.setViewportSize({ width: 1440, height: 900 });
  // Mantine's SegmentedControl hides its radios under their labels.
  await page
    .locator('label')
    .filter({ hasText: /^Table$/ })
    .click();
  await expect(page.getByRole('table', { name: 'Runs per day' })).toBeVisible();
  await screenshotBothSchemes(page, 'workflow-trends-table');
  await page.setViewportSize({ width: 390, height: 844 });
  await saveScreenshot(page, {
    path: 'test-results/screenshots/workflow-trends-390.png',
    fullPage: true,
  });
  await page.setViewportSize({ width: 1440, height: 900 });

  await trends.openFailuresOf('Transform');
  await expect(page).toHaveURL(/[?&]failedNode=transform\b/);
  await expect(page).not.toHaveURL(/tab=trends/);
  await runs.expectRuns([failed]);
  await expect(page.getByText('Failed at node')).toBeVisible();
});
