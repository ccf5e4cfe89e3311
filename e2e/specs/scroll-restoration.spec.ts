import { expect, test } from '../fixtures';
import { seedPipeline } from '../scenarios';

/**
 * Back to a list puts it where it was: TanStack Router's scroll restoration, kept with its
 * saved positions read after boot instead of while the app's code evaluates
 * (scripts/vite-lazy-scroll-restoration.ts). Not across a reload, in main's build either: the
 * reloaded app's query cache is empty, so the list's rows are not there yet when the router
 * restores its position.
 */
test('back from a run puts the Runs tab where it was scrolled', async ({
  signedIn: page,
  api,
  workflowRunsPage: runs,
}) => {
  const workflow = await seedPipeline(api);
  for (let i = 0; i < 40; i += 10) {
    await Promise.all(Array.from({ length: 10 }, () => api.startRun(workflow.identifier)));
  }
  await runs.goto(workflow.identifier);
  await expect(runs.rows).toHaveCount(40);

  // A row far down the list, scrolled into the middle of the window.
  const target = runs.rows.nth(30);
  const runId = (await target.getByRole('link', { name: /^wfr_/ }).textContent())!.trim();
  await target.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const scrolled = await page.evaluate(() => window.scrollY);
  expect(scrolled).toBeGreaterThan(300);

  await target.getByRole('link', { name: runId }).click();
  await expect(page.getByRole('heading', { name: runId })).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);

  await page.goBack();
  await expect(runs.rows).toHaveCount(40);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(scrolled);
  await expect(target).toBeInViewport();
});
