import type { Request } from '@playwright/test';
import { expect, test } from '../fixtures';
import {
  BUILD_OUTPUT,
  ERROR_LINES,
  TIMEOUT_LINES,
  seedFailedRun,
  seedLiveRun,
  seedPipeline,
} from '../scenarios';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';
import type { SeedApi } from '../seed-api';

/** The level filter is a plain comma list in the URL: `?level=WARN,ERROR`. */
const levelInUrl = (level: string) => (url: URL) =>
  (url.searchParams.get('level') ?? '').includes(level);

test('selects a node and filters its log to ERROR: only the error lines remain', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run } = await seedFailedRun(api);
  await detail.goto(run.identifier);
  await detail.expectLoaded(run.identifier);

  await detail.selectNode('Start');
  await expect(page).toHaveURL(/[?&]node=trigger\b/);
  // A finished node run's empty log will stay empty: no "yet".
  await expect(detail.logs.region).toContainText('No log lines');
  await expect(detail.logs.region).not.toContainText('No log lines yet');

  await detail.selectNode('Build image');
  await expect(page).toHaveURL(/[?&]node=build\b/);
  await expect(detail.logs.line('Pulling base image node:20-slim')).toBeVisible();
  await expect(detail.logs.levelChip('ERROR')).toHaveAccessibleName('ERROR 3');
  await screenshotBothSchemes(page, 'run-detail-logs');

  await detail.logs.showOnly('ERROR');
  await expect(page).toHaveURL(levelInUrl('ERROR'));
  await expect(detail.logs.lines).toHaveCount(ERROR_LINES.length);
  await expect.poll(() => detail.logs.visibleTexts()).toEqual(ERROR_LINES);
  for (const row of await detail.logs.lines.all()) await expect(row).toContainText('ERROR');

  await page.reload();
  await expect.poll(() => detail.logs.visibleTexts()).toEqual(ERROR_LINES);
});

test('draws the graph of the version the run ran on, not the workflow’s current one', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { workflow, run } = await seedFailedRun(api);
  await api.replaceWorkflow(workflow.identifier, {
    identifier: workflow.identifier,
    title: workflow.title,
    nodes: [
      { identifier: 'trigger', title: 'Start', config: { type: 'SELF_SERVE_TRIGGER' } },
      { identifier: 'verify', title: 'Verify release', config: { type: 'KAFKA' } },
    ],
    connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'verify' }],
  });

  await detail.goto(run.identifier);
  await detail.expectLoaded(run.identifier);
  await expect(page.getByText('ran version 1 (now v2)')).toBeVisible();
  await expect(detail.node('Build image')).toBeVisible();
  await expect(detail.node('Deploy service')).toBeVisible();
  await expect(detail.node('Verify release')).toHaveCount(0);
});

test('a bar of the node-run timeline selects its node too', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run } = await seedLiveRun(api);
  await detail.goto(run.identifier);
  await detail.timeline.getByRole('listitem').filter({ hasText: 'Build image' }).click();
  await expect(page).toHaveURL(/[?&]node=build\b/);
  await expect(detail.node('Build image')).toHaveAttribute('aria-pressed', 'true');
  await expect(detail.node('Build image')).toHaveAccessibleName('Build image: Succeeded');
  await expect(detail.logs.line('Image built')).toBeVisible();

  await detail.timeline.getByRole('button', { name: /^Timeline: Deploy\b/ }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/[?&]node=deploy\b/);
  await expect(detail.logs.line('Replica 1 of 3 ready')).toBeVisible();
});

test('a live run moves by what the compositor draws alone: opacity and transform', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run } = await seedLiveRun(api);
  await detail.goto(run.identifier);
  await expect(detail.node('Deploy service')).toHaveAttribute('aria-pressed', 'true');
  await expect(detail.timeline.getByRole('button', { name: /^Timeline: Deploy\b/ })).toBeVisible();
  // Every animation on the page with the properties its keyframes change: the live node's pulse,
  // its timeline bar's stripes and the badges' spinners. An animated box-shadow or background
  // is painted again on the main thread every frame, as long as the run is live.
  const animations = () =>
    page.evaluate(() =>
      document.getAnimations().map((a) => ({
        name: (a as CSSAnimation).animationName,
        changes: [
          ...new Set(
            (a.effect as KeyframeEffect)
              .getKeyframes()
              .flatMap((k) => Object.keys(k))
              .filter((p) => !['offset', 'computedOffset', 'easing', 'composite'].includes(p)),
          ),
        ],
      })),
    );
  const moving = await animations();
  expect(moving.map((a) => a.name)).toEqual(
    expect.arrayContaining([expect.stringMatching(/pulse/), expect.stringMatching(/stripes/)]),
  );
  for (const { name, changes } of moving) {
    expect(changes.length, name).toBeGreaterThan(0);
    for (const property of changes) expect(['opacity', 'transform'], name).toContain(property);
  }
  // Asked for less motion, the pulse and the stripes stand still.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await expect
    .poll(async () => (await animations()).filter((a) => /pulse|stripes/.test(a.name)))
    .toEqual([]);
});

test('?node= may name a node run id; a name that is no node shows the default node', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run } = await seedLiveRun(api);
  const build = await api.nodeRun(run.identifier, 'build');
  await detail.goto(run.identifier, `?node=${build.identifier}`);
  await detail.expectLoaded(run.identifier);
  await expect(detail.node('Build image')).toHaveAttribute('aria-pressed', 'true');
  await expect(detail.logs.line('Image built')).toBeVisible();

  // Not "This node did not run" for a node that does not exist: the node the page opens on.
  await detail.goto(run.identifier, '?node=no_such_node');
  await detail.expectLoaded(run.identifier);
  await expect(detail.node('Deploy service')).toHaveAttribute('aria-pressed', 'true');
  await expect(detail.logs.line('Replica 1 of 3 ready')).toBeVisible();
  await expect(page.getByText('This node did not run')).toHaveCount(0);
});

test('a node run shows the external run id and the links its executor reported', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run, deploy } = await seedLiveRun(api);
  const job = 'https://ci.example.com/acme/deploy/runs/42';
  await api.patchNodeRun(deploy.identifier, {
    status: 'IN_PROGRESS',
    externalRunId: 'gh_42_7',
    links: [job],
  });
  await detail.goto(run.identifier, '?node=deploy');
  await detail.expectLoaded(run.identifier);
  await expect(page.getByText('gh_42_7')).toBeVisible();
  const link = page.getByRole('list', { name: 'Links of Deploy service' }).getByRole('link');
  await expect(link).toHaveText(job);
  await expect(link).toHaveAttribute('href', job);
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  await screenshotBothSchemes(page, 'run-detail-node-links');

  await detail.selectNode('Build image');
  await expect(page.getByRole('list', { name: /^Links of / })).toHaveCount(0);
});

test('searches the log and jumps from match to match', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run } = await seedFailedRun(api);
  await detail.goto(run.identifier, '?node=build');
  await expect(detail.logs.line('Pulling base image')).toBeVisible();
  const { logs } = detail;

  await logs.search.fill('timeout');
  await expect(page).toHaveURL(/[?&]q=timeout\b/);
  await expect(logs.matchCounter).toHaveText(`1 of ${TIMEOUT_LINES.length}`);
  await expect(logs.currentMatch).toHaveCount(1);
  await expect(logs.currentMatch).toContainText(TIMEOUT_LINES[0]!);
  await expect(logs.region.locator('mark').first()).toHaveText('timeout');

  await logs.nextMatch.click();
  await expect(logs.matchCounter).toHaveText(`2 of ${TIMEOUT_LINES.length}`);
  await expect(logs.currentMatch).toContainText(TIMEOUT_LINES[1]!);

  await logs.nextMatch.click();
  await expect(logs.matchCounter).toHaveText(`3 of ${TIMEOUT_LINES.length}`);
  await expect(logs.currentMatch).toContainText(TIMEOUT_LINES[2]!);

  await logs.previousMatch.click();
  await expect(logs.matchCounter).toHaveText(`2 of ${TIMEOUT_LINES.length}`);
  await expect(logs.currentMatch).toContainText(TIMEOUT_LINES[1]!);
  await screenshotBothSchemes(page, 'run-detail-search');
});

test('a link to a log line opens the log at that line, selected', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const workflow = await seedPipeline(api);
  const run = await api.startRun(workflow.identifier);
  const build = await api.nodeRun(run.identifier, 'build');
  await api.appendLogs(
    build.identifier,
    Array.from({ length: 400 }, (_, i) => ({ level: 'INFO' as const, message: `step ${i + 1}` })),
  );

  await detail.goto(run.identifier, '?node=build&line=321');
  await detail.logs.region.scrollIntoViewIfNeeded();
  const line = detail.logs.lines.filter({ has: page.getByRole('button', { name: 'Line 321' }) });
  await expect(line).toHaveAttribute('aria-selected', 'true');
  await expect(line).toContainText('step 321');
  await expect(line).toBeInViewport();
  // Opened at the line, not at the top: the first lines are not even rendered.
  await expect(page.getByRole('button', { name: 'Line 1', exact: true })).toHaveCount(0);

  await detail.logs.lines
    .filter({ hasText: 'step 325' })
    .getByRole('button', { name: 'Line 325' })
    .click();
  await expect(page).toHaveURL(/[?&]line=325\b/);
});

test('follows a live node: lines appended through the API appear at the bottom', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run, deploy } = await seedLiveRun(api);
  await detail.goto(run.identifier);
  await expect(detail.node('Deploy service')).toHaveAttribute('aria-pressed', 'true');
  await expect(detail.logs.line('Replica 1 of 3 ready')).toBeVisible();
  await expect(detail.logs.follow).toHaveAttribute('aria-pressed', 'true');
  await screenshotBothSchemes(page, 'run-detail-live');
  await detail.logs.region.scrollIntoViewIfNeeded();

  // More lines than the viewer shows at once: the newest is only in view if it follows.
  const batch = (from: number) =>
    Array.from({ length: 60 }, (_, i) => ({
      level: 'INFO' as const,
      message: `Waiting for health check ${from + i}`,
    }));
  await api.appendLogs(deploy.identifier, [
    ...batch(1),
    { level: 'INFO', message: 'Replica 2 of 3 ready' },
  ]);
  await expect(detail.logs.line('Replica 2 of 3 ready')).toBeInViewport();
  await api.appendLogs(deploy.identifier, [
    ...batch(61),
    { level: 'WARN', message: 'Replica 3 of 3 slow to start' },
  ]);
  await expect(detail.logs.line('Replica 3 of 3 slow to start')).toBeInViewport();
  // The chips count what the log brought (the run's poll is a 304 while only lines are added).
  await expect(detail.logs.levelChip('INFO')).toHaveAccessibleName('INFO 123');
  await expect(detail.logs.levelChip('WARN')).toHaveAccessibleName('WARN 1');
  await screenshotBothSchemes(page, 'run-detail-live-counts');

  // Scrolling up lets go of the bottom: new lines no longer pull the view down.
  await detail.logs.region.hover();
  await page.mouse.wheel(0, -600);
  await expect(detail.logs.follow).toHaveAttribute('aria-pressed', 'false');
  await api.appendLogs(deploy.identifier, [
    ...batch(121),
    { level: 'INFO', message: 'Rollout complete' },
  ]);
  // 2 seeded lines and three batches of 61.
  await expect(page.getByRole('table', { name: 'Log' })).toHaveAttribute('aria-rowcount', '185');
  await expect(detail.logs.line('Rollout complete')).not.toBeInViewport();
  await expect(detail.logs.levelChip('INFO')).toHaveAccessibleName('INFO 184');

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(detail.logs.levelChip('INFO')).toBeVisible();
  await saveScreenshot(page, {
    path: 'test-results/screenshots/run-detail-live-counts-390.png',
    fullPage: true,
  });
});

test('All nodes shows every node run’s lines together, each labelled with its node', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run } = await seedLiveRun(api);
  await detail.goto(run.identifier);
  await page.getByRole('button', { name: 'All nodes' }).click();
  await expect(page).toHaveURL(/[?&]scope=all\b/);
  await expect(detail.logs.line('Image built')).toContainText('Build image');
  await expect(detail.logs.line('Rolling out 3 replicas')).toContainText('Deploy service');
  await expect(detail.logs.lines).toHaveCount(3);
});

test('inspects a node’s output and copies the template path of a value', async ({
  signedIn: page,
  api,
  server,
  runDetailPage: detail,
}) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: server.baseURL,
  });
  const { run } = await seedFailedRun(api);
  await detail.goto(run.identifier, '?node=build');
  await detail.outputTab.click();
  await expect(page).toHaveURL(/[?&]tab=output\b/);

  const output = detail.output('Output of Build image');
  await expect(output.item('resourceId')).toContainText(BUILD_OUTPUT.resourceId);
  await screenshotBothSchemes(page, 'run-detail-output');

  await output.copyPath('resourceId');
  await expect
    .poll(() => page.evaluate(() => navigator.clipboard.readText()))
    .toBe('.outputs.build.resourceId');

  await output.item('image').click();
  await expect(output.item('tag')).toContainText(BUILD_OUTPUT.image.tag);
  await output.copyPath('tag');
  await expect
    .poll(() => page.evaluate(() => navigator.clipboard.readText()))
    .toBe('.outputs.build.image.tag');

  const runOutputs = detail.output('Run outputs');
  await expect(runOutputs.tree).toHaveCount(0);
  await detail.showRunOutputs();
  await expect(runOutputs.item('build')).toBeVisible();
  await expect(runOutputs.item('trigger')).toBeVisible();
});

test('a completed run makes no further requests once the page has settled', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run } = await seedFailedRun(api);
  // The page's timers run on a clock the test moves (time flows as usual until then).
  await page.clock.install();
  await detail.goto(run.identifier, '?node=build');
  await expect(detail.logs.line('Build aborted: registry timeout')).toBeVisible();

  const requests: string[] = [];
  const inFlight = new Set<Request>();
  page.on('request', (request) => {
    if (!new URL(request.url()).pathname.startsWith('/v1/')) return;
    requests.push(request.url());
    inFlight.add(request);
  });
  const done = (request: Request) => inFlight.delete(request);
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  // Three times the fastest poll interval (2 s) and more than the log viewer's (1.5 s): every
  // timer the page set for that long fires, without the test waiting for it. Then the answers
  // land (real time: waitForLoadState('networkidle') would not wait, the page reached it once).
  const runTimers = async () => {
    await page.clock.runFor(7_000);
    await expect.poll(() => inFlight.size).toBe(0);
    await page.waitForTimeout(300);
  };
  // Settling takes a few runs of the clock: the staged mounts and what the page loads once, later
  // (each level's first page 300 ms after the counts, the compare links' probe) wait on timers
  // too, and on a loaded machine each run of the clock may only get through one of them.
  let quietRuns = 0;
  for (let run = 0; run < 6 && quietRuns < 2; run++) {
    const before = requests.length;
    await runTimers();
    quietRuns = requests.length === before ? quietRuns + 1 : 0;
  }
  const settled = quietRuns === 2;
  expect(settled, `still requesting after 6 × 7 s: ${requests.join(', ')}`).toBe(true);
  // Then nothing more, however long the page stays open.
  const after = requests.length;
  await runTimers();
  await runTimers();
  expect(requests.slice(after)).toEqual([]);
});

test('an in-progress run keeps polling: unchanged polls are 304s, logs resume from the cursor', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run, deploy } = await seedLiveRun(api);
  await detail.goto(run.identifier);
  await expect(detail.logs.line('Replica 1 of 3 ready')).toBeVisible();
  // A followed node streams its lines instead (live-tail.spec.ts); not following, the log polls.
  await detail.logs.follow.click();
  await expect(detail.logs.follow).toHaveAttribute('aria-pressed', 'false');
  await page.waitForLoadState('networkidle');

  const polls: { url: URL; status: number; ifNoneMatch: string | null }[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith('/v1/')) return;
    const ifNoneMatch = response.request().headers()['if-none-match'] ?? null;
    polls.push({ url, status: response.status(), ifNoneMatch });
  });
  const runPolls = () =>
    polls.filter((p) => p.url.pathname === `/v1/workflows/runs/${run.identifier}`);
  const logPolls = () =>
    polls.filter((p) => p.url.pathname === `/v1/workflows/nodes/runs/${deploy.identifier}/logs`);

  await expect.poll(() => runPolls().some((p) => p.status === 304 && p.ifNoneMatch)).toBe(true);
  await expect.poll(() => logPolls().length).toBeGreaterThan(0);
  // Every log poll asks only for what follows the last line it has.
  for (const poll of logPolls()) expect(poll.url.searchParams.get('cursor')).toBeTruthy();

  await api.appendLogs(deploy.identifier, [{ level: 'INFO', message: 'Replica 2 of 3 ready' }]);
  await expect(detail.logs.line('Replica 2 of 3 ready')).toBeVisible();
  for (const poll of logPolls()) expect(poll.url.searchParams.get('cursor')).toBeTruthy();
});

test('markup in logs and outputs is shown as text, never turned into elements', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const payload = '<img src=x onerror="window.__xss=1"><b>bold</b>';
  const workflow = await seedPipeline(api);
  const started = await api.startRun(workflow.identifier, { inputs: { service: payload } });
  const build = await api.nodeRun(started.identifier, 'build');
  await api.patchNodeRun(build.identifier, {
    logs: [{ logLevel: 'ERROR', log: `failed: ${payload}`, tags: { html: payload } }],
    output: { note: payload },
  });

  await detail.goto(started.identifier, '?node=build');
  await expect(detail.logs.line(`failed: ${payload}`)).toBeVisible();
  await detail.outputTab.click();
  // JSON shows the string with its quotes escaped; the markup itself stays literal text.
  await expect(detail.output('Output of Build image').item('note')).toContainText(
    '<img src=x onerror=',
  );
  await detail.showRunOutputs();
  await expect(detail.output('Run outputs').item('build')).toBeVisible();

  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.locator('main b', { hasText: 'bold' })).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
});

test('the rows of a large output are walked with the arrow keys, past the rows rendered at first', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  // 60 key presses, each one rendering, on a loaded machine.
  test.slow();
  const started = await runWithLargeOutput(api);
  await detail.goto(started.identifier, '?node=build&tab=output');
  const output = detail.output('Output of Build image');
  await expect(page.getByText(/shown a level at a time/)).toBeVisible();
  await output.item('rows').click();
  await expect(output.item('0')).toBeVisible();

  // Only the rows in view (and a few around them) are in the DOM: row 59 is not there yet.
  await expect(output.item('59')).toHaveCount(0);
  await output.item('rows').focus();
  for (let i = 0; i < 60; i++) await page.keyboard.press('ArrowDown');
  await expect(output.item('59')).toBeFocused();
  await expect(output.item('59')).toBeInViewport();
  await page.keyboard.press('ArrowUp');
  await expect(output.item('58')).toBeFocused();
  // The focused row is the tree's one tab stop.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  await expect(output.item('58')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(output.item('58')).toHaveAttribute('aria-expanded', 'true');
});

test('an unknown run shows the 404 page', async ({ signedIn: page, runDetailPage: detail }) => {
  await detail.goto('wfr_0000000000000000');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByText('Run wfr_0000000000000000 was not found')).toBeVisible();
  await screenshotBothSchemes(page, 'not-found');
  await page.getByRole('link', { name: 'Go to workflows' }).click();
  await expect(page.getByRole('heading', { name: 'Workflows', exact: true })).toBeVisible();
});

/** A pipeline run whose build node has written largeOutput(). */
async function runWithLargeOutput(api: SeedApi) {
  const wf = await seedPipeline(api);
  const started = await api.startRun(wf.identifier, { inputs: { service: 'checkout' } });
  const node = await api.nodeRun(started.identifier, 'build');
  await api.patchNodeRun(node.identifier, { output: largeOutput() });
  return started;
}

/** An output big enough (≥ 256 KB as PostgreSQL stores it) to open a level at a time. */
function largeOutput() {
  let seed = 17;
  const hex = () => {
    let s = '';
    for (let i = 0; i < 8; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      s += seed.toString(16).padStart(8, '0');
    }
    return s;
  };
  return {
    summary: { digest: hex(), '<b>bold</b>': '<img src=x onerror=alert(1)>' },
    rows: Array.from({ length: 6000 }, (_, i) => ({ i, blob: hex() + hex() })),
    note: 'needle in the last row',
    last: { deep: 'needle' },
  };
}

test('a large output opens a level at a time: children fetched when opened, the whole output for search', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  // Legitimately long: it seeds a 6,000-row output, loads the page twice, takes screenshots in
  // both schemes and at 390 px, and has the browser load and parse the whole output for the
  // search; on a loaded CI machine (load ~20 on 2 cores) that alone passes 30 s.
  test.slow();
  const started = await runWithLargeOutput(api);
  const wholeOutput: string[] = [];
  page.on('request', (req) => {
    if (/\/output$/.test(new URL(req.url()).pathname)) wholeOutput.push(req.url());
  });

  await detail.goto(started.identifier, '?node=build&tab=output');
  const output = detail.output('Output of Build image');
  await expect(output.item('rows')).toContainText('[6,000 items]');
  await expect(output.item('note')).toContainText('"needle in the last row"');
  await expect(page.getByText(/shown a level at a time/)).toBeVisible();
  expect(wholeOutput).toEqual([]);

  // Opening a container fetches its children by JSON pointer; markup stays text.
  await output.item('summary').click();
  await expect(output.item('<b>bold</b>')).toContainText('<img src=x onerror=alert(1)>');
  await expect(output.tree.locator('img, b')).toHaveCount(0);
  await screenshotBothSchemes(page, 'run-detail-large-output');
  await output.item('rows').click();
  await expect(output.item('0')).toContainText('{2 keys}');
  // Only the rows in view are in the DOM: "Show more", after the first page of 500, is reached by
  // scrolling, as a person does.
  await output.tree.hover();
  await page.mouse.wheel(0, 40_000);
  const more = output.tree.getByRole('button', { name: /Show more \(5,500 of 6,000/ });
  await expect(more).toBeVisible();
  await more.click();
  await expect(output.item('500')).toBeVisible();
  // Not the 1,000 rows loaded: with every loaded row in the DOM, a scroll or a hover laid out
  // thousands of elements, and every step of this test walked them all (it timed out at load 20).
  expect(await output.tree.getByRole('treeitem').count()).toBeLessThan(200);
  await page.mouse.wheel(0, 40_000);
  await expect(output.item('999')).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await output.item('summary').scrollIntoViewIfNeeded();
  await saveScreenshot(page, { path: 'test-results/screenshots/run-detail-large-output-390.png' });
  await page.setViewportSize({ width: 1280, height: 800 });
  expect(wholeOutput).toEqual([]);

  // Searching needs all of it: the whole output loads and the search runs on it (its load and
  // parse alone took 5–10 s at load 20, hence a wait longer than the 7 s default).
  await page.getByRole('textbox', { name: 'Search output of build image' }).fill('needle');
  await expect(page.getByText(/^1 of 2$/)).toBeVisible({ timeout: 20_000 });
  expect(wholeOutput).toHaveLength(1);

  // So does "Expand all", asked for before the whole output is there: it opens everything once it is.
  // The mouse leaves the tree first: over a row, the footer shows that row's path instead.
  await page.mouse.move(0, 0);
  await detail.goto(started.identifier, '?node=build&tab=output');
  await expect(page.getByText(/shown a level at a time/)).toBeVisible();
  await page.getByRole('button', { name: 'Expand all' }).click();
  await expect(output.item('last')).toHaveAttribute('aria-expanded', 'true', { timeout: 20_000 });
  await expect(output.item('rows')).toHaveAttribute('aria-expanded', 'true');
  await expect(output.item('0')).toHaveAttribute('aria-expanded', 'true');
  expect(wholeOutput).toHaveLength(2);
});
