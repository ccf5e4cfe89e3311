import { expect, test } from '../fixtures';
import { seedLiveRun } from '../scenarios';
import { saveScreenshot, screenshotBothSchemes } from '../screenshots';

const placeholders = (rows: Element[]) =>
  rows.filter((row) => row.lastElementChild?.textContent === '…').length;

test('a log scrolled up from its end polls the new count, not the new lines: they show as rows fetched when scrolled to', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  test.setTimeout(90_000);
  const { run, deploy } = await seedLiveRun(api);
  const lines = (word: string, from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({
      level: 'INFO' as const,
      message: `${word} ${from + i}`,
    }));
  await api.appendLogs(deploy.identifier, lines('older', 1, 1000));
  const logsPath = `/v1/workflows/nodes/runs/${deploy.identifier}/logs`;

  await detail.goto(run.identifier);
  await expect(detail.logs.line('older 1000')).toBeVisible();
  // Not following: a followed node streams its lines (live-tail.spec.ts); this view polls.
  await detail.logs.follow.click();
  await expect(detail.logs.follow).toHaveAttribute('aria-pressed', 'false');
  await detail.logs.region.scrollIntoViewIfNeeded();
  await detail.logs.region.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(detail.logs.line('Rolling out 3 replicas')).toBeInViewport();
  await page.waitForLoadState('networkidle');

  // Every log read from now on, with the text it carried.
  const reads: { url: URL; status: number; body: Promise<string> }[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname !== logsPath) return;
    const status = response.status();
    reads.push({ url, status, body: status === 200 ? response.text() : Promise.resolve('') });
  });

  await api.appendLogs(deploy.identifier, lines('fresh', 1, 600));
  // The view learns the new end (2 seeded lines, 1 000 older, 600 fresh) and the level counts.
  const table = page.getByRole('table', { name: 'Log' });
  await expect(table).toHaveAttribute('aria-rowcount', '1602', { timeout: 15_000 });
  await expect(detail.logs.levelChip('INFO')).toHaveAccessibleName('INFO 1602');
  await expect(detail.logs.line('Rolling out 3 replicas')).toBeInViewport();

  // …from polls that asked for the count alone and carried none of the new lines' text.
  expect(reads.length).toBeGreaterThan(0);
  for (const read of reads) expect(await read.body).not.toContain('fresh');
  for (const read of reads) expect(read.url.searchParams.get('total')).toBe('only');
  await screenshotBothSchemes(page, 'log-polls-scrolled-up');

  // Scrolled to the end, the new lines are fetched by range and shown, no placeholder left.
  const fetchedBefore = reads.length;
  await detail.logs.region.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(detail.logs.line('fresh 600')).toBeInViewport();
  await expect.poll(() => detail.logs.lines.evaluateAll(placeholders)).toBe(0);
  const visible = await detail.logs.visibleTexts();
  expect(visible.at(-1)).toBe('fresh 600');
  const numbers = visible.filter((t) => t.startsWith('fresh ')).map((t) => Number(t.slice(6)));
  expect(numbers.length).toBeGreaterThan(5);
  expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
  const ranges = reads.slice(fetchedBefore).filter((r) => r.url.searchParams.has('cursor'));
  expect(ranges.length).toBeGreaterThan(0);

  // At the end, the polls bring the new lines again.
  await api.appendLogs(deploy.identifier, lines('newest', 1, 3));
  await expect(detail.logs.line('newest 3')).toBeVisible({ timeout: 15_000 });
  await expect(table).toHaveAttribute('aria-rowcount', '1605');

  await page.setViewportSize({ width: 390, height: 844 });
  await detail.logs.line('newest 3').scrollIntoViewIfNeeded();
  await saveScreenshot(page, { path: 'test-results/screenshots/log-polls-end-390.png' });
});
