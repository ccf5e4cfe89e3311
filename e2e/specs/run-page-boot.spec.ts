import { expect, test } from '../fixtures';
import { seedLiveRun } from '../scenarios';

/**
 * The run page mounts in stages (header, then the log panel, then graph and timeline) and asks
 * for the selected log's first lines from its route's loader, before the log panel exists.
 */
test('a cold load of a followed live node: one request for its last lines, the newest line in view, the graph after', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run, deploy } = await seedLiveRun(api);
  // More lines than the viewer shows: the newest is in view only if the list followed to its end.
  await api.appendLogs(
    deploy.identifier,
    Array.from({ length: 300 }, (_, i) => ({ level: 'INFO' as const, message: `check ${i + 1}` })),
  );
  const firstPages: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.endsWith(`/runs/${deploy.identifier}/logs`) && url.searchParams.has('tail'))
      firstPages.push(url.search);
  });

  await detail.goto(run.identifier);
  const newest = detail.logs.line(/^\d+INFO.*check 300$/);
  await expect(newest).toBeVisible();
  await expect(detail.logs.line(/check 1$/)).toHaveCount(0);
  await expect(detail.logs.follow).toHaveAttribute('aria-pressed', 'true');
  await expect(detail.node('Deploy service')).toHaveAttribute('aria-pressed', 'true');
  // The loader's request and the viewer's open were one.
  expect(firstPages).toHaveLength(1);
  // The page itself stays at its top: only the log's own list scrolled, to its end.
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await detail.logs.region.scrollIntoViewIfNeeded();
  await expect(newest).toBeInViewport();

  // Following goes on after the staged mount: a new line comes into view at the bottom.
  await api.appendLogs(deploy.identifier, [{ level: 'WARN', message: 'Replica 2 is slow' }]);
  await expect(detail.logs.line('Replica 2 is slow')).toBeInViewport();
});

test('a finished node opens its log at the head without a scroll, and the graph and controls follow', async ({
  signedIn: page,
  api,
  runDetailPage: detail,
}) => {
  const { run } = await seedLiveRun(api);
  await detail.goto(run.identifier, '?node=build');
  await expect(detail.logs.line('Image built')).toBeVisible();
  await expect(detail.node('Build image')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('button', { name: 'Re-run' })).toBeVisible();
  await expect(detail.logs.follow).toHaveCount(0);
  expect(await detail.logs.region.evaluate((el) => el.scrollTop)).toBe(0);
});
