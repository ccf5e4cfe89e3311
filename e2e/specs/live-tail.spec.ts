import { expect, test } from '../fixtures';
import { seedLiveRun } from '../scenarios';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';

declare global {
  interface Window {
    __tailCheck: { frames: number; placeholders: number; outOfOrder: string[]; on: boolean };
  }
}

test('following a node while a writer posts: lines stream in order to the bottom, never as placeholders, and the stream stops when the node ends', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  test.setTimeout(90_000);
  const { run, deploy } = await seedLiveRun(api);
  const streamPath = `/v1/workflows/nodes/runs/${deploy.identifier}/logs/stream`;
  const logsPath = `/v1/workflows/nodes/runs/${deploy.identifier}/logs`;
  const streams: URL[] = [];
  const logReads: URL[] = [];
  let streamFinished = false;
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === streamPath) streams.push(url);
    if (url.pathname === logsPath) logReads.push(url);
  });
  // The stream is over when the server ends it or when the page closes it on its `end` event
  // (EventSource.close() before the response's last bytes land shows as an aborted request).
  page.on('requestfinished', (request) => {
    if (new URL(request.url()).pathname === streamPath) streamFinished = true;
  });
  page.on('requestfailed', (request) => {
    const aborted = request.failure()?.errorText === 'net::ERR_ABORTED';
    if (new URL(request.url()).pathname === streamPath && aborted) streamFinished = true;
  });

  await detail.goto(run.identifier);
  await expect(detail.logs.line('Replica 1 of 3 ready')).toBeVisible();
  await expect(detail.logs.follow).toHaveAttribute('aria-pressed', 'true');
  await detail.logs.region.scrollIntoViewIfNeeded();
  // Following streams the lines after the last one shown (seedLiveRun wrote 2).
  await expect.poll(() => streams.length).toBe(1);
  expect(streams[0]!.searchParams.get('cursor')).toBe('2');
  // The viewer fetches each present level's first page in the background (300 ms after the
  // counts are known, so a chip toggles from memory): that read is not the stream's to carry,
  // and at load it may come after the stream opened.
  await expect.poll(() => logReads.some((u) => u.searchParams.get('level') === 'INFO')).toBe(true);
  const readsBefore = logReads.length;

  // Every frame: no placeholder row, and the rows in the DOM are consecutive lines whose text
  // matches their number ("tail n" is line n + 2).
  await page.evaluate(() => {
    window.__tailCheck = { frames: 0, placeholders: 0, outOfOrder: [], on: true };
    const check = () => {
      const s = window.__tailCheck;
      if (!s.on) return;
      s.frames++;
      let previous: number | null = null;
      for (const row of document.querySelectorAll('[aria-label="Log lines"] [role=row]')) {
        const text = row.lastElementChild?.textContent ?? '';
        if (text === '…') {
          s.placeholders++;
          continue;
        }
        const seq = Number(row.getAttribute('data-seq'));
        const m = /^tail (\d+)$/.exec(text);
        if (m && Number(m[1]) + 2 !== seq) s.outOfOrder.push(`${seq}: ${text}`);
        if (previous !== null && seq !== previous + 1) s.outOfOrder.push(`${previous} → ${seq}`);
        previous = seq;
      }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });

  // The writer: 40 batches of 100 lines, one every 50 ms or so.
  for (let b = 0; b < 40; b++) {
    await api.appendLogs(
      deploy.identifier,
      Array.from({ length: 100 }, (_, i) => ({
        level: 'INFO' as const,
        message: `tail ${b * 100 + i + 1}`,
      })),
    );
    await page.waitForTimeout(50);
  }
  await expect(detail.logs.line('tail 4000')).toBeInViewport();
  await expect(page.getByRole('table', { name: 'Log' })).toHaveAttribute('aria-rowcount', '4002');
  const visible = await detail.logs.visibleTexts();
  expect(visible.at(-1)).toBe('tail 4000');
  const numbers = visible.filter((t) => t.startsWith('tail ')).map((t) => Number(t.slice(5)));
  expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));

  const checked = await page.evaluate(() => {
    window.__tailCheck.on = false;
    return window.__tailCheck;
  });
  expect(checked.frames).toBeGreaterThan(10);
  expect(checked.placeholders).toBe(0);
  expect(checked.outOfOrder).toEqual([]);
  // The stream carried every line: the viewer asked the log endpoint for nothing meanwhile.
  expect(logReads.slice(readsBefore).map((u) => u.search)).toEqual([]);

  await screenshotBothSchemes(page, 'live-tail-following');
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 390, height: 844 });
  await detail.logs.line('tail 4000').scrollIntoViewIfNeeded();
  await expect(detail.logs.line('tail 4000')).toBeInViewport();
  await saveScreenshot(page, { path: 'test-results/screenshots/live-tail-following-390.png' });
  await page.setViewportSize(size);
  await detail.logs.region.scrollIntoViewIfNeeded();

  // The node run ends with a last line: it arrives, the stream closes and is not reopened.
  await api.patchNodeRun(deploy.identifier, {
    logs: [{ logLevel: 'INFO', log: 'Rollout complete' }],
    status: 'COMPLETED',
    result: 'SUCCESS',
  });
  await expect(detail.logs.line('Rollout complete')).toBeInViewport();
  await expect.poll(() => streamFinished).toBe(true);
  await page.waitForTimeout(2_500);
  expect(streams).toHaveLength(1);
});

test('a followed live log filtered to a level reads its last lines in one request, not a walk from its head', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run, deploy } = await seedLiveRun(api);
  // 3 000 lines, an ERROR every 5th: the level's first page (200) ends far from its last line.
  for (let from = 0; from < 3000; from += 1000) {
    await api.appendLogs(
      deploy.identifier,
      Array.from({ length: 1000 }, (_, i) => ({
        level: (from + i) % 5 === 4 ? ('ERROR' as const) : ('INFO' as const),
        message: `step ${from + i + 1}`,
      })),
    );
  }
  const logsPath = `/v1/workflows/nodes/runs/${deploy.identifier}/logs`;
  const errorReads: URL[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === logsPath && url.searchParams.get('level') === 'ERROR')
      errorReads.push(url);
  });
  await detail.goto(run.identifier);
  await expect(detail.logs.line('step 3000')).toBeVisible();
  await expect(detail.logs.follow).toHaveAttribute('aria-pressed', 'true');
  await detail.logs.region.scrollIntoViewIfNeeded();

  await detail.logs.showOnly('ERROR');
  // The level's last line, at the bottom: the viewer still follows.
  await expect(detail.logs.line('step 3000')).toBeInViewport();
  await expect(detail.logs.follow).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('table', { name: 'Log' })).toHaveAttribute('aria-rowcount', '600');
  // Its first page (the chips' prefetch, or the view's own) and its tail; no request walking
  // from the first page's last line toward the end (up to 10 000 lines a request).
  const walks = errorReads.filter(
    (u) => u.searchParams.get('tail') !== 'true' && u.searchParams.get('cursor') !== '0',
  );
  expect(walks.map((u) => u.search)).toEqual([]);
  expect(errorReads.some((u) => u.searchParams.get('tail') === 'true')).toBe(true);
});
